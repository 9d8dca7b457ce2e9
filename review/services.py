"""Writes of the review: open a round, sign off or return a unit, remind the rektorer."""

from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from organisation.models import Unit
from registry import versions
from review import permissions
from review.models import ReviewRound, UnitReview
from review.queries import missing_reviews, principals_of


@transaction.atomic
def review_round_open(*, organisation, title, deadline, user):
    """Open a round for a school year: every unit of the huvudman gets a review to sign."""
    if not permissions.can_open_round(user):
        raise PermissionDenied(_("Du får inte öppna granskningsomgångar."))
    round = ReviewRound(organisation=organisation, title=title, deadline=deadline, opened_by=user)
    round.full_clean()
    round._history_user = user
    round.save()
    bulk_create_with_history(
        [
            UnitReview(round=round, unit=unit)
            for unit in Unit.objects.filter(organisation=organisation).order_by("pk")
        ],
        UnitReview,
        default_user=user,
    )
    return round


def unit_reviews_add_missing(*, rounds):
    """Write the reviews of units that joined a running round after it opened (queries.
    missing_reviews). Returns the number of reviews created."""
    reviews = missing_reviews(rounds=rounds, units=Unit.objects.all())
    if reviews:
        # Two requests at once may both find a unit missing: the second adds nothing.
        bulk_create_with_history(reviews, UnitReview, ignore_conflicts=True)
    return len(reviews)


@transaction.atomic
def unit_review_decide(*, review, user, status, comment=""):
    """Sign off (status SIGNED) or return with questions (RETURNED, a comment required).

    Only a rektor of the unit may; the version in force is recorded with a
    sign-off so that the next round lists the changes since.
    """
    if not permissions.can_decide_unit_review(user, review):
        raise PermissionDenied(_("Du får bara granska dina egna enheter."))
    if status not in (UnitReview.Status.SIGNED, UnitReview.Status.RETURNED):
        raise ValidationError(_("Okänt beslut."))
    comment = comment.strip()
    if status == UnitReview.Status.RETURNED and not comment:
        raise ValidationError({"comment": _("Skriv dina frågor när du skickar tillbaka.")})
    if review.pk is None:
        # A unit that joined the round after it opened: its row is written now.
        review, _created = UnitReview.objects.get_or_create(round=review.round, unit=review.unit)
    review.status = status
    review.comment = comment
    review.decided_by = user
    review.decided_at = timezone.now()
    review.version = (
        versions.blueprint_in_force(review.unit.organisation_id)
        if status == UnitReview.Status.SIGNED
        else None
    )
    review.full_clean()
    review._history_user = user
    review.save()
    return review


def review_round_remind(*, round, user, base_url=""):
    """E-mail every rektor of a unit that has not signed off; one message per rektor.

    Returns the number of messages sent. Signed units and their rektorer get
    nothing; a rektor of several unsigned units gets one message naming them.
    """
    if not permissions.can_view_status(user):
        raise PermissionDenied(_("Du får inte skicka påminnelser."))
    unit_reviews_add_missing(rounds=[round])
    unsigned = list(
        round.unit_reviews.exclude(status=UnitReview.Status.SIGNED).select_related("unit")
    )
    principals = principals_of([review.unit_id for review in unsigned])
    units_of = defaultdict(list)
    recipients = {}
    for review in unsigned:
        for principal in principals.get(review.unit_id, []):
            recipients[principal.pk] = principal
            units_of[principal.pk].append(review)
    subject = _("Påminnelse: granska ansvarsfördelningen senast %(deadline)s") % {
        "deadline": round.deadline.isoformat()
    }
    messages = []
    for pk, principal in recipients.items():
        lines = [
            f"- {review.unit.name}: {base_url}"
            + reverse("review:unit_review", args=[round.pk, review.unit.slug])
            for review in units_of[pk]
        ]
        body = _(
            "Hej!\n\nGranskningen %(round)s är inte klar för:\n%(units)s\n\n"
            "Gå igenom enhetens checklista och godkänn, eller skicka tillbaka med frågor, "
            "senast %(deadline)s.\n"
        ) % {"round": round.title, "units": "\n".join(lines), "deadline": round.deadline}
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [principal.email]))
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    now = timezone.now()
    reminded = {review.pk for reviews in units_of.values() for review in reviews}
    for review in unsigned:
        if review.pk in reminded:
            review.reminded_at = now
            review._history_user = user
            review.save(update_fields=["reminded_at"])
    return sent
