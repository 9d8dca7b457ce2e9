"""Writes: a person confirms or declines an assignment (a decline tells the unit's rektorer),
and the day's responsibility e-mails are sent."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from organisation.models import Person, Unit
from registry.models import AssignmentConfirmation, DigestMark, Item, Role, UsedConfirmationLink
from registry.notify import digest, queries
from registry.notify.tokens import confirmation_token

try:  # Django 6.1 sends through the mailers of settings.MAILERS; get_connection() is deprecated
    from django.core.mail import mailers
except ImportError:  # Django 5.2
    mailers = None


def mail_connection():
    """A connection to the default mailer, for many e-mails over one connection."""
    return mailers.default if mailers is not None else get_connection()


@transaction.atomic
def assignment_answer(*, assignment, person, user, state, comment="", nonce=None, base_url=None):
    """Record that `person` confirmed or declined `assignment` as it is now; returns the
    AssignmentConfirmation.

    An earlier answer for the same role is replaced (the history keeps it).
    `nonce` is a confirmation link's: stored, so the link works once (a
    second use raises ValidationError). A decline e-mails the unit's
    rektorer (queries.decline_recipients) with the comment.
    """
    if not queries.can_confirm(person, assignment):
        raise PermissionDenied(_("Du kan bara svara på ditt eget ansvar."))
    if nonce is not None:
        try:
            with transaction.atomic():
                UsedConfirmationLink.objects.create(nonce=nonce)
        except IntegrityError:
            raise ValidationError(_("Länken är redan använd.")) from None
    answer = (
        AssignmentConfirmation.objects.select_for_update()
        .filter(assignment=assignment, person=person, role=assignment.role_id)
        .first()
    ) or AssignmentConfirmation(assignment=assignment, person=person, role_id=assignment.role_id)
    answer.state = state
    answer.comment = comment.strip()
    answer.decided_by = user
    answer.decided_at = timezone.now()
    answer._history_user = user
    answer._change_reason = answer.get_state_display()
    answer.full_clean()
    answer.save()
    if state == AssignmentConfirmation.State.DECLINED:
        transaction.on_commit(lambda: decline_notify(answer=answer, base_url=base_url))
    return answer


def decline_notify(*, answer, base_url=None):
    """E-mail that `answer` declined its assignment to the unit's rektorer, or else the
    huvudman's utbildningschefer (queries.decline_recipients); returns how many."""
    assignment = answer.assignment
    recipients = [person.email for person in queries.decline_recipients(assignment)]
    if not recipients:
        return 0
    base_url = base_url or settings.DIGIANSVAR_SITE_URL
    page = assignment.unit or answer.person  # organisation-wide: the decliner's page
    context = {
        "answer": answer,
        "assignment": assignment,
        "unit_url": base_url + page.get_absolute_url(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(person)s avböjer ansvar för %(item)s") % {
            "person": answer.person.initials,
            "item": assignment.item.name,
        }
        body = render_to_string("registry/notify/declined_email.txt", context)
    return EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()


@dataclass
class DigestResult:
    sent: int = 0  # e-mails sent
    people: int = 0  # people with something that changed, e-mail or not
    deferred: int = 0  # people already told today: their changes wait for tomorrow
    up_to: int = 0  # the history id read up to


def responsibility_digest_send(*, today=None, base_url=None, connection=None):
    """Tell everyone whose assignments changed since they were last told; safe to run again.

    One e-mail a person a day at most: someone already told today keeps their
    mark and hears of newer changes tomorrow. The first run only sets the
    starting point (the register's past is not news). People are read as a
    stream (`.iterator()`) and the mail connection opened once, so memory
    stays flat however many are told. Each person's mark is written after
    their e-mail: a crash in between sends that one e-mail again next time.
    """
    today = today or date.today()
    base_url = base_url or settings.DIGIANSVAR_SITE_URL
    history = digest.history_model()
    up_to = history.objects.aggregate(top=Max("history_id"))["top"] or 0
    start, created = DigestMark.objects.get_or_create(person=None, defaults={"told_up_to": up_to})
    result = DigestResult(up_to=up_to)
    if created:
        return result
    window = history.objects.filter(history_id__gt=start.told_up_to, history_id__lte=up_to)
    before = history.objects.filter(id=OuterRef("id"), history_id__lte=start.told_up_to)
    earlier = window.annotate(
        earlier=Subquery(before.order_by("-history_id").values("person_id")[:1])
    ).values("earlier")
    marks = DigestMark.objects.filter(person=OuterRef("pk"))
    people = (
        Person.objects.filter(Q(pk__in=window.values("person_id")) | Q(pk__in=earlier))
        .annotate(
            told_up_to=Subquery(marks.values("told_up_to")[:1]),
            sent_on=Subquery(marks.values("sent_on")[:1]),
        )
        .order_by("pk")
    )
    catalogue = _Catalogue()
    lowest = up_to
    connection = connection or mail_connection()
    connection.open()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            for person in people.iterator(chunk_size=500):
                after = max(person.told_up_to or 0, start.told_up_to)
                if person.sent_on == today:
                    result.deferred += 1
                    lowest = min(lowest, after)
                    continue
                changes = digest.person_changes(person=person, after=after, up_to=up_to)
                sent_on = person.sent_on
                if changes:
                    result.people += 1
                    if person.email:
                        message = _digest_message(person, changes, catalogue, base_url)
                        result.sent += connection.send_messages([message])
                        sent_on = today
                # One statement: the annotation says whether the person has a mark yet.
                if person.told_up_to is None:
                    DigestMark.objects.create(person=person, told_up_to=up_to, sent_on=sent_on)
                else:
                    DigestMark.objects.filter(person=person).update(
                        told_up_to=up_to, sent_on=sent_on
                    )
    finally:
        connection.close()
    start.told_up_to = lowest
    start.save(update_fields=["told_up_to"])
    return result


class _Catalogue:
    """Items, roles and users by id, read as they are first needed and kept for the run."""

    def __init__(self):
        self.roles = Role.objects.in_bulk()
        self.items = {}
        self.users = {}

    def fill(self, changes):
        missing = {change.item_id for change in changes} - self.items.keys()
        if missing:
            self.items |= Item.objects.in_bulk(missing)
        users = {change.changed_by_id for change in changes if change.changed_by_id}
        users -= self.users.keys()
        if users:
            self.users |= get_user_model().objects.in_bulk(users)


def _digest_message(person, changes, catalogue, base_url):
    catalogue.fill(changes)
    units = Unit.objects.in_bulk({change.unit_id for change in changes if change.unit_id})
    lines = []
    for change in changes:
        role = catalogue.roles.get(change.role_id)
        user = catalogue.users.get(change.changed_by_id)
        item = catalogue.items.get(change.item_id)
        link = ""
        if change.still_held:
            token = confirmation_token(
                assignment_id=change.assignment_id, person_id=person.pk, role_id=change.role_id
            )
            link = base_url + reverse("registry:confirmation_link", args=[token])
        lines.append(
            {
                "kind": change.kind,
                "item": item.name if item else _("(borttaget ansvarsområde)"),
                "unit": units.get(change.unit_id),
                "role": role,
                "changed_by": (user.get_full_name() or user.get_username()) if user else "",
                "reason": change.reason,
                "link": link,
            }
        )
    context = {
        "person": person,
        "changes": lines,
        "person_url": base_url + reverse("registry:person_detail", args=[person.initials]),
        "link_days": settings.DIGIANSVAR_CONFIRMATION_LINK_DAYS,
        "has_links": any(line["link"] for line in lines),
    }
    subject = _("Ditt ansvar har ändrats")
    message = EmailMultiAlternatives(
        subject,
        render_to_string("registry/notify/digest_email.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
    )
    message.attach_alternative(
        render_to_string("registry/notify/digest_email.html", context), "text/html"
    )
    return message
