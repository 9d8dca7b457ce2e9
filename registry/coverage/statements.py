"""The coverage checks as SQL: one statement per check over the units it is asked about.

GROUP BY over the entries, anti-joins with the appointments, the
organisation-wide entries expanded to their huvudmän and joined on the
unit's. Nothing reads the whole assignment table into Python, so a page of
50 units costs the same at 10 units as at 10,000; the whole-scope counts are
aggregates (docs/coverage.md, "How it is computed").

Organisation-wide assignments (no unit) hold at every unit; one naming a
person only at the units of that person's huvudman, as on the blueprint page.
"""

from django.db import connection
from django.db.models import Case, CharField, Count, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate

from organisation.models import Appointment, Organisation, Person, Position, Unit
from registry.coverage.checks import FIRST_LINE_POSITIONS
from registry.models import Assignment, Item, Role
from registry.notify.queries import (
    DECLINED,
    assigned_since_expression,
    awaiting_answer,
    with_decline,
)

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


def unfilled_roles(units):
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


def items_without_responsible(units):
    """(unit id, item id): nobody is responsible for the item at the unit (for a page or batch
    of units: a row per pair of unit and item)."""
    return _sql(
        """
        SELECT u.id, i.id FROM {unit} u CROSS JOIN {item} i
        WHERE {u_in_units}
          AND (u.id, i.id) NOT IN (SELECT a.unit_id, a.item_id FROM {assignment} a
                                   WHERE {a_in_units} AND a.kind = %s)
          AND NOT EXISTS (SELECT 1 FROM {organisation_wide} w
                          WHERE w.organisation_id = u.organisation_id AND w.item_id = i.id
                            AND w.kind = %s)
        """,
        u_in_units=_within("u.id", units),
        # The units' own entries read once, by index, into one hashed set (NOT IN: neither
        # column is ever null). A correlated NOT EXISTS let PostgreSQL merge-join on the
        # unit alone at 10,000 units, comparing 1.1 million pairs for a page of 50 (60 ms,
        # 6 ms as a hashed set; bench/RESULTS.md §0).
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


def missing_positions(units):
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


def missing_deputies(units):
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


def unappointed(units):
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


def support_people(units):
    """(unit id, support kind, person id): who the register names for each kind of local
    support at the unit: the people named on responsible entries of items with that support
    kind, and for role-only entries the role's holders (registry.queries.role_holders)."""
    entries, params = _support_entries(units)
    return f"WITH {entries} {_sql(SUPPORT_PEOPLE)}", [*params, *SUPPORT_PEOPLE_PARAMS]


def first_line_disagreements(units):
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


def departed_people(units):
    """(unit id, person id, entries): a person who has left (Person.active false, set by the
    identity provider's provisioning) is still named on entries holding at the unit: its own
    and the organisation-wide ones of the person's huvudman."""
    # `NOT p.active` in the words of the index person_departed (the few who have left): SQLite
    # uses a partial index only for the words of its condition, PostgreSQL for what they imply.
    return _sql(
        """
        SELECT e.unit_id, e.person_id, COUNT(*) FROM (
          SELECT a.unit_id AS unit_id, a.person_id AS person_id FROM {assignment} a
            JOIN {person} p ON p.id = a.person_id
          WHERE {a_in_units} AND NOT p.active
          UNION ALL
          SELECT u.id, w.person_id FROM {unit} u
            JOIN {organisation_wide} w ON w.organisation_id = u.organisation_id
            JOIN {person} p ON p.id = w.person_id
          WHERE {u_in_units} AND NOT p.active
        ) e GROUP BY e.unit_id, e.person_id
        """,
        a_in_units=_within("a.unit_id", units),
        u_in_units=_within("u.id", units),
    ), [*units[1], *units[1]]


def _awaiting(units):
    """The unit's own assignments awaiting an answer (registry.notify.queries.awaiting_answer,
    the one definition), with `tag` ("unconfirmed" or "declined") and `since` (when their
    person got them)."""
    assignments = Assignment.objects.filter(unit__isnull=False)
    if units[0] is not None:
        assignments = assignments.filter(unit_id__in=RawSQL(units[0], list(units[1])))
    return (
        awaiting_answer(assignments)
        .annotate(
            since=assigned_since_expression(),
            tag=Case(
                When(confirmation_state=DECLINED, then=Value("declined")),
                default=Value("unconfirmed"),
                output_field=CharField(),
            ),
        )
        .order_by()
    )


def answers_awaited(units, cutoff):
    """(check, unit id, person id, assignment id, item id, role id, when, comment): the
    declined assignments ("declined": when, the comment) and those unconfirmed since before
    the day `cutoff` ("unconfirmed": since when)."""
    rows = (
        with_decline(_awaiting(units))
        .annotate(since_day=TruncDate("since"))
        .filter(Q(tag="declined") | Q(since_day__lt=cutoff))
        .values_list(
            "pk",
            "unit_id",
            "person_id",
            "item_id",
            "role_id",
            "since",
            "tag",
            "declined_at",
            "decline_comment",
        )
    )
    sql, params = rows.query.sql_with_params()
    return (
        "SELECT c.tag, c.unit_id, c.person_id, c.pk, c.item_id, c.role_id,"
        " CASE WHEN c.tag = 'declined' THEN c.declined_at ELSE c.since END, c.decline_comment"
        f" FROM ({sql}) c"
    ), list(params)


def people_findings(units, cutoff):
    """The findings about people named at the units, in one statement: departed_people as
    ("departed_people", unit id, person id, entries, NULL…) and answers_awaited."""
    departed, departed_params = departed_people(units)
    awaited, awaited_params = answers_awaited(units, cutoff)
    return (
        "SELECT 'departed_people' AS tag, d.*, NULL, NULL, NULL, NULL"
        f" FROM ({departed}) d UNION ALL {awaited}"
    ), [*departed_params, *awaited_params]


def answers_by_day(units):
    """(unit id, tag, day, assignments): the units' assignments awaiting an answer, counted by
    unit, "unconfirmed" or "declined", and the day their person got them; one statement.
    What the coverage store keeps (registry.coverage.store)."""
    return (
        _awaiting(units)
        .annotate(day=TruncDate("since"))
        .values_list("unit_id", "tag", "day")
        .annotate(assignments=Count("pk"))
        .order_by()
    )


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


def overloaded(units, scope, max_assignments):
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


def overloaded_organisation_wide(scope, max_assignments):
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


def rows(sql_and_params):
    sql, params = sql_and_params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def covers_every_unit(units):
    """Whether the Unit queryset `units` has no conditions (a superuser's scope)."""
    return not units.query.where and not units.query.is_sliced


# Up to this many units (a rektor's), the statements get the units' ids as a list.
FEW_UNITS = 100


def units_sql(units):
    """A unit queryset as a subquery selecting ids, for the statements above (None for every
    unit: see `_within`).

    A scope of FEW_UNITS or fewer is read first (one query) and given as a
    list of ids: the planner cannot see through the permission subqueries of
    a rektor's scope, takes them for thousands of units and reads every
    assignment, where a list of a few ids reads those units' rows by index.
    """
    if covers_every_unit(units):
        return None, []
    ids = list(units.order_by().values_list("pk", flat=True)[: FEW_UNITS + 1])
    if len(ids) <= FEW_UNITS:
        return ids_sql(ids or [0])  # no unit has id 0: an empty scope matches nothing
    sql, params = units.order_by().values("pk").query.sql_with_params()
    return sql, list(params)


def ids_sql(ids):
    return f"SELECT id FROM {TABLES['unit']} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids
