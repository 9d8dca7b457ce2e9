"""The blueprint pages' GET parameters, read by forms (the filters: filters.py).

Each form is always valid where the page has a sensible reading of any input
(a question cut to its length, an unknown `next` read as the poster); the
views answer 404 where a value names nothing (an unknown file format).
"""

from django import forms

# The answer page reads at most this many characters of a question.
SEARCH_MAX_LENGTH = 200
# The pages a unit search leads back to; never a URL from the request.
UNIT_SEARCH_TARGETS = ("registry:blueprint", "registry:blueprint_grid")
EXPORT_FORMATS = ("xlsx", "csv")


class SearchForm(forms.Form):
    """ "Vem ansvarar för …?": ?q=<question>, ?exakt=1 for the words as typed."""

    q = forms.CharField(required=False)
    exakt = forms.CharField(required=False)

    def clean_q(self):
        return self.cleaned_data["q"][:SEARCH_MAX_LENGTH]

    def clean_exakt(self):
        # Only the link under a correction sends it, always as 1.
        return self.cleaned_data["exakt"] == "1"


class UnitSearchForm(forms.Form):
    """The unit search: ?q=<part of a name>, ?next=<the page its links lead to>."""

    q = forms.CharField(required=False)
    next = forms.CharField(required=False)

    def clean_next(self):
        target = self.cleaned_data["next"]
        return target if target in UNIT_SEARCH_TARGETS else UNIT_SEARCH_TARGETS[0]


class ExportForm(forms.Form):
    """The export's ?format=xlsx|csv (default xlsx)."""

    format = forms.ChoiceField(choices=[(name, name) for name in EXPORT_FORMATS], required=False)

    def clean_format(self):
        return self.cleaned_data["format"] or EXPORT_FORMATS[0]
