"""Step 3 of a blueprint import: write the planned changes with bulk operations.

History is kept through simple_history's bulk helpers (and, for the new
assignments, "+" records inserted beside them), all with the import's user
and reason. Runs inside blueprint_import's transaction.
"""

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from registry.models import Assignment, Item


def plan_apply(plan, *, reason):
    """Write what the plan computed, in the caller's transaction, with history."""
    user = plan.user
    now = timezone.now()
    if plan.items_to_create:
        bulk_create_with_history(
            plan.items_to_create,
            Item,
            batch_size=1000,
            default_user=user,
            default_change_reason=reason,
            default_date=now,
        )
    if plan.items_to_update:
        bulk_update_with_history(
            plan.items_to_update,
            Item,
            ["description", "keywords", "needs_deputy", "support_kind"],
            batch_size=1000,
            default_user=user,
            default_change_reason=reason,
            default_date=now,
        )
    if plan.assignments_to_create:
        insert_assignments(plan, user=user, reason=reason, now=now)
    if plan.assignments_to_update:
        bulk_update_with_history(
            plan.assignments_to_update,
            Assignment,
            ["priority", "order"],
            batch_size=1000,
            default_user=user,
            default_change_reason=reason,
            default_date=now,
        )
    if plan.assignments_to_delete:
        pks = [a.pk for a in plan.assignments_to_delete]
        for start in range(0, len(pks), 900):  # SQLite's limit on query parameters
            chunk = pks[start : start + 900]
            Assignment.objects.filter(pk__in=chunk).delete()
            # simple_history wrote the "-" records from the delete signals;
            # give them the import's user and reason like the other records.
            Assignment.history.filter(history_type="-", id__in=chunk, history_date__gte=now).update(
                history_user=user, history_change_reason=reason
            )


def insert_assignments(plan, *, user, reason, now):
    """Insert the new assignments and their "+" history records.

    bulk_create prepares every value through the ORM, which for tens of
    thousands of rows costs several times what the database does; here
    the rows go to executemany as they are, and the new ids are read back
    by their natural key (item, unit, role, person, kind R is unique).
    """
    kind = Assignment.Kind.RESPONSIBLE
    columns = ["item_id", "unit_id", "role_id", "person_id", "kind", "priority", "order"]
    rows = [
        (plan.items[item_key].pk, unit_id, role_id, person_id, kind, priority, order)
        for item_key, unit_id, role_id, person_id, priority, order in plan.assignments_to_create
    ]
    insert_rows(Assignment, columns, rows)

    unit_ids = {row[1] for row in rows}
    created = Assignment.objects.filter(kind=kind).filter(
        Q(unit_id__in=unit_ids - {None}) | Q(unit__isnull=True)
        if None in unit_ids
        else Q(unit_id__in=unit_ids)
    )
    ids = {
        (item_id, unit_id, role_id, person_id): pk
        for pk, item_id, unit_id, role_id, person_id in created.values_list(
            "pk", "item_id", "unit_id", "role_id", "person_id"
        )
    }
    history = Assignment.history.model
    date = history._meta.get_field("history_date").get_db_prep_save(now, connection)
    insert_rows(
        history,
        [
            "id",
            *columns,
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        ],
        [(ids[row[:4]], *row, date, reason, "+", user.pk if user else None) for row in rows],
    )


def insert_rows(model, fields, rows):
    """INSERT rows (tuples of database values in the order of `fields`) with one executemany."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})",
            rows,
        )
