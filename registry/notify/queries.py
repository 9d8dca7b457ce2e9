"""Reads: whether an assignment is confirmed, the chips' marks, a unit's unconfirmed and
declined assignments, who may confirm what, and who the unit's rektorer are.

"Ej bekräftad": no confirmation by the assignment's current person for its
current role. An assignment that names a person is theirs to confirm; a
role-only one of an individual role is confirmed by someone who holds the role
at the unit (registry.queries.role_holders); a collective role (LÄR) or a
relative one is never confirmed: everyone with the function holds it.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import IntegerField, Max, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import Appointment, Position
from organisation.permissions import restrict
from registry.models import Assignment, AssignmentConfirmation, Role, UsedConfirmationLink

# The item and person pages list this many answers (newest first).
HISTORY_ROWS = 20

UNCONFIRMED = "unconfirmed"
DECLINED = AssignmentConfirmation.State.DECLINED.value
CONFIRMED = AssignmentConfirmation.State.CONFIRMED.value


def _role_key(field):
    return Coalesce(field, Value(0), output_field=IntegerField())


def _answers(**lookups):
    """The answers to the assignment of the outer query, for its current role. Unordered: the
    model's ordering would join the assignment's item, column and area for every row."""
    return (
        AssignmentConfirmation.objects.annotate(role_key=_role_key("role_id"))
        .filter(assignment=OuterRef("pk"), role_key=_role_key(OuterRef("role_id")), **lookups)
        .order_by()
    )


def with_decline(assignments):
    """The assignments annotated with their own person's decline, if any: `declined_at` and
    `decline_comment` (no extra query)."""
    declined = _answers(person=OuterRef("person"), state=DECLINED)
    return assignments.annotate(
        declined_at=Subquery(declined.values("decided_at")[:1]),
        decline_comment=Subquery(declined.values("comment")[:1]),
    )


def with_confirmation(assignments):
    """The assignments annotated with whether they are confirmed; no extra query.

    `confirmation_state`: the state ("confirmed", "declined") their own
    person gave for their current role, or None. For role-only rows,
    `role_confirmed_by` and `role_declined_by`: the initials of whoever last
    confirmed or declined the row for its role (confirmation_marks checks
    they hold the role where the chip is shown).
    """

    latest = ("-decided_at", "-pk")
    return assignments.annotate(
        confirmation_state=Subquery(_answers(person=OuterRef("person")).values("state")[:1]),
        role_confirmed_by=Subquery(
            _answers(state=CONFIRMED).order_by(*latest).values("person__initials")[:1]
        ),
        role_declined_by=Subquery(
            _answers(state=DECLINED).order_by(*latest).values("person__initials")[:1]
        ),
    )


def needs_confirmation(assignment):
    """Does anyone confirm this assignment? Those naming a person, and role-only ones of an
    individual role; not role-only ones of a collective or relative role."""
    if assignment.person_id:
        return True
    return assignment.role is not None and assignment.role.kind == Role.Kind.INDIVIDUAL


def confirmation_marks(chips):
    """Give each chip its mark: "unconfirmed", "declined" or "" (confirmed, or nobody confirms).

    Reads the annotations of with_confirmation, no query. A role-only chip of
    an individual role is confirmed when the last to confirm it is among the
    holders listed on it (registry.matrix.holders_attach); one nobody holds
    gets no mark: the coverage report already says the role is unfilled.
    """
    for chip in chips:
        assignment = chip.assignment
        if assignment.person_id:
            state = getattr(assignment, "confirmation_state", None)
            chip.confirmation = "" if state == CONFIRMED else (state or UNCONFIRMED)
        elif chip.holders and needs_confirmation(assignment):
            holders = {initials for initials, _name, _url in chip.holders}
            if getattr(assignment, "role_confirmed_by", None) in holders:
                chip.confirmation = ""
            elif getattr(assignment, "role_declined_by", None) in holders:
                chip.confirmation = DECLINED
            else:
                chip.confirmation = UNCONFIRMED


def can_confirm(person, assignment):
    """May `person` confirm or decline `assignment`? Their own, and role-only ones of an
    individual role they hold at the assignment's unit (or, organisation-wide, anywhere in
    their huvudman)."""
    if person is None:
        return False
    if assignment.person_id:
        return assignment.person_id == person.pk
    role = assignment.role
    if role is None or role.kind != Role.Kind.INDIVIDUAL:
        return False
    if role.position_id:
        appointments = Appointment.objects.filter(person=person, position_id=role.position_id)
        if assignment.unit_id:
            appointments = appointments.filter(Q(unit_id=assignment.unit_id) | Q(unit=None))
        return appointments.exists()
    named = Assignment.objects.filter(person=person, role=role)
    if assignment.unit_id:
        named = named.filter(unit_id=assignment.unit_id)
    return named.exists()


def own_assignment(*, user, person, pk):
    """The assignment `pk` if `person` (the user's own, organisation.queries.own_person) may
    answer it, else None. Read through restrict where the user sees it; a person's own
    assignment is theirs to answer whatever their unit grants."""
    if person is None:
        return None
    assignment = (
        Assignment.objects.filter(pk=pk, person=person)
        .select_related("item", "unit", "role", "person")
        .first()
    )
    if assignment is None:
        assignment = (
            Assignment.objects.restrict(user)
            .filter(pk=pk, person=None)
            .select_related("item", "unit", "role")
            .first()
        )
    if assignment is None or not can_confirm(person, assignment):
        return None
    return assignment


def person_answers(assignments, person):
    """{assignment id: AssignmentConfirmation} of `person`'s answers to these assignments as
    they are now (same role); one query."""
    ids = [assignment.pk for assignment in assignments]
    roles = {assignment.pk: assignment.role_id for assignment in assignments}
    rows = AssignmentConfirmation.objects.filter(person=person, assignment_id__in=ids)
    return {row.assignment_id: row for row in rows if roles.get(row.assignment_id) == row.role_id}


def person_confirmations(*, assignments, person, units, own):
    """What the person page shows of confirmations: ({"assignments": the rows with their
    state, "to_answer": their unconfirmed ones, "held_by_role": the role-only entries of the
    individual roles they hold, still unconfirmed}). Only on their own page (`own`) are
    there any to answer."""
    assignments = list(with_confirmation(assignments))
    held = holder_role_assignments(person=person, units=units) if own else []
    answers = person_answers(held, person) if held else {}
    for assignment in held:
        answer = answers.get(assignment.pk)
        assignment.confirmation_state = answer.state if answer else None
    return {
        "assignments": assignments,
        "to_answer": [row for row in assignments if own and row.confirmation_state != CONFIRMED],
        "held_by_role": [row for row in held if row.confirmation_state != CONFIRMED],
    }


def holder_role_assignments(*, person, units):
    """Role-only assignments of the individual roles `person` holds, at these units: the ones
    they confirm for the role. [(assignment, role)], at most a few dozen."""
    appointments = Appointment.objects.filter(person=person, position__role__isnull=False)
    if units is not None:
        appointments = appointments.filter(Q(unit__in=units) | Q(unit=None))
    held = {}
    for unit_id, role_id in appointments.values_list("unit_id", "position__role"):
        held.setdefault(role_id, set()).add(unit_id)
    if not held:
        return []
    rows = (
        Assignment.objects.filter(person=None, role_id__in=held)
        .filter(role__kind=Role.Kind.INDIVIDUAL)
        .select_related("item__column__area", "role", "unit")
        .order_by("item__column__area__order", "item__column__order", "item__order", "pk")
    )
    found = []
    for row in rows:
        where = held[row.role_id]
        if None in where or row.unit_id in where:
            if row.unit_id is None and person.organisation_id is None:
                continue
            if row.unit_id is not None and row.unit.organisation_id != person.organisation_id:
                continue
            found.append(row)
    return found


def awaiting_answer(assignments):
    """The assignments naming a person that are not confirmed: no answer by their person for
    their current role, or a decline (`confirmation_state` None or "declined"). The one
    definition the unit page, the review's checklist and the coverage report
    (registry.coverage) read."""
    return with_confirmation(assignments.exclude(person=None)).filter(
        Q(confirmation_state__isnull=True) | Q(confirmation_state=DECLINED)
    )


def assigned_since_expression():
    """When an assignment last got its current person or role, from its history: the first
    history row after the last one naming another person or role. NULL for a row whose
    history does not end with its current person and role (written in bulk).

    Aggregates (MAX, MIN) rather than ORDER BY … LIMIT 1: PostgreSQL would walk the whole
    history table backwards by its primary key for the latter; these read the rows of one
    assignment by the index on its id.
    """
    history = Assignment.history.model.objects.annotate(
        person_key=_role_key("person_id"), role_key=_role_key("role_id")
    ).order_by()
    other = history.filter(id=OuterRef(OuterRef("pk"))).exclude(
        person_key=_role_key(OuterRef(OuterRef("person_id"))),
        role_key=_role_key(OuterRef(OuterRef("role_id"))),
    )
    run = history.filter(
        id=OuterRef("pk"),
        person_key=_role_key(OuterRef("person_id")),
        role_key=_role_key(OuterRef("role_id")),
        history_id__gt=Coalesce(
            Subquery(other.values("id").annotate(last=Max("history_id")).values("last")),
            Value(0),
        ),
    )
    return Subquery(run.values("id").annotate(first=Min("history_date")).values("first"))


def confirmation_cutoff():
    """The day before which an unconfirmed assignment is "old": today less
    DIGIANSVAR_CONFIRMATION_DAYS. Old means assigned (assigned_since_expression, as a local
    date) on an earlier day, so one assigned 15 days ago is old with 14 days, one of 14 days
    not."""
    return timezone.localdate() - timedelta(days=settings.DIGIANSVAR_CONFIRMATION_DAYS)


def is_old(since, cutoff):
    """Was an assignment given at `since` (a datetime or None) before the day `cutoff`?"""
    return since is not None and timezone.localdate(since) < cutoff


@dataclass
class UnitConfirmations:
    """A unit's assignments that are not confirmed: declined ones, and the rest."""

    declined: list  # [(assignment, AssignmentConfirmation)]
    unconfirmed: list  # [assignment]
    old: int  # how many of the unconfirmed are older than `days`
    days: int  # DIGIANSVAR_CONFIRMATION_DAYS

    @property
    def count(self):
        return len(self.declined) + len(self.unconfirmed)


def unit_confirmations(unit):
    """The unit's own assignments naming a person that are not confirmed (awaiting_answer);
    one or two queries.

    "Old" counts those whose person has had them longer than
    DIGIANSVAR_CONFIRMATION_DAYS (confirmation_cutoff).
    """
    rows = list(
        awaiting_answer(Assignment.objects.filter(unit=unit))
        .annotate(assigned_since=assigned_since_expression())
        .select_related("item", "role", "person")
        .order_by("item__column__area__order", "item__column__order", "item__order", "pk")
    )
    declined_ids = [row.pk for row in rows if row.confirmation_state == DECLINED]
    answers = (
        {
            (answer.assignment_id, answer.person_id, answer.role_id): answer
            for answer in AssignmentConfirmation.objects.filter(assignment_id__in=declined_ids)
        }
        if declined_ids
        else {}
    )
    declined, unconfirmed = [], []
    for row in rows:
        if row.confirmation_state == DECLINED:
            declined.append((row, answers.get((row.pk, row.person_id, row.role_id))))
        else:
            unconfirmed.append(row)
    cutoff = confirmation_cutoff()
    old = sum(1 for row in unconfirmed if is_old(row.assigned_since, cutoff))
    return UnitConfirmations(
        declined=declined,
        unconfirmed=unconfirmed,
        old=old,
        days=settings.DIGIANSVAR_CONFIRMATION_DAYS,
    )


def rektorer(unit):
    """The people appointed to the principal position at the unit who have an e-mail address.
    An organisation-wide assignment has no rektor."""
    appointments = Appointment.objects.filter(position__code=Position.Code.PRINCIPAL)
    appointments = appointments.filter(unit=unit) if unit is not None else appointments.none()
    return _with_email(appointments)


def decline_recipients(assignment):
    """Who hears of a declined assignment: the unit's rektorer; when it has none with an
    e-mail address (or the assignment is organisation-wide), the huvudman's utbildningschefer,
    appointed at huvudman level, who lead the rektorer. [] when nobody can be told: the
    decline page says so (registry.notify.views)."""
    found = rektorer(assignment.unit)
    if found:
        return found
    if assignment.unit_id:
        organisation_id = assignment.unit.organisation_id
    elif assignment.person_id:
        organisation_id = assignment.person.organisation_id
    else:
        return []
    return _with_email(
        Appointment.objects.filter(
            position__code=Position.Code.HEAD_OF_EDUCATION,
            unit=None,
            person__organisation_id=organisation_id,
        )
    )


def _with_email(appointments):
    """The appointed people who have an e-mail address, each once, by initials."""
    people = {
        appointment.person.pk: appointment.person
        for appointment in appointments.select_related("person").order_by("person__initials")
        if appointment.person.email
    }
    return list(people.values())


@dataclass
class Answer:
    """One line of an answer's history: who answered what, when, as it was recorded."""

    date: object
    person: object
    assignment: object  # the assignment as it is now (item, unit, role)
    role: object  # the role the answer was given for
    state: str  # "Bekräftad", "Avböjd", "Borttagen"
    comment: str
    recorded_by: object  # the user who wrote the row (history_user, else decided_by)


def confirmation_history(*, user, item=None, person=None, unit=None, limit=HISTORY_ROWS):
    """The latest answers the user may see, newest first: every version of every
    AssignmentConfirmation (simple_history: given, changed, taken back), of assignments of
    `item`, given by `person` or at `unit`. One query; the history rows are scoped by
    organisation.permissions.restrict like the rows themselves (the assignment's unit)."""
    rows = restrict(AssignmentConfirmation.history.all(), user)
    if item is not None:
        rows = rows.filter(assignment__item=item)
    if person is not None:
        rows = rows.filter(person=person)
    if unit is not None:
        rows = rows.filter(assignment__unit=unit)
    rows = rows.select_related(
        "person",
        "role",
        "assignment__item",
        "assignment__unit",
        "assignment__role",
        "history_user",
        "decided_by",
    ).order_by("-history_date", "-history_id")[:limit]
    return [
        Answer(
            date=row.history_date,
            person=row.person,
            assignment=row.assignment,
            role=row.role,
            state=_("Borttagen") if row.history_type == "-" else row.get_state_display(),
            comment=row.comment,
            recorded_by=row.history_user or row.decided_by,
        )
        for row in rows
    ]


def link_used(nonce):
    """Has the confirmation link with this nonce been used?"""
    return UsedConfirmationLink.objects.filter(nonce=nonce).exists()
