"""The coverage report: each unit's findings, with the names they mention and where in admin
they are fixed; the export's findings batch by batch."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from organisation.models import Person, Position, ProblemKind
from registry.coverage import statements as sql
from registry.coverage.checks import (
    CHECK_KEYS,
    CHECKS,
    FIRST_LINE_POSITIONS,
    max_assignments_setting,
)
from registry.models import Assignment, Item, Role
from registry.notify.queries import confirmation_cutoff

# The export computes the findings of this many units at a time.
EXPORT_BATCH = 500


@dataclass(frozen=True)
class Finding:
    """One thing to act on, with where in admin it is fixed."""

    category: str
    unit: object  # a Unit, or None for the whole huvudman
    subject: str
    detail: str
    admin_url: str


@dataclass
class UnitCoverage:
    """A unit's findings by check (unit None: the whole huvudman)."""

    unit: object
    findings: dict

    @property
    def counts(self):
        """(check, number of findings) in the checks' order."""
        return [(check, len(self.findings[check.key])) for check in CHECKS]

    @property
    def total(self):
        return sum(len(found) for found in self.findings.values())

    def sections(self):
        return [(check, self.findings[check.key]) for check in CHECKS]


def coverage_by_unit(*, units, scope, max_assignments=None, organisation_wide=False):
    """The findings of each unit in `units` (a list of Unit, a page or batch), in that order.

    `scope` (a Unit queryset: every unit the user may see) is what people's
    loads are counted over. With `organisation_wide`, first an entry for the
    whole huvudman (unit None): people above the limit who have only
    organisation-wide assignments. A fixed number of queries however many units.
    """
    if max_assignments is None:
        max_assignments = max_assignments_setting()
    units = list(units)
    result = []
    if organisation_wide:
        scope_sql = sql.units_sql(scope)
        overloaded = sql.rows(sql.overloaded_organisation_wide(scope_sql, max_assignments))
        if overloaded:
            result.append(
                _build(None, {"overloaded_people": overloaded}, max_assignments, urls=_admin_urls())
            )
    if not units:
        return [entry for entry in result if entry.total]
    batch = sql.ids_sql([unit.pk for unit in units])
    found = {
        "unfilled_roles": sql.rows(sql.unfilled_roles(batch)),
        "items_without_responsible": sql.rows(sql.items_without_responsible(batch)),
        "missing_positions": sql.rows(sql.missing_positions(batch)),
        "overloaded_people": sql.rows(sql.overloaded(batch, sql.units_sql(scope), max_assignments)),
        "missing_deputies": sql.rows(sql.missing_deputies(batch)),
        "unappointed": sql.rows(sql.unappointed(batch)),
        "first_line": sql.rows(sql.first_line_disagreements(batch)),
    }
    # Departed people, unconfirmed and declined assignments: one statement, told apart by tag.
    for tag, *row in sql.rows(sql.people_findings(batch, confirmation_cutoff())):
        found.setdefault(tag, []).append(row if tag != "departed_people" else row[:3])
    # The people behind the disagreements, for their details: one query.
    support = sql.rows(sql.support_people(batch))
    names = _Names(found, support)
    # Each unit's rows, sorted out in one pass over the rows.
    by_unit = defaultdict(lambda: defaultdict(list))
    for key, rows in [*found.items(), ("support", support)]:
        for row in rows:
            by_unit[row[0]][key].append(row)
    urls = _admin_urls()
    for unit in units:
        rows = by_unit[unit.pk]
        result.append(
            _build(unit, rows, max_assignments, urls=urls, names=names, support=rows["support"])
        )
    return result


def coverage_findings(*, units, max_assignments=None, batch=EXPORT_BATCH):
    """Every finding for `units` (a Unit queryset), batch by batch of units: an iterator.

    For the export: memory holds one batch of units and their findings, never
    the whole report. The whole huvudman's entry first, then the units by name.
    """
    if max_assignments is None:
        max_assignments = max_assignments_setting()
    for entry in coverage_by_unit(
        units=[], scope=units, max_assignments=max_assignments, organisation_wide=True
    ):
        yield from (finding for _check, found in entry.sections() for finding in found)
    after = None
    ordered = units.order_by("name", "pk").select_related("organisation")
    while True:
        page = ordered
        if after is not None:
            name, pk = after
            page = page.filter(name__gt=name) | page.filter(name=name, pk__gt=pk)
        page = list(page[:batch])
        if not page:
            return
        for entry in coverage_by_unit(units=page, scope=units, max_assignments=max_assignments):
            yield from (finding for _check, found in entry.sections() for finding in found)
        after = (page[-1].name, page[-1].pk)


class _Names:
    """The names the findings of one batch mention: items, roles, positions, people."""

    def __init__(self, found, support):
        item_ids = {
            row[1]
            for key in ("items_without_responsible", "missing_deputies")
            for row in found[key]
        }
        self.roles = {role.pk: role for role in Role.objects.select_related("position")}
        self.positions = {
            position.pk: position
            for position in Position.objects.filter(
                code__in=[Position.Code.IT_MENTOR, Position.Code.FIRST_LINE_CONTACT]
            )
        }
        person_ids = {row[1] for row in found["overloaded_people"]}
        person_ids |= {row[1] for row in found["unappointed"]}
        person_ids |= {row[2] for row in support}
        for key in ("departed_people", "unconfirmed", "declined"):
            person_ids |= {row[1] for row in found.get(key, ())}
        item_ids |= {row[3] for key in ("unconfirmed", "declined") for row in found.get(key, ())}
        self.people = Person.objects.in_bulk(person_ids)
        self.items = {
            pk: (order, name, column)
            for order, (pk, name, column) in enumerate(
                Item.objects.filter(pk__in=item_ids).values_list("pk", "name", "column__name")
            )
        }


def _admin_urls():
    """The admin pages the findings link to, looked up once per batch of units."""
    return {
        "appointment_add": reverse("admin:organisation_appointment_add"),
        "assignment_add": reverse("admin:registry_assignment_add"),
        "person_change": reverse("admin:organisation_person_change", args=[0]),
        "appointments": reverse("admin:organisation_appointment_changelist"),
        "reassign": reverse("admin:registry_assignment_reassign"),
        "assignment_change": reverse("admin:registry_assignment_change", args=[0]),
        "person_page": reverse("registry:person_detail", args=["-"]),
    }


def _build(unit, rows, max_assignments, *, urls, names=None, support=()):
    """A UnitCoverage from the rows the statements returned for one unit."""
    people = (
        names.people
        if names
        else Person.objects.in_bulk([row[1] for row in rows.get("overloaded_people", [])])
    )
    at = _At(
        unit=unit,
        urls=urls,
        names=names,
        people=people,
        support=support,
        max_assignments=max_assignments,
    )
    findings = {key: [] for key in CHECK_KEYS}
    for key, find in (
        ("unfilled_roles", _unfilled_roles),
        ("items_without_responsible", _items_without_responsible),
        ("missing_positions", _missing_positions),
        ("overloaded_people", _overloaded_people),
        ("missing_deputies", _missing_deputies),
        ("unappointed", _unappointed),
        ("first_line", _first_line_disagreements),
        ("departed_people", _departed_people),
        ("unconfirmed", _unconfirmed),
        ("declined", _declined),
    ):
        for finding in find(rows.get(key, []), at):
            findings[finding.category].append(finding)
    return UnitCoverage(unit=unit, findings=findings)


@dataclass(frozen=True, kw_only=True)
class _At:
    """The unit the findings are about, and what they name and link to."""

    unit: object
    urls: dict
    names: object  # a _Names, or None when only overloaded_people are found
    people: dict
    support: tuple
    max_assignments: int

    @property
    def unit_query(self):
        return f"&unit={self.unit.pk}" if self.unit else ""


def _unfilled_roles(rows, at):
    for _unit_id, role_id in rows:
        role = at.names.roles[role_id]
        if role.position_id:
            detail = _(
                "Rollen står i ansvarsfördelningen men ingen är utsedd till %(position)s."
            ) % {"position": role.position.label}
            url = f"{at.urls['appointment_add']}?position={role.position_id}{at.unit_query}"
        else:
            detail = _("Rollen står i ansvarsfördelningen men ingen person är namngiven med den.")
            url = f"{at.urls['assignment_add']}?role={role_id}{at.unit_query}"
        yield Finding("unfilled_roles", at.unit, str(role), detail, url)


def _items_without_responsible(rows, at):
    for _unit_id, item_id in sorted(rows, key=lambda row: at.names.items[row[1]]):
        _order, name, column = at.names.items[item_id]
        yield Finding(
            "items_without_responsible",
            at.unit,
            name,
            _("Ingen ansvarig på enheten (kolumnen %(column)s).") % {"column": column},
            f"{at.urls['assignment_add']}?item={item_id}{at.unit_query}",
        )


def _missing_positions(rows, at):
    for _unit_id, position_id in rows:
        yield Finding(
            "missing_positions",
            at.unit,
            str(at.names.positions[position_id].label),
            _("Ingen är utsedd; beslutet kräver en på varje enhet."),
            f"{at.urls['appointment_add']}?position={position_id}{at.unit_query}",
        )


def _overloaded_people(rows, at):
    people = at.people
    for _unit_id, person_id, load in sorted(
        rows, key=lambda row: (-row[2], people[row[1]].initials)
    ):
        yield Finding(
            "overloaded_people",
            at.unit,
            str(people[person_id]),
            _("%(count)s uppdrag i ansvarsfördelningen (gränsen är %(max)s).")
            % {"count": load, "max": at.max_assignments},
            at.urls["person_change"].replace("/0/", f"/{person_id}/"),
        )


def _missing_deputies(rows, at):
    for _unit_id, item_id in sorted(rows, key=lambda row: at.names.items[row[1]]):
        _order, name, column = at.names.items[item_id]
        yield Finding(
            "missing_deputies",
            at.unit,
            name,
            _("Kräver ersättare; ingen är utsedd på enheten (kolumnen %(column)s).")
            % {"column": column},
            f"{at.urls['assignment_add']}?item={item_id}&priority={Assignment.Priority.DEPUTY}"
            f"{at.unit_query}",
        )


def _unappointed(rows, at):
    """Disagreements: named with a role in the blueprint, not appointed to its position."""
    for _unit_id, person_id, role_id, items in rows:
        role, person = at.names.roles[role_id], at.people[person_id]
        yield Finding(
            "disagreements",
            at.unit,
            f"{person} – {role.code}",
            _(
                "Står som %(role)s på %(count)s ansvarsområden men har inget uppdrag som "
                "%(position)s på enheten."
            )
            % {"role": role.code, "count": items, "position": role.position.label},
            f"{at.urls['appointment_add']}?person={person_id}&position={role.position_id}"
            f"{at.unit_query}",
        )


def _first_line_disagreements(rows, at):
    """Disagreements: the register's local support names nobody appointed to the first line."""
    for _unit_id, kind in sorted(rows, key=_second):
        named = sorted(str(at.people[row[2]]) for row in at.support if row[1] == kind)
        code = FIRST_LINE_POSITIONS[ProblemKind(kind)]
        yield Finding(
            "disagreements",
            at.unit,
            str(ProblemKind(kind).problem_title),
            _(
                "Ansvarsfördelningen nämner %(people)s för lokalt stöd, men ingen av dem "
                "är utsedd till %(position)s på enheten."
            )
            % {"people": ", ".join(named), "position": Position.Code(code).label.lower()},
            f"{at.urls['appointments']}?enhet={at.unit.slug}",
        )


def _second(row):
    return row[1]


def _departed_people(rows, at):
    """A person who has left is still responsible here: Flytta ansvar, with them chosen."""
    for _unit_id, person_id, entries in sorted(rows, key=lambda row: at.people[row[1]].initials):
        person = at.people[person_id]
        units = f"&units={at.unit.pk}" if at.unit else ""
        yield Finding(
            "departed_people",
            at.unit,
            str(person),
            _("Har slutat men står på %(count)s ansvarsområden på enheten.") % {"count": entries},
            f"{at.urls['reassign']}?from_person={person_id}{units}",
        )


def _awaited(rows, at):
    """(row, subject) of the assignments awaiting an answer, by item and person."""
    found = []
    for row in rows:
        _unit_id, person_id, _assignment_id, item_id, role_id, _when, _comment = row
        _order, name, _column = at.names.items[item_id]
        role = at.names.roles.get(role_id)
        subject = name + (f" ({role.code})" if role else "") + f", {at.people[person_id]}"
        found.append((at.names.items[item_id][0], str(at.people[person_id]), subject, row))
    return [(row, subject) for *_order, subject, row in sorted(found, key=lambda f: f[:2])]


def _unconfirmed(rows, at):
    """Unconfirmed for more than N days: the person page, where they confirm it."""
    for row, subject in _awaited(rows, at):
        person = at.people[row[1]]
        yield Finding(
            "unconfirmed",
            at.unit,
            subject,
            _("Ej bekräftat sedan %(date)s.") % {"date": _day(row[5])},
            at.urls["person_page"].replace("/-/", f"/{quote(person.initials)}/"),
        )


def _declined(rows, at):
    """Declined, with the comment: the assignment in admin, to give it to someone else."""
    for row, subject in _awaited(rows, at):
        yield Finding(
            "declined",
            at.unit,
            subject,
            _("Avböjt %(date)s: %(comment)s") % {"date": _day(row[5]), "comment": row[6]},
            at.urls["assignment_change"].replace("/0/", f"/{row[2]}/"),
        )


def _day(moment):
    """The local date of a datetime the statement returned (SQLite: as text, in UTC)."""
    if moment is None:
        return "–"
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return timezone.localdate(moment).isoformat()
