"""The search's word list and the questions it could not answer (docs/search.md)."""

from datetime import timedelta

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from digiansvar.spreadsheets.admin import SpreadsheetImportExportMixin
from organisation.admin_base import (
    ScopedAdmin,
    ScopedHistoryAdmin,
)
from registry.admin.resources import SearchWordResource
from registry.models import SearchWord, UnansweredSearch
from registry.search import unknown_words


@admin.register(SearchWord)
class SearchWordAdmin(SpreadsheetImportExportMixin, ScopedHistoryAdmin):
    resource_classes = [SearchWordResource]  # exported and imported as a spreadsheet
    list_display = ["word", "means", "note"]
    search_fields = ["word", "means", "note"]


class AskedFilter(admin.SimpleListFilter):
    """The week's questions unless all are asked for."""

    title = _("frågad")
    parameter_name = "period"
    WEEK_DAYS = 7

    def lookups(self, request, model_admin):
        return [("vecka", _("Senaste veckan")), ("alla", _("Alla"))]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or "vecka") == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "alla":
            return queryset
        return queryset.filter(day__gt=timezone.localdate() - timedelta(days=self.WEEK_DAYS))


@admin.register(UnansweredSearch)
class UnansweredSearchAdmin(ScopedAdmin):
    """Read and cleared here, written only by the search page (registry.search.unanswered_log)."""

    list_display = ["text", "count", "day", "add_to_word_list"]
    list_filter = [AskedFilter]
    search_fields = ["text"]
    ordering = ["-day", "-count", "text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("lägg till i ordlistan"))
    def add_to_word_list(self, obj):
        # The words the items do not know, each a link to a new entry of the word list.
        add = reverse("admin:registry_searchword_add")
        return format_html_join(
            " ",
            '<a href="{}?{}">{}</a>',
            ((add, urlencode({"word": word}), word) for word in unknown_words(obj.text)),
        )
