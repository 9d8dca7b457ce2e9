"""The coverage report's counts: findings per check over a scope, and per unit for the store.

Made of the statements of registry.coverage.statements, one aggregate each, so
a count is always the number of findings the report lists.
"""

from collections import defaultdict

from registry.coverage.checks import max_assignments_setting
from registry.coverage.statements import (
    _items_without_responsible_by_unit,
    _overloaded_count,
    answers_by_day,
    departed_people,
    first_line_disagreements,
    ids_sql,
    missing_deputies,
    missing_positions,
    people_findings,
    rows,
    unappointed,
    unfilled_roles,
    units_sql,
)
from registry.notify.queries import confirmation_cutoff


def _count(sql_and_params):
    sql, params = sql_and_params
    return rows((f"SELECT COUNT(*) FROM ({sql}) counted", params))[0][0]


def coverage_counts(*, units, max_assignments=None):
    """Findings per check over every unit of `units` (a Unit queryset): one aggregate each.

    Counted from scratch: eight queries whatever the number of units, each
    reading the scope's entries once (seconds at 10,000 units). The coverage
    page reads the same counts from registry.coverage.store, kept up to date,
    which the tests and bench/coverage.py compare with this. The count of
    overloaded people counts each person once, however many units they work at.
    """
    if max_assignments is None:
        max_assignments = max_assignments_setting()
    scope = units_sql(units)
    disagreements = _count(unappointed(scope)) + _count(first_line_disagreements(scope))
    people, params = people_findings(scope, confirmation_cutoff())
    found = dict(rows((f"SELECT f.tag, COUNT(*) FROM ({people}) f GROUP BY f.tag", params)))
    return {
        "unfilled_roles": _count(unfilled_roles(scope)),
        "items_without_responsible": sum(
            count for _unit, count in rows(_items_without_responsible_by_unit(scope))
        ),
        "missing_positions": _count(missing_positions(scope)),
        "overloaded_people": overloaded_count(units=units, max_assignments=max_assignments),
        "missing_deputies": _count(missing_deputies(scope)),
        "disagreements": disagreements,
        "departed_people": found.get("departed_people", 0),
        "unconfirmed": found.get("unconfirmed", 0),
        "declined": found.get("declined", 0),
    }


# The checks counted per unit, and the statements whose rows are their findings (a row per
# finding; the unit's id first). People above the limit count once in a scope, not per unit.
UNIT_CHECKS = {
    "unfilled_roles": [unfilled_roles],
    "missing_positions": [missing_positions],
    "missing_deputies": [missing_deputies],
    "disagreements": [unappointed, first_line_disagreements],
    "departed_people": [departed_people],
}


def counts_by_unit(unit_ids=None, checks=None):
    """{unit id: {check: findings}} for the checks counted per unit (UNIT_CHECKS and items
    without responsible; `checks`: only those), for the units `unit_ids` (None: every unit,
    each statement once over the register); units without findings are left out. A fixed
    number of queries.

    With "answers" (by default): {("unconfirmed" or "declined", day): assignments} of the
    unit's assignments awaiting an answer (answers_by_day), 0 when there are none: whether
    one is old depends on the day it is read (registry.coverage.store)."""
    scope = (None, []) if unit_ids is None else ids_sql(unit_ids)
    if checks is None:
        checks = [*UNIT_CHECKS, "items_without_responsible", "answers"]
    counts = defaultdict(lambda: dict.fromkeys(checks, 0))
    if "answers" in checks:
        for unit_id, tag, day, assignments in answers_by_day(scope):
            found = counts[unit_id]
            found["answers"] = found["answers"] or {}
            found["answers"][tag, day] = assignments
    for key in (key for key in checks if key != "answers"):
        if key == "items_without_responsible":
            for unit_id, missing in rows(_items_without_responsible_by_unit(scope)):
                counts[unit_id][key] = missing
            continue
        for statement in UNIT_CHECKS[key]:
            for row in rows(statement(scope)):
                counts[row[0]][key] += 1
    return counts


def overloaded_count(*, units, max_assignments):
    """How many people have more than `max_assignments` assignments in `units` (a Unit
    queryset): at those units, and organisation-wide in a huvudman with units among them."""
    return rows(_overloaded_count(units_sql(units), max_assignments))[0][0]
