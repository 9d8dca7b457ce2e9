"""The coverage summary kept up to date, so that it does not read 10,000 units on every write.

CoverageCount holds each unit's number of findings per check, CoverageLoad
each person's number of assignments per huvudman, and CoverageMark how far
both have read the register. `coverage_store_refresh()` reads only what
changed after the mark:
- the history rows written since (every write through the ORM, admin,
  services or the import leaves one, as registry.data_version
  relies on), and the rows written in bulk without history since (ids above
  the mark's; generate_demo);
- the units and people those rows touch, including where an assignment or
  appointment was before it moved; an organisation-wide entry touches the
  units of its huvudman (a role-only one every unit), a person who changed
  huvudman the units of both, a changed person (one who left) the units their
  entries hold at.
Those units are counted again with the coverage page's own statements
(registry.coverage), those people's loads with one aggregate per batch.
A change to what a check reads from the catalogue (a fingerprint per check
of items, items' and roles' marks, positions' codes) counts that check again
at every unit, in one statement (a new item without marks: only "items
without responsible"); a role-only organisation-wide entry counts every unit
again (not the loads); a missing or unreadable mark
(a new or restored database) or a changed row whose creation left no history
(so where it was is unknown) counts everything; more than a quarter of the
units or people touched counts all of them, which costs about the same. At
10,000 units, counting everything takes the seconds the summary took before
this store (docs/coverage.md); `manage.py coverage_refresh` does it outside
a request after a deploy or a restore.

On PostgreSQL, ids become visible when their write commits, not in the order
they were handed out: while other writes are running, the counts are brought
up to date but the mark is not moved, so the next refresh reads those rows
again (counting a unit twice is harmless).

`coverage_store_counts(units=...)` answers the coverage summary from the
stored numbers: a sum over the units in scope, and the people above the limit
from the loads when the scope is whole huvudmän (a superuser, a huvudman's
administrator). For part of a huvudman (a rektor's units) the loads are
counted over those units alone, so that count is computed live
(registry.coverage); it reads only those units' entries.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery, Sum

from organisation.models import Appointment, Person, Position, Unit
from registry.coverage import checks, statements
from registry.coverage.counts import counts_by_unit, overloaded_count
from registry.data_version import (
    cache_key,
    data_version,
    data_version_key,
    data_version_parts,
    scope_versions,
)
from registry.models import (
    Assignment,
    AssignmentConfirmation,
    CoverageCount,
    CoverageLoad,
    CoverageMark,
    CoverageUnconfirmed,
    Item,
    Role,
)
from registry.notify.queries import confirmation_cutoff

# Units counted again per statement.
BATCH = 1000
# More units or people touched than this share of all (and than a batch): count them all, which
# costs about the same.
REBUILD_SHARE = 0.25
# The checks CoverageCount holds (people above the limit count once per scope: CoverageLoad).
# Its "unconfirmed" is every unconfirmed assignment; the check's count, those unconfirmed for
# more than N days, is summed from CoverageUnconfirmed when it is read.
UNIT_COUNTED = [key for key in checks.CHECK_KEYS if key != "overloaded_people"]
# The parts of registry.data_version this store follows (confirmations: their history only).
FOLLOWED = (Assignment, Appointment, Unit, Person)
ANSWERS = data_version_key(AssignmentConfirmation, "history")


def coverage_store_refresh():
    """Bring CoverageCount and CoverageLoad up to date with the register; returns how many
    units were counted again (0: nothing had changed)."""
    with transaction.atomic():
        mark, _created = CoverageMark.objects.select_for_update().get_or_create(pk=1)
        version = data_version_parts()
        now = {key: version[key] for key in _followed_keys()}
        now["catalogue"] = _catalogue_fingerprint()
        before = mark.read_up_to
        if before == now:
            return 0
        units, people, checks = _touched_since(before, now)
        if units is not None and checks:
            _count_checks(checks)
        counted = _count_units(None if units is None else sorted(units))
        if checks:
            counted = Unit.objects.count()
        _count_loads(None if people is None else sorted(people))
        if not version.get("writes running"):
            mark.read_up_to = now
            mark.save(update_fields=["read_up_to"])
    return counted


def coverage_store_counts(*, units, max_assignments=None):
    """The coverage summary over `units` (a Unit queryset), from the stored numbers: the same
    counts as registry.coverage.counts.coverage_counts, brought up to date first."""
    if max_assignments is None:
        max_assignments = checks.max_assignments_setting()
    coverage_store_refresh()
    every_unit = statements.covers_every_unit(units)
    stored = (
        CoverageCount.objects.all() if every_unit else CoverageCount.objects.filter(unit__in=units)
    )
    old = (
        CoverageUnconfirmed.objects.filter(unit=OuterRef("unit"), since__lt=confirmation_cutoff())
        .order_by()
        .values("unit")
        .annotate(assignments=Sum("assignments"))
        .values("assignments")
    )
    sums = stored.aggregate(
        **{key: Sum(key) for key in UNIT_COUNTED if key != "unconfirmed"},
        unconfirmed=Sum(Subquery(old), filter=Q(unconfirmed__gt=0)),
    )
    counts = {key: sums.get(key) or 0 for key in checks.CHECK_KEYS}
    organisations = units.order_by().values("organisation_id")
    whole = every_unit or not (
        Unit.objects.filter(organisation__in=organisations).exclude(pk__in=units).exists()
    )
    if whole:
        loads = CoverageLoad.objects.filter(organisation__in=organisations)
        # People of one huvudman (a range of the index coverageload_alone), then the few of
        # several, whose loads in the scope's huvudmän are summed.
        counts["overloaded_people"] = (
            loads.filter(alone=True, assignments__gt=max_assignments).count()
            + loads.filter(alone=False)
            .values("person")
            .annotate(load=Sum("assignments"))
            .filter(load__gt=max_assignments)
            .count()
        )
    else:
        counts["overloaded_people"] = overloaded_count(units=units, max_assignments=max_assignments)
    return counts


def _followed_keys():
    keys = [data_version_key(model, part) for model in FOLLOWED for part in ("history", "id")]
    return [*keys, ANSWERS]


def _catalogue_fingerprint():
    """{check: a short digest of what it reads from the catalogue} for the checks counted per
    unit (three small queries): a new item without marks changes only "items without
    responsible", a deputy mark only "missing deputies"."""
    items = list(Item.objects.order_by("pk").values_list("pk", "needs_deputy", "support_kind"))
    roles = list(
        Role.objects.order_by("pk").values_list("pk", "kind", "needs_deputy", "position_id")
    )
    positions = list(Position.objects.order_by("pk").values_list("pk", "code"))
    marked = [(pk, kind) for pk, _deputy, kind in items if kind]
    reads = {
        "unfilled_roles": [roles],
        "items_without_responsible": [[pk for pk, *_marks in items]],
        "missing_positions": [positions],
        "missing_deputies": [
            [pk for pk, deputy, _kind in items if deputy],
            [role[0] for role in roles if role[2]],
        ],
        "disagreements": [marked, roles, positions],
    }
    return {
        check: hashlib.sha256(json.dumps(read, default=str).encode()).hexdigest()
        for check, read in reads.items()
    }


def _touched_since(before, now):
    """(unit ids, person ids, checks): what the writes between the marks `before` and `now`
    touched, None for units or people when all of them must be counted again; and the checks
    to count again at every unit because what they read from the catalogue changed."""
    if not before or set(before) != set(now) or set(before["catalogue"]) != set(now["catalogue"]):
        return None, None, []
    if any(_above(now[key], before[key]) is None for key in now if key.endswith(" history")):
        return None, None, []

    def since(model, part):
        key = data_version_key(model, part)
        # A row id may go down (the newest row was removed: its history says where it was).
        return _above(now[key], before[key]) if part == "history" else before[key] or 0

    # Each check reads the catalogue at every unit; people's loads do not.
    checks = [key for key, read in now["catalogue"].items() if before["catalogue"][key] != read]
    every_unit = False
    units, people, organisations = set(), set(), set()
    # Assignments and appointments: where each changed one is and was, and whom it names.
    for model in (Assignment, Appointment):
        placed = _versions_since(model, since(model, "history"), "unit_id", "person_id")
        if placed is None:
            return None, None, []
        placed |= set(
            model.objects.filter(pk__gt=since(model, "id"))
            .order_by()
            .values_list("unit_id", "person_id")
        )
        for unit_id, person_id in placed:
            if unit_id is not None:
                units.add(unit_id)
            elif person_id is not None:
                organisations.add(person_id)  # resolved to their huvudman below
            else:
                every_unit = True  # a role-only organisation-wide entry holds at every unit
            if model is Assignment and person_id is not None:
                people.add(person_id)
    # Answers: the units of the assignments answered (a moved assignment is counted above).
    answered = AssignmentConfirmation.history.model.objects.filter(
        history_id__gt=since(AssignmentConfirmation, "history")
    )
    units |= set(
        Assignment.objects.filter(pk__in=answered.values("assignment_id"), unit__isnull=False)
        .order_by()
        .values_list("unit_id", flat=True)
    )
    organisations = set(
        Person.objects.filter(pk__in=organisations)
        .order_by()
        .values_list("organisation_id", flat=True)
    )
    # People: a change of huvudman moves their organisation-wide entries and load.
    belonged = _versions_since(Person, since(Person, "history"), "id", "organisation_id")
    if belonged is None:
        return None, None, []
    for person_id, organisation_id in belonged:
        people.add(person_id)
        organisations.update(
            were for other, were in belonged if other == person_id and were != organisation_id
        )
    # A person who left or came back (provisioning): the units their entries hold at.
    changed = {person_id for person_id, _organisation_id in belonged}
    named = Assignment.objects.filter(person__in=changed).order_by()
    units |= set(named.filter(unit__isnull=False).values_list("unit_id", flat=True))
    organisations |= set(
        Person.objects.filter(pk__in=named.filter(unit__isnull=True).values("person_id"))
        .order_by()
        .values_list("organisation_id", flat=True)
    )
    # Units: a new unit, or one moved to another huvudman (its people's loads move too).
    moved = set(
        Unit.history.model.objects.filter(history_id__gt=since(Unit, "history"))
        .order_by()
        .values_list("id", flat=True)
    )
    moved |= set(
        Unit.objects.filter(pk__gt=since(Unit, "id")).order_by().values_list("pk", flat=True)
    )
    if _too_many(moved, Unit):
        return None, None, []
    units |= moved
    units |= set(
        Unit.objects.filter(organisation__in=organisations).order_by().values_list("pk", flat=True)
    )
    people |= set(
        Assignment.objects.filter(unit__in=moved, person__isnull=False)
        .order_by()
        .values_list("person_id", flat=True)
    )
    return (
        None if every_unit or _too_many(units, Unit) else units,
        None if _too_many(people, Person) else people,
        checks,
    )


def _too_many(touched, model):
    """Whether counting `touched` rows again one by one costs about as much as counting them
    all: more than a batch, and more than a quarter of the table."""
    # A batch or fewer never is: the table is counted only for more.
    return len(touched) > BATCH and len(touched) > REBUILD_SHARE * model.objects.count()


def _versions_since(model, after, *fields):
    """`fields` of every version of each row of `model` written after history id `after`:
    as it is and as it was before. None when such a row was changed but its creation left no
    history (written in bulk), so where it was before is unknown."""
    history = model.history.model.objects.order_by()
    changed = history.filter(history_id__gt=after)
    updated = set(changed.filter(history_type="~").values_list("id", flat=True))
    created = history.filter(id__in=updated, history_type="+").values("id").distinct()
    if updated and created.count() < len(updated):
        return None
    return set(history.filter(id__in=changed.values("id")).values_list(*fields))


def _above(now, before):
    """The history id to read above: the mark's (0 for an empty table then); None if history
    ids went down (history was removed: a restore)."""
    before = before or 0
    if before and (now is None or now < before):
        return None
    return before


def _count_units(unit_ids):
    """Count the findings of `unit_ids` again, BATCH units at a time (None: every unit, each
    statement once over the whole register); returns how many units that was."""
    if unit_ids is None:
        CoverageCount.objects.all().delete()
        CoverageUnconfirmed.objects.all().delete()
        batches = [None]
    else:
        batches = [unit_ids[start : start + BATCH] for start in range(0, len(unit_ids), BATCH)]
    for batch in batches:
        # Read through the unit table: a removed unit has no findings, so no row.
        counts = counts_by_unit(batch)
        if batch is not None:
            CoverageCount.objects.filter(unit_id__in=batch).delete()
            CoverageUnconfirmed.objects.filter(unit_id__in=batch).delete()
        days = []
        for unit_id, found in counts.items():
            answers = found.pop("answers") or {}
            found["declined"] = sum(n for (tag, _day), n in answers.items() if tag == "declined")
            found["unconfirmed"] = sum(n for (tag, _day), n in answers.items() if tag != "declined")
            days += [
                CoverageUnconfirmed(unit_id=unit_id, since=day, assignments=n)
                for (tag, day), n in answers.items()
                if tag != "declined" and day is not None
            ]
        CoverageCount.objects.bulk_create(
            (CoverageCount(unit_id=unit_id, **found) for unit_id, found in counts.items()),
            batch_size=BATCH,
        )
        CoverageUnconfirmed.objects.bulk_create(days, batch_size=BATCH)
    return Unit.objects.count() if unit_ids is None else len(unit_ids)


def _count_checks(checks):
    """Count `checks` again at every unit (one statement over the register each), keeping the
    stored counts of the other checks."""
    fresh = counts_by_unit(None, checks=checks)
    stored = {row.unit_id: row for row in CoverageCount.objects.all()}
    for unit_id in fresh.keys() - stored.keys():
        stored[unit_id] = CoverageCount(unit_id=unit_id, **dict.fromkeys(UNIT_COUNTED, 0))
    for unit_id, row in stored.items():
        for check in checks:
            setattr(row, check, fresh[unit_id][check] if unit_id in fresh else 0)
    CoverageCount.objects.all().delete()
    CoverageCount.objects.bulk_create(
        (row for row in stored.values() if any(getattr(row, key) for key in UNIT_COUNTED)),
        batch_size=BATCH,
    )


def _count_loads(person_ids):
    """Count the assignments of `person_ids` per huvudman again (None: everyone), in one
    statement per BATCH people: at the huvudman's units, and organisation-wide under their
    own."""
    if person_ids is None:
        CoverageLoad.objects.all().delete()
        batches = [None]
    else:
        batches = [person_ids[start : start + BATCH] for start in range(0, len(person_ids), BATCH)]
    tables = statements.TABLES
    for batch in batches:
        if batch is None:
            among, params = "IS NOT NULL", []
        else:
            CoverageLoad.objects.filter(person_id__in=batch).delete()
            among, params = f"IN ({', '.join(['%s'] * len(batch))})", list(batch)
        # `alone`: the person's only huvudman (every row of a person is counted here at once).
        sql = f"""
            INSERT INTO {CoverageLoad._meta.db_table}
              (person_id, organisation_id, assignments, alone)
            SELECT l.person_id, l.organisation_id, COUNT(*),
                   COUNT(*) OVER (PARTITION BY l.person_id) = 1
            FROM (
              SELECT a.person_id AS person_id, u.organisation_id AS organisation_id
              FROM {tables["assignment"]} a JOIN {tables["unit"]} u ON u.id = a.unit_id
              WHERE a.person_id {among}
              UNION ALL
              SELECT a.person_id, p.organisation_id
              FROM {tables["assignment"]} a JOIN {tables["person"]} p ON p.id = a.person_id
              WHERE a.unit_id IS NULL AND a.person_id {among}
            ) l GROUP BY l.person_id, l.organisation_id
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, params + params)


def coverage_summary(units):
    """The coverage report's counts per check over `units`, cached with the data version and
    the units covered.

    The counts come from the numbers this store keeps, brought
    up to date with what changed since they were last read (after one write,
    a unit or two); cached, every later view until the next write costs two
    queries: the version, and the ids of the units in scope unless that is
    every unit. For a few units (FEW_UNITS, a rektor's) the version is theirs
    (registry.data_version), so only a write that reaches them counts again.
    """
    max_assignments = checks.max_assignments_setting()
    if statements.covers_every_unit(units):
        scope, version = "all", data_version()
    else:
        placed = list(
            units.order_by("pk").values_list("pk", "organisation_id")[: statements.FEW_UNITS + 1]
        )
        if len(placed) <= statements.FEW_UNITS:
            # A few units (a rektor's): keyed by what their counts read, their units, huvudmän
            # and the catalogue, so a write at another unit leaves the entry in place.
            scope = [pk for pk, _organisation in placed]
            parts = [f"unit:{pk}" for pk in scope]
            parts += sorted({f"org:{organisation}" for _pk, organisation in placed}) + ["all"]
            version = ":".join(scope_versions(parts).values())
        else:
            scope, version = sorted(units.values_list("pk", flat=True)), data_version()
    # The day: "unconfirmed for more than N days" grows as days pass without a write.
    key = cache_key("coverage-counts", scope, max_assignments, version, confirmation_cutoff())
    counts = cache.get(key)
    if counts is None:
        counts = coverage_store_counts(units=units, max_assignments=max_assignments)
        cache.set(key, counts, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return counts
