"""Pages of big ordered querysets whose cost does not grow with the table.

Django's Paginator counts every row (`SELECT COUNT(*)`) and reads page n with
`OFFSET (n - 1) * size`: at ~3 million assignments (10,000 units) both scan
most of the table, so the admin's last page took a second. Here:

- the count comes from PostgreSQL's planner (EXPLAIN) when it estimates more
  than ESTIMATE_ABOVE rows and a count stopped at that threshold agrees;
  below that (or with stale statistics), or on SQLite, it is exact. Page
  numbers past that size are then approximate ("about 2,960,000"), which is
  what one browses such a list by: the filters and the search narrow it.
- a page past the middle is read from the other end (the ordering reversed,
  the offset counted from the end, the rows turned back), so the last page
  costs what the first does. The ordering must be total (Django's admin adds
  the primary key), so the two directions agree row for row.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

ESTIMATE_ABOVE = 10_000


def estimated_count(queryset):
    """The planner's row estimate for the queryset on PostgreSQL, else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (`pk__in=[]`)
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class LargeTablePaginator(Paginator):
    """A Paginator for big ordered querysets: estimated count when huge, tail read backwards."""

    estimated = False

    @cached_property
    def count(self):
        estimate = estimated_count(self.object_list)
        if estimate is None or estimate <= ESTIMATE_ABOVE:
            return super().count
        # The planner's statistics can be stale (a table just emptied or filled):
        # a count that stops at the threshold tells a small table from a big one.
        bounded = self.object_list.order_by()[: ESTIMATE_ABOVE + 1].count()
        if bounded <= ESTIMATE_ABOVE:
            return bounded
        self.estimated = True
        return estimate

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if number == 1 or bottom <= self.count // 2 or not self.object_list.ordered:
            return super().page(number)
        # Read from the end: the last rows in reverse order, turned back.
        from_end = self.object_list.reverse()[self.count - top : self.count - bottom]
        return self._get_page(list(from_end)[::-1], number, self)
