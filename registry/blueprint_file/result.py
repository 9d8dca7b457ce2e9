"""What a blueprint import answers: a row of the preview each, the counts, and the errors
(plan.py fills it, apply.py counts what it wrote)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
REMOVED = "removed"
STATUS_LABELS = {
    NEW: gettext_lazy("ny"),
    CHANGED: gettext_lazy("ändrad"),
    UNCHANGED: gettext_lazy("oförändrad"),
    REMOVED: gettext_lazy("borttagen"),
}


@dataclass
class RowResult:
    """One row of the preview: what the file says against what the database holds."""

    number: int | None
    unit: str
    area: str
    column: str
    item: str
    status: str
    before: str = ""
    after: str = ""
    description_before: str = ""
    description_after: str = ""
    keywords_before: str = ""
    keywords_after: str = ""
    marks_before: str = ""
    marks_after: str = ""

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def description_changed(self):
        return self.description_before != self.description_after

    @property
    def keywords_changed(self):
        return self.keywords_before != self.keywords_after

    @property
    def marks_changed(self):
        return self.marks_before != self.marks_after


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    applied: bool = False
    items_created: int = 0
    items_updated: int = 0
    assignments_created: int = 0
    assignments_updated: int = 0
    assignments_deleted: int = 0

    @property
    def counts(self):
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def has_changes(self):
        return any(row.status != UNCHANGED for row in self.rows)

    def summary(self):
        counts = self.counts
        return _(
            "%(rows)s rader: %(new)s nya, %(changed)s ändrade, %(unchanged)s oförändrade, "
            "%(removed)s borttagna. Ansvariga: %(a_created)s tillagda, %(a_updated)s ändrade, "
            "%(a_deleted)s borttagna. Ansvarsområden: %(i_created)s nya, %(i_updated)s ändrade."
        ) % {
            "rows": len(self.rows),
            "new": counts[NEW],
            "changed": counts[CHANGED],
            "unchanged": counts[UNCHANGED],
            "removed": counts[REMOVED],
            "a_created": self.assignments_created,
            "a_updated": self.assignments_updated,
            "a_deleted": self.assignments_deleted,
            "i_created": self.items_created,
            "i_updated": self.items_updated,
        }
