"""The plan a statement gets, as text, for tests that pin how a read is served."""

from django.db import connection


def plan_text(sql, params):
    """EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite, one line a step.

    On PostgreSQL sequential scans are ruled out first: on a test's small tables the
    planner reads them whole anyway, so what is left shows which index serves the
    statement (or that none can).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())
