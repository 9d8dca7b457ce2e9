"""Reads for the review: a unit's checklist, a round's status, who the rektorer are."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from organisation.models import Person, Unit, UnitGroupObjectPermission, UnitUserObjectPermission
from organisation.queries import MANAGE_UNIT
from registry import versions
from registry.coverage import coverage_by_unit
from registry.notify.queries import unit_confirmations
from review.models import ReviewRound, UnitReview


@dataclass
class Checklist:
    """What a rektor goes through before signing: gaps, changes, people to check, and the
    assignments their people have not confirmed or have declined."""

    findings: list
    baseline: object  # the version the changes are counted from, or None
    changes: object  # a registry.versions.VersionDiff, or None without a baseline
    people_left: list
    people_without_login: list
    confirmations: object = None  # registry.notify.queries.UnitConfirmations

    @property
    def people_count(self):
        return len(self.people_left) + len(self.people_without_login)


def unit_checklist(review):
    """The checklist of one unit review; a fixed number of queries whatever the register's size.

    Changes count from the version in force when the unit was last signed
    off, or, before its first sign-off, from the version in force now.
    """
    unit = review.unit
    (coverage,) = coverage_by_unit(units=[unit], scope=Unit.objects.filter(pk=unit.pk))
    last = (
        UnitReview.objects.filter(unit=unit, status=UnitReview.Status.SIGNED, version__isnull=False)
        .exclude(pk=review.pk)
        .select_related("version")
        .order_by("-decided_at")
        .first()
    )
    baseline = last.version if last else versions.blueprint_in_force(unit.organisation_id)
    changes = None
    if baseline is not None and baseline.published_at:
        changes = versions.version_diff(before=baseline, unit_ids={unit.pk})
    people = (
        Person.objects.filter(Q(assignments__unit=unit) | Q(appointments__unit=unit))
        .select_related("user")
        .distinct()
        .order_by("initials")
    )
    left, without_login = [], []
    for person in people:
        if person.user is None:
            without_login.append(person)
        elif not person.user.is_active:
            left.append(person)
    findings = [finding for _check, found in coverage.sections() for finding in found]
    return Checklist(findings, baseline, changes, left, without_login, unit_confirmations(unit))


@dataclass
class RoundStatus:
    """Every unit's status in a round: counts for the chart and rows for the table."""

    reviews: list
    counts: dict  # status -> number

    @property
    def total(self):
        return len(self.reviews)

    def bars(self):
        """[(status value, label, count, percent of all units)] in a fixed order."""
        total = self.total or 1
        order = (UnitReview.Status.SIGNED, UnitReview.Status.RETURNED, UnitReview.Status.PENDING)
        return [
            (status.value, status.label, count, round(100 * count / total))
            for status, count in ((status, self.counts[status]) for status in order)
        ]


def missing_reviews(*, rounds, units):
    """Unsaved, pending reviews for the units (of `units`) that joined a running round's
    huvudman after it opened.

    A unit can be added by any path (admin, spreadsheet, generate_demo), so the
    review pages show such units as not yet reviewed; their row is written
    when their rektor decides (a GET never writes). One query, whatever the
    number of rounds.
    """
    today = timezone.localdate()
    running = {round.pk: round for round in rounds if round.deadline >= today}
    if not running:
        return []
    missing = (
        units.filter(organisation__review_rounds__in=list(running))
        .annotate(round_id=F("organisation__review_rounds"))
        .filter(~Exists(UnitReview.objects.filter(round=OuterRef("round_id"), unit=OuterRef("pk"))))
        .order_by("name", "pk")
    )
    return [UnitReview(round=running[unit.round_id], unit=unit) for unit in missing]


def round_status(round):
    reviews = list(round.unit_reviews.select_related("unit", "decided_by").order_by("unit__name"))
    reviews += missing_reviews(rounds=[round], units=Unit.objects.all())
    reviews.sort(key=lambda review: (review.unit.name, review.unit.pk))
    counts = Counter(review.status for review in reviews)
    return RoundStatus(reviews, {status: counts[status] for status in UnitReview.Status})


def principals_of(unit_ids):
    """{unit id: [active users granted manage_unit there, with an e-mail address]}.

    The rektorer: per-unit grants to the user or to one of their groups
    (django-guardian, direct foreign keys). People granted every unit
    (administratörer) are not anyone's rektor.
    """
    app_label, codename = MANAGE_UNIT.split(".")
    perm = Q(permission__codename=codename, permission__content_type__app_label=app_label)
    users = defaultdict(set)
    for unit_id, user_id in UnitUserObjectPermission.objects.filter(
        perm, content_object_id__in=unit_ids
    ).values_list("content_object_id", "user_id"):
        users[unit_id].add(user_id)
    User = get_user_model()
    for unit_id, user_id in UnitGroupObjectPermission.objects.filter(
        perm, content_object_id__in=unit_ids
    ).values_list("content_object_id", "group__user"):
        if user_id:
            users[unit_id].add(user_id)
    by_id = {
        user.pk: user
        for user in User.objects.filter(
            pk__in={pk for ids in users.values() for pk in ids}, is_active=True
        )
        .exclude(email="")
        .order_by("pk")
    }
    return {
        unit_id: [by_id[pk] for pk in sorted(ids) if pk in by_id] for unit_id, ids in users.items()
    }


def rounds_with_reviews(user):
    """[(round, [its unit reviews])] of the rounds `user` sees, newest deadline first.

    The reviews are those of the units the user sees, by unit name; a unit
    that joined a running round after it opened has an unsaved, pending one
    (missing_reviews).
    """
    rounds = list(
        ReviewRound.objects.restrict(user)
        .select_related("organisation")
        .order_by("-deadline", "-pk")
    )
    reviews = list(
        UnitReview.objects.restrict(user).filter(round__in=rounds).select_related("unit")
    )
    reviews += missing_reviews(rounds=rounds, units=Unit.objects.restrict(user))
    reviews.sort(key=lambda review: (review.unit.name, review.unit.pk))
    by_round = {}
    for review in reviews:
        by_round.setdefault(review.round_id, []).append(review)
    return [(round, by_round.get(round.pk, [])) for round in rounds]
