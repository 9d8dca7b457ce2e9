"""The coverage report: what someone should act on, per unit, computed in the database.

It reads both apps (appointments from the organisation, assignments from the
register), so it lives here, above the organisation. docs/coverage.md
explains each check and the seed's findings.

Every check is one SQL statement over the units it is asked about (a page of
units, a batch of the export, or the user's whole scope for the counts):
GROUP BY over the entries, anti-joins with the appointments, the
organisation-wide entries expanded to their huvudmän and joined on the
unit's. Nothing reads the whole assignment table into Python, so a page of
50 units costs the same at 10 units as at 10,000; the whole-scope counts are
aggregates (docs/coverage.md, "How it is computed"), which the coverage
page takes from the page cache (registry/page_cache.py).

Organisation-wide assignments (no unit) hold at every unit; one naming a
person only at the units of that person's huvudman, as on the blueprint page.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisation.models import Appointment, Organisation, Person, Position, ProblemKind, Unit
from registry.models import Assignment, Item, Role

# The decision's first line for each kind of problem: who the register's
# local support for that kind should be (check "disagreements").
FIRST_LINE_POSITIONS = {
    ProblemKind.TECHNOLOGY: Position.Code.FIRST_LINE_CONTACT,
    ProblemKind.SYSTEMS: Position.Code.FIRST_LINE_CONTACT,
    ProblemKind.PEDAGOGY: Position.Code.IT_MENTOR,
}
# The export computes the findings of this many units at a time.
EXPORT_BATCH = 500


@dataclass(frozen=True)
class Check:
    """One kind of finding: a heading, what it means and how it is fixed."""

    key: str
    title: str
    short: str  # the column heading of the grid on the organisation page
    explanation: str


CHECKS = [
    Check(
        "unfilled_roles",
        gettext_lazy("Roller som ingen har på enheten"),
        gettext_lazy("Roll utan innehavare"),
        gettext_lazy(
            "En enskild roll (till exempel ITS eller SPE) står i enhetens ansvarsfördelning, "
            "men ingen är utsedd till rollens befattning på enheten eller för hela huvudmannen. "
            "Utse någon under Uppdrag. Kollektiva roller (LÄR, MEN, HÄL) och Resp chef räknas "
            "inte: de fylls av alla med funktionen eller av den som frågar."
        ),
    ),
    Check(
        "items_without_responsible",
        gettext_lazy("Ansvarsområden utan ansvarig"),
        gettext_lazy("Utan ansvarig"),
        gettext_lazy(
            "Ingen är ansvarig för området på enheten, varken på enheten eller för hela "
            "huvudmannen. Lägg till en ansvarig."
        ),
    ),
    Check(
        "missing_positions",
        gettext_lazy("Enheter utan IT-handledare eller hanteringsansvarig"),
        gettext_lazy("IT-handledare och hanteringsansvarig"),
        gettext_lazy(
            "Beslutet kräver en IT-handledare och en hanteringsansvarig på varje enhet. "
            "Utse dem under Uppdrag."
        ),
    ),
    Check(
        "overloaded_people",
        gettext_lazy("Personer med många uppdrag"),
        gettext_lazy("Många uppdrag"),
        gettext_lazy(
            "Personen har fler uppdrag i ansvarsfördelningen än gränsen. Fördela om några "
            "med Flytta ansvar eller utse ersättare."
        ),
    ),
    Check(
        "missing_deputies",
        gettext_lazy("Ersättare saknas"),
        gettext_lazy("Ersättare"),
        gettext_lazy(
            "Området eller rollen är markerat som att det kräver ersättare, men ingen "
            "ersättare är utsedd på enheten. Lägg till en ansvarig med prioritet Ersättare."
        ),
    ),
    Check(
        "disagreements",
        gettext_lazy("Ansvarsfördelning och uppdrag säger olika"),
        gettext_lazy("Olika uppgifter"),
        gettext_lazy(
            "Ansvarsfördelningen nämner en person med en roll som personen inte har något "
            "uppdrag för på enheten, eller så nämner den andra personer för lokalt stöd än "
            "de som är utsedda till hanteringsansvarig eller IT-handledare. Rätta den som är fel."
        ),
    ),
]
CHECK_KEYS = [check.key for check in CHECKS]


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


def max_assignments_setting():
    return getattr(settings, "DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS", 25)


# SQL ---------------------------------------------------------------------

TABLES = {
    "unit": Unit._meta.db_table,
    "organisation": Organisation._meta.db_table,
    "person": Person._meta.db_table,
    "position": Position._meta.db_table,
    "appointment": Appointment._meta.db_table,
    "assignment": Assignment._meta.db_table,
    "item": Item._meta.db_table,
    "role": Role._meta.db_table,
}
# The organisation-wide assignments, each with every huvudman where it holds:
# role-only everywhere, one naming a person in that person's huvudman (as on
# the blueprint page). A few rows; joined on organisation_id = the unit's, so
# no statement asks "does it hold here?" pair by pair.
ORGANISATION_WIDE = (
    "(SELECT o.id AS organisation_id, a.item_id AS item_id, a.role_id AS role_id,"
    " a.person_id AS person_id, a.kind AS kind, a.priority AS priority"
    " FROM {assignment} a CROSS JOIN {organisation} o"
    " WHERE a.unit_id IS NULL AND (a.person_id IS NULL OR o.id IN"
    " (SELECT p.organisation_id FROM {person} p WHERE p.id = a.person_id)))"
)
# The first-line position for the support kind `kind` (FIRST_LINE_POSITIONS).
FIRST_LINE_CODE = "CASE {kind} WHEN %s THEN %s WHEN %s THEN %s WHEN %s THEN %s END"
FIRST_LINE_PARAMS = [value for pair in FIRST_LINE_POSITIONS.items() for value in pair]


def _sql(template, **extra):
    return template.format(**TABLES, organisation_wide=ORGANISATION_WIDE.format(**TABLES), **extra)


def _within(column, units):
    """`column` is a unit of `units` ((subquery, params); subquery None: every unit).

    Every unit needs no subquery: on the whole register the statements then
    read the assignments without joining each to the unit table.
    """
    return f"{column} IS NOT NULL" if units[0] is None else f"{column} IN ({units[0]})"


def _unfilled_roles(units):
    """(unit id, role id): an individual role in use at the unit that nobody holds there."""
    return _sql(
        """
        SELECT used.unit_id, used.role_id FROM (
          SELECT a.unit_id AS unit_id, a.role_id AS role_id
          FROM {assignment} a JOIN {role} r ON r.id = a.role_id
          WHERE {a_in_units} AND r.kind = %s
          GROUP BY a.unit_id, a.role_id
          UNION
          SELECT u.id, w.role_id FROM {unit} u
            JOIN {organisation_wide} w ON w.organisation_id = u.organisation_id
            JOIN {role} r ON r.id = w.role_id
          WHERE {u_in_units} AND r.kind = %s
        ) used
        JOIN {unit} u ON u.id = used.unit_id JOIN {role} r ON r.id = used.role_id
        WHERE NOT EXISTS (SELECT 1 FROM {appointment} ap
                          WHERE ap.unit_id = used.unit_id AND ap.position_id = r.position_id)
          AND NOT EXISTS (SELECT 1 FROM {appointment} ap JOIN {person} p ON p.id = ap.person_id
                          WHERE ap.unit_id IS NULL AND ap.position_id = r.position_id
                            AND p.organisation_id = u.organisation_id)
          AND (r.position_id IS NOT NULL OR NOT EXISTS (
            SELECT 1 FROM {assignment} b
            WHERE b.unit_id = used.unit_id AND b.role_id = used.role_id
              AND b.person_id IS NOT NULL))
        """,
        a_in_units=_within("a.unit_id", units),
        u_in_units=_within("u.id", units),
    ), [*units[1], Role.Kind.INDIVIDUAL, *units[1], Role.Kind.INDIVIDUAL]


def _items_without_responsible(units):
    """(unit id, item id): nobody is responsible for the item at the unit (for a page or batch
    of units: a row per pair of unit and item)."""
    return _sql(
        """
        SELECT u.id, i.id FROM {unit} u CROSS JOIN {item} i
        WHERE {u_in_units}
          AND NOT EXISTS (SELECT 1 FROM {assignment} a
                          WHERE {a_in_units} AND a.unit_id = u.id AND a.item_id = i.id
                            AND a.kind = %s)
          AND NOT EXISTS (SELECT 1 FROM {organisation_wide} w
                          WHERE w.organisation_id = u.organisation_id AND w.item_id = i.id
                            AND w.kind = %s)
        """,
        u_in_units=_within("u.id", units),
        # Repeated inside: the planner then reads only these units' entries.
        a_in_units=_within("a.unit_id", units),
    ), [*units[1], *units[1], Assignment.Kind.RESPONSIBLE, Assignment.Kind.RESPONSIBLE]


def _items_without_responsible_by_unit(units):
    """(unit id, number of `_items_without_responsible` rows of the unit) for every unit with
    any, without pairing every unit with every item: the items, less those someone is
    responsible for at the unit (its own entries and the organisation-wide ones, counted
    once)."""
    return _sql(
        """
        SELECT u.id, (SELECT COUNT(*) FROM {item}) - COUNT(covered.item_id) FROM {unit} u
        LEFT JOIN (
          SELECT a.unit_id AS unit_id, a.item_id AS item_id FROM {assignment} a
          WHERE {a_in_units} AND a.kind = %s
          UNION
          SELECT cu.id, w.item_id FROM {unit} cu
            JOIN {organisation_wide} w ON w.organisation_id = cu.organisation_id
          WHERE {cu_in_units} AND w.kind = %s) covered ON covered.unit_id = u.id
        WHERE {u_in_units}
        GROUP BY u.id
        HAVING (SELECT COUNT(*) FROM {item}) - COUNT(covered.item_id) > 0
        """,
        a_in_units=_within("a.unit_id", units),
        cu_in_units=_within("cu.id", units),
        u_in_units=_within("u.id", units),
    ), [
        *units[1],
        Assignment.Kind.RESPONSIBLE,
        *units[1],
        Assignment.Kind.RESPONSIBLE,
        *units[1],
    ]


def _missing_positions(units):
    """(unit id, position id): nobody appointed IT-handledare or hanteringsansvarig at the unit."""
    return _sql(
        """
        SELECT u.id, po.id FROM {unit} u, {position} po
        WHERE {u_in_units} AND po.code IN (%s, %s)
          AND NOT EXISTS (SELECT 1 FROM {appointment} ap
                          WHERE ap.unit_id = u.id AND ap.position_id = po.id)
        """,
        u_in_units=_within("u.id", units),
    ), [*units[1], Position.Code.IT_MENTOR, Position.Code.FIRST_LINE_CONTACT]


def _missing_deputies(units):
    """(unit id, item id): the item or a responsible's role needs a deputy; none at the unit.

    One pass, grouped by unit and item, over the entries of the few items
    concerned (marked, or with an entry whose role is marked), through the
    index on the item: whether a responsible needs a deputy and whether a
    deputy is there come from the same rows.
    """
    return _sql(
        """
        SELECT e.unit_id, e.item_id FROM (
          SELECT a.unit_id AS unit_id, a.item_id AS item_id, a.role_id AS role_id,
                 a.kind AS kind, a.priority AS priority
          FROM {assignment} a WHERE {a_in_units} AND a.item_id IN ({concerned})
          UNION ALL
          SELECT u.id, w.item_id, w.role_id, w.kind, w.priority FROM {unit} u
            JOIN {organisation_wide} w ON w.organisation_id = u.organisation_id
          WHERE {u_in_units} AND w.item_id IN ({concerned})
        ) e
        JOIN {item} i ON i.id = e.item_id LEFT JOIN {role} r ON r.id = e.role_id
        GROUP BY e.unit_id, e.item_id
        HAVING SUM(CASE WHEN e.kind = %s AND (i.needs_deputy = %s OR r.needs_deputy = %s)
                   THEN 1 ELSE 0 END) > 0
           AND SUM(CASE WHEN e.priority = %s THEN 1 ELSE 0 END) = 0
        """,
        a_in_units=_within("a.unit_id", units),
        u_in_units=_within("u.id", units),
        concerned=_sql(
            "SELECT ci.id FROM {item} ci WHERE ci.needs_deputy = %s OR ci.id IN ("
            "SELECT c.item_id FROM {assignment} c JOIN {role} cr ON cr.id = c.role_id"
            " WHERE cr.needs_deputy = %s AND {c_in_units})",
            c_in_units=_within("c.unit_id", units),
        ),
    ), [
        *units[1],
        True,
        True,
        *units[1],
        *units[1],
        True,
        True,
        *units[1],
        Assignment.Kind.RESPONSIBLE,
        True,
        True,
        Assignment.Priority.DEPUTY,
    ]


def _unappointed(units):
    """(unit id, person id, role id, items): named with an individual role they hold no
    appointment for, at the unit or organisation-wide."""
    return _sql(
        """
        SELECT a.unit_id, a.person_id, a.role_id, COUNT(*) FROM {assignment} a
          JOIN {role} r ON r.id = a.role_id
        WHERE {a_in_units} AND a.person_id IS NOT NULL
          AND r.kind = %s AND r.position_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {appointment} ap
                          WHERE ap.person_id = a.person_id AND ap.position_id = r.position_id
                            AND ap.unit_id = a.unit_id)
          AND NOT EXISTS (SELECT 1 FROM {appointment} ap
                          WHERE ap.person_id = a.person_id AND ap.position_id = r.position_id
                            AND ap.unit_id IS NULL)
        GROUP BY a.unit_id, a.person_id, a.role_id
        """,
        a_in_units=_within("a.unit_id", units),
    ), [*units[1], Role.Kind.INDIVIDUAL]


# The people the register names for local support, from the CTE `entries` (SUPPORT_ENTRIES):
# people named on the entries, and for role-only entries the role's holders.
SUPPORT_PEOPLE = """
        SELECT e.unit_id, e.kind, e.person_id FROM entries e WHERE e.person_id IS NOT NULL
        UNION
        SELECT e.unit_id, e.kind, ap.person_id FROM entries e
          JOIN {role} r ON r.id = e.role_id
          JOIN {appointment} ap ON ap.position_id = r.position_id AND ap.unit_id = e.unit_id
        WHERE e.person_id IS NULL AND r.kind = %s
        UNION
        SELECT e.unit_id, e.kind, ap.person_id FROM entries e
          JOIN {role} r ON r.id = e.role_id
          JOIN {unit} u ON u.id = e.unit_id
          JOIN {appointment} ap ON ap.position_id = r.position_id AND ap.unit_id IS NULL
          JOIN {person} p ON p.id = ap.person_id AND p.organisation_id = u.organisation_id
        WHERE e.person_id IS NULL AND r.kind = %s
        UNION
        SELECT e.unit_id, e.kind, b.person_id FROM entries e
          JOIN {role} r ON r.id = e.role_id
          JOIN {assignment} b ON b.unit_id = e.unit_id AND b.role_id = r.id
        WHERE e.person_id IS NULL AND r.kind = %s AND r.position_id IS NULL
          AND b.person_id IS NOT NULL
"""
SUPPORT_PEOPLE_PARAMS = [Role.Kind.INDIVIDUAL] * 3


def _support_entries(units):
    """The CTE `entries`: (unit id, support kind, person id, role id) of every responsible
    entry holding at the units for an item marked as local support, through the few marked
    items."""
    return _sql(
        """
        entries AS (
          SELECT a.unit_id AS unit_id, i.support_kind AS kind, a.person_id AS person_id,
                 a.role_id AS role_id
          FROM {assignment} a JOIN {item} i ON i.id = a.item_id
          WHERE {a_in_units} AND i.support_kind <> '' AND a.kind = %s
          UNION ALL
          SELECT u.id, i.support_kind, w.person_id, w.role_id FROM {unit} u
            JOIN {organisation_wide} w ON w.organisation_id = u.organisation_id
            JOIN {item} i ON i.id = w.item_id
          WHERE {u_in_units} AND i.support_kind <> '' AND w.kind = %s)
        """,
        a_in_units=_within("a.unit_id", units),
        u_in_units=_within("u.id", units),
    ), [*units[1], Assignment.Kind.RESPONSIBLE, *units[1], Assignment.Kind.RESPONSIBLE]


def _support_people(units):
    """(unit id, support kind, person id): who the register names for each kind of local
    support at the unit: the people named on responsible entries of items with that support
    kind, and for role-only entries the role's holders (registry.queries.role_holders)."""
    entries, params = _support_entries(units)
    return f"WITH {entries} {_sql(SUPPORT_PEOPLE)}", [*params, *SUPPORT_PEOPLE_PARAMS]


def _first_line_disagreements(units):
    """(unit id, support kind): the register's local support and the appointed first line
    (hanteringsansvarig, IT-handledare) both name people, and nobody is on both."""
    entries, entry_params = _support_entries(units)
    return _sql(
        """
        WITH {entries},
        support AS (
          SELECT s.unit_id AS unit_id, s.kind AS kind, s.person_id AS person_id,
                 {first_line} AS code
          FROM ({support}) s),
        first_line AS (
          SELECT ap.unit_id AS unit_id, po.code AS code, ap.person_id AS person_id
          FROM {appointment} ap JOIN {position} po ON po.id = ap.position_id
          WHERE {ap_in_units} AND po.code IN (%s, %s))
        SELECT k.unit_id, k.kind FROM (SELECT DISTINCT unit_id, kind, code FROM support) k
        JOIN (SELECT DISTINCT unit_id, code FROM first_line) f
          ON f.unit_id = k.unit_id AND f.code = k.code
        LEFT JOIN (SELECT DISTINCT s.unit_id, s.kind FROM support s JOIN first_line f
                     ON f.unit_id = s.unit_id AND f.person_id = s.person_id AND f.code = s.code
                  ) agreed ON agreed.unit_id = k.unit_id AND agreed.kind = k.kind
        WHERE agreed.unit_id IS NULL
        """,
        entries=entries,
        support=_sql(SUPPORT_PEOPLE),
        ap_in_units=_within("ap.unit_id", units),
        first_line=FIRST_LINE_CODE.format(kind="s.kind"),
    ), [
        *entry_params,
        *FIRST_LINE_PARAMS,
        *SUPPORT_PEOPLE_PARAMS,
        *units[1],
        Position.Code.IT_MENTOR,
        Position.Code.FIRST_LINE_CONTACT,
    ]


def _loads(scope):
    """(person id, load): everyone's assignments in `scope`: at its units, and the
    organisation-wide ones naming someone of a huvudman with units in it."""
    return _sql(
        """
        SELECT l.person_id, COUNT(*) AS assignments FROM (
          SELECT a.person_id FROM {assignment} a
          WHERE {a_in_scope} AND a.person_id IS NOT NULL
          UNION ALL
          SELECT a.person_id FROM {assignment} a JOIN {person} p ON p.id = a.person_id
          WHERE a.unit_id IS NULL AND p.organisation_id IN (
            SELECT su.organisation_id FROM {unit} su WHERE {su_in_scope})
        ) l GROUP BY l.person_id
        """,
        a_in_scope=_within("a.unit_id", scope),
        su_in_scope=_within("su.id", scope),
    ), [*scope[1], *scope[1]]


def _person_load(scope):
    """The load of person `w.person_id` in `scope` (as _loads counts it), correlated: for the
    few people of a page of units, through the index on the assignments' person."""
    return _sql(
        """
        (SELECT COUNT(*) FROM {assignment} a
         WHERE a.person_id = w.person_id AND {a_in_scope})
        + (SELECT COUNT(*) FROM {assignment} a
           WHERE a.person_id = w.person_id AND a.unit_id IS NULL
             AND (SELECT p.organisation_id FROM {person} p WHERE p.id = a.person_id) IN (
               SELECT su.organisation_id FROM {unit} su WHERE {su_in_scope}))
        """,
        a_in_scope=_within("a.unit_id", scope),
        su_in_scope=_within("su.id", scope),
    ), [*scope[1], *scope[1]]


def _overloaded(units, scope, max_assignments):
    """(unit id, person id, load): people above the limit who have assignments at the unit;
    the load counts their assignments in the whole scope."""
    load, load_params = _person_load(scope)
    return _sql(
        """
        SELECT t.unit_id, t.person_id, t.load FROM (
          SELECT w.unit_id, w.person_id, {load} AS load
          FROM (SELECT DISTINCT a.unit_id, a.person_id FROM {assignment} a
                WHERE {a_in_units} AND a.person_id IS NOT NULL) w
        ) t WHERE t.load > %s
        """,
        load=load,
        a_in_units=_within("a.unit_id", units),
    ), [*load_params, *units[1], max_assignments]


def _overloaded_organisation_wide(scope, max_assignments):
    """(None, person id, load): people above the limit with no assignment at a unit of the
    scope (only organisation-wide ones)."""
    load, load_params = _person_load(scope)
    return _sql(
        """
        SELECT NULL, t.person_id, t.load FROM (
          SELECT w.person_id, {load} AS load
          FROM (SELECT DISTINCT a.person_id FROM {assignment} a JOIN {person} p
                  ON p.id = a.person_id
                WHERE a.unit_id IS NULL AND p.organisation_id IN (
                  SELECT su.organisation_id FROM {unit} su WHERE {su_in_scope})) w
        ) t
        WHERE t.load > %s AND NOT EXISTS (
          SELECT 1 FROM {assignment} b WHERE b.person_id = t.person_id AND {b_in_scope})
        """,
        load=load,
        su_in_scope=_within("su.id", scope),
        b_in_scope=_within("b.unit_id", scope),
    ), [*load_params, *scope[1], max_assignments, *scope[1]]


def _overloaded_count(scope, max_assignments):
    loads, params = _loads(scope)
    return f"SELECT COUNT(*) FROM ({loads}) t WHERE t.assignments > %s", [*params, max_assignments]


def _rows(sql_and_params):
    sql, params = sql_and_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _count(sql_and_params):
    sql, params = sql_and_params
    return _rows((f"SELECT COUNT(*) FROM ({sql}) counted", params))[0][0]


def covers_every_unit(units):
    """Whether the Unit queryset `units` has no conditions (a superuser's scope)."""
    return not units.query.where and not units.query.is_sliced


def _units_sql(units):
    """A unit queryset as a subquery selecting ids, for the statements above (None for every
    unit: see `_within`)."""
    if covers_every_unit(units):
        return None, []
    sql, params = units.order_by().values("pk").query.sql_with_params()
    return sql, list(params)


def _ids_sql(ids):
    return f"SELECT id FROM {TABLES['unit']} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids


# Reads -------------------------------------------------------------------


def coverage_counts(*, units, max_assignments=None):
    """Findings per check over every unit of `units` (a Unit queryset): one aggregate each.

    Counted from scratch: seven queries whatever the number of units, each
    reading the scope's entries once (seconds at 10,000 units). The coverage
    page reads the same counts from registry.coverage_store, kept up to date,
    which the tests and bench/coverage.py compare with this. The count of
    overloaded people counts each person once, however many units they work at.
    """
    if max_assignments is None:
        max_assignments = max_assignments_setting()
    scope = _units_sql(units)
    disagreements = _count(_unappointed(scope)) + _count(_first_line_disagreements(scope))
    return {
        "unfilled_roles": _count(_unfilled_roles(scope)),
        "items_without_responsible": sum(
            count for _unit, count in _rows(_items_without_responsible_by_unit(scope))
        ),
        "missing_positions": _count(_missing_positions(scope)),
        "overloaded_people": overloaded_count(units=units, max_assignments=max_assignments),
        "missing_deputies": _count(_missing_deputies(scope)),
        "disagreements": disagreements,
    }


# The checks counted per unit, and the statements whose rows are their findings (a row per
# finding; the unit's id first). People above the limit count once in a scope, not per unit.
UNIT_CHECKS = {
    "unfilled_roles": [_unfilled_roles],
    "missing_positions": [_missing_positions],
    "missing_deputies": [_missing_deputies],
    "disagreements": [_unappointed, _first_line_disagreements],
}


def counts_by_unit(unit_ids=None, checks=None):
    """{unit id: {check: findings}} for the checks counted per unit (UNIT_CHECKS and items
    without responsible; `checks`: only those), for the units `unit_ids` (None: every unit,
    each statement once over the register); units without findings are left out. A fixed
    number of queries."""
    scope = (None, []) if unit_ids is None else _ids_sql(unit_ids)
    if checks is None:
        checks = [*UNIT_CHECKS, "items_without_responsible"]
    counts = defaultdict(lambda: dict.fromkeys(checks, 0))
    for key in checks:
        if key == "items_without_responsible":
            for unit_id, missing in _rows(_items_without_responsible_by_unit(scope)):
                counts[unit_id][key] = missing
            continue
        for statement in UNIT_CHECKS[key]:
            for row in _rows(statement(scope)):
                counts[row[0]][key] += 1
    return counts


def overloaded_count(*, units, max_assignments):
    """How many people have more than `max_assignments` assignments in `units` (a Unit
    queryset): at those units, and organisation-wide in a huvudman with units among them."""
    return _rows(_overloaded_count(_units_sql(units), max_assignments))[0][0]


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
        scope_sql = _units_sql(scope)
        overloaded = _rows(_overloaded_organisation_wide(scope_sql, max_assignments))
        if overloaded:
            result.append(
                _build(None, {"overloaded_people": overloaded}, max_assignments, urls=_admin_urls())
            )
    if not units:
        return [entry for entry in result if entry.total]
    batch = _ids_sql([unit.pk for unit in units])
    found = {
        "unfilled_roles": _rows(_unfilled_roles(batch)),
        "items_without_responsible": _rows(_items_without_responsible(batch)),
        "missing_positions": _rows(_missing_positions(batch)),
        "overloaded_people": _rows(_overloaded(batch, _units_sql(scope), max_assignments)),
        "missing_deputies": _rows(_missing_deputies(batch)),
        "unappointed": _rows(_unappointed(batch)),
        "first_line": _rows(_first_line_disagreements(batch)),
    }
    # The people behind the disagreements, for their details: one query.
    support = _rows(_support_people(batch))
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
        self.items = {
            pk: (order, name, column)
            for order, (pk, name, column) in enumerate(
                Item.objects.filter(pk__in=item_ids).values_list("pk", "name", "column__name")
            )
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
        self.people = Person.objects.in_bulk(person_ids)


def _admin_urls():
    """The admin pages the findings link to, looked up once per batch of units."""
    return {
        "appointment_add": reverse("admin:organisation_appointment_add"),
        "assignment_add": reverse("admin:registry_assignment_add"),
        "person_change": reverse("admin:organisation_person_change", args=[0]),
        "appointments": reverse("admin:organisation_appointment_changelist"),
    }


def _build(unit, rows, max_assignments, *, urls, names=None, support=()):
    """A UnitCoverage from the rows the statements returned for one unit."""
    findings = {key: [] for key in CHECK_KEYS}
    appointment_add = urls["appointment_add"]
    assignment_add = urls["assignment_add"]
    unit_query = f"&unit={unit.pk}" if unit else ""
    people = (
        names.people
        if names
        else Person.objects.in_bulk([row[1] for row in rows.get("overloaded_people", [])])
    )

    for _unit_id, role_id in rows.get("unfilled_roles", []):
        role = names.roles[role_id]
        if role.position_id:
            detail = _(
                "Rollen står i ansvarsfördelningen men ingen är utsedd till %(position)s."
            ) % {"position": role.position.label}
            url = f"{appointment_add}?position={role.position_id}{unit_query}"
        else:
            detail = _("Rollen står i ansvarsfördelningen men ingen person är namngiven med den.")
            url = f"{assignment_add}?role={role_id}{unit_query}"
        findings["unfilled_roles"].append(Finding("unfilled_roles", unit, str(role), detail, url))
    for _unit_id, item_id in sorted(
        rows.get("items_without_responsible", []), key=lambda row: names.items[row[1]]
    ):
        findings["items_without_responsible"].append(
            Finding(
                "items_without_responsible",
                unit,
                names.items[item_id][1],
                _("Ingen ansvarig på enheten (kolumnen %(column)s).")
                % {"column": names.items[item_id][2]},
                f"{assignment_add}?item={item_id}{unit_query}",
            )
        )
    for _unit_id, position_id in rows.get("missing_positions", []):
        findings["missing_positions"].append(
            Finding(
                "missing_positions",
                unit,
                str(names.positions[position_id].label),
                _("Ingen är utsedd; beslutet kräver en på varje enhet."),
                f"{appointment_add}?position={position_id}{unit_query}",
            )
        )
    person_change = urls["person_change"]
    for _unit_id, person_id, load in sorted(
        rows.get("overloaded_people", []), key=lambda row: (-row[2], people[row[1]].initials)
    ):
        findings["overloaded_people"].append(
            Finding(
                "overloaded_people",
                unit,
                str(people[person_id]),
                _("%(count)s uppdrag i ansvarsfördelningen (gränsen är %(max)s).")
                % {"count": load, "max": max_assignments},
                person_change.replace("/0/", f"/{person_id}/"),
            )
        )
    for _unit_id, item_id in sorted(
        rows.get("missing_deputies", []), key=lambda row: names.items[row[1]]
    ):
        findings["missing_deputies"].append(
            Finding(
                "missing_deputies",
                unit,
                names.items[item_id][1],
                _("Kräver ersättare; ingen är utsedd på enheten (kolumnen %(column)s).")
                % {"column": names.items[item_id][2]},
                f"{assignment_add}?item={item_id}&priority={Assignment.Priority.DEPUTY}"
                f"{unit_query}",
            )
        )
    for _unit_id, person_id, role_id, items in rows.get("unappointed", []):
        role, person = names.roles[role_id], people[person_id]
        findings["disagreements"].append(
            Finding(
                "disagreements",
                unit,
                f"{person} – {role.code}",
                _(
                    "Står som %(role)s på %(count)s ansvarsområden men har inget uppdrag som "
                    "%(position)s på enheten."
                )
                % {"role": role.code, "count": items, "position": role.position.label},
                f"{appointment_add}?person={person_id}&position={role.position_id}{unit_query}",
            )
        )
    for _unit_id, kind in sorted(rows.get("first_line", []), key=_second):
        named = sorted(str(people[row[2]]) for row in support if row[1] == kind)
        code = FIRST_LINE_POSITIONS[ProblemKind(kind)]
        findings["disagreements"].append(
            Finding(
                "disagreements",
                unit,
                str(ProblemKind(kind).problem_title),
                _(
                    "Ansvarsfördelningen nämner %(people)s för lokalt stöd, men ingen av dem "
                    "är utsedd till %(position)s på enheten."
                )
                % {"people": ", ".join(named), "position": Position.Code(code).label.lower()},
                f"{urls['appointments']}?enhet={unit.slug}",
            )
        )
    return UnitCoverage(unit=unit, findings=findings)


def _second(row):
    return row[1]
