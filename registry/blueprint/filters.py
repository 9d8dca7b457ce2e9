"""The blueprint filters as GET parameters: ?area=hygien&role=ITS&person=A.W&q=wifi.

With a search, ?ordning=relevans lists the matches best first (the answer
page's ranking) instead of in the poster's order.

The choices come from lists the view has already fetched (areas, and the
roles and people with responsibility at the chosen unit: nothing that would
give an empty page), so the form renders and validates without further
queries; the filtering itself is `registry.blueprint.queries.items_matching`.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from registry.blueprint.queries import items_among, items_matching
from registry.models import Item

# Fields whose change applies the filters at once (with htmx, debounced in
# registry/_controls.html; the role and person lists, written out in
# registry/_filter_select.html, carry the class there); the text search waits for Enter or
# the button.
AUTOFILTER = "autofilter"


class BlueprintFilter(django_filters.FilterSet):
    area = django_filters.MultipleChoiceFilter(
        label=_("Prioritering av områden"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": AUTOFILTER}),
        error_messages={"invalid_choice": _("Området ”%(value)s” finns inte.")},
    )
    role = django_filters.ChoiceFilter(
        label=_("Roll"),
        empty_label=_("Alla roller"),
        error_messages={
            "invalid_choice": _("Rollen ”%(value)s” finns inte eller har inget ansvar på enheten.")
        },
    )
    person = django_filters.ChoiceFilter(
        label=_("Person"),
        empty_label=_("Alla personer"),
        error_messages={"invalid_choice": _("Personen ”%(value)s” har inget ansvar på enheten.")},
    )
    q = django_filters.CharFilter(
        # "Vem ansvarar för …?" is the header's question box, the same search.
        label=_("Sök bland ansvarsområdena"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("t.ex. wifi")}),
    )

    # Not a filter: how the matches of `q` are ordered (read by `ordering`).
    ordning = django_filters.ChoiceFilter(
        label=_("Ordning"),
        empty_label=_("Som på affischen"),
        choices=[("relevans", _("Bäst träff först"))],
        error_messages={"invalid_choice": _("Ordningen ”%(value)s” finns inte.")},
    )
    RELEVANCE = "relevans"

    def __init__(self, data, *, unit, areas, roles, people, request=None):
        super().__init__(data, queryset=Item.objects.none(), request=request)
        self.unit = unit
        self.areas = {area.slug: area for area in areas}
        self.roles = {role.code: role for role in roles}
        self.people = {person.initials: person for person in people}
        self.filters["area"].extra["choices"] = [(a.slug, a.name) for a in areas]
        self.filters["role"].extra["choices"] = [(r.code, f"{r.code} – {r.label}") for r in roles]
        # "A.W – Anna Westin, IT-samordnare" where name and title are known.
        self.filters["person"].extra["choices"] = [(p.initials, str(p)) for p in people]

    class Meta:
        model = Item
        fields = []

    def items(self):
        """The matching items; none while a filter value is invalid (a shared link gone stale)."""
        if not self.is_valid():
            return items_matching(unit=self.unit).none()
        return items_matching(unit=self.unit, **self._criteria())

    def among(self, items, entries):
        """The matching items of `items` (the catalogue's), with `entries` (every entry at the
        unit): items() without a query (registry.blueprint.queries.items_among)."""
        if not self.is_valid():
            return []
        return items_among(items=items, entries=entries, **self._criteria())

    def _criteria(self):
        data = self.form.cleaned_data
        return {
            "areas": [self.areas[slug] for slug in data.get("area") or []],
            "role": self.roles.get(data.get("role") or ""),
            "person": self.people.get(data.get("person") or ""),
            "text": (data.get("q") or "").strip(),
        }

    @property
    def ordering(self):
        """RELEVANCE when the matches of a search are to be listed best first, else ""."""
        if not self.is_valid() or not (self.form.cleaned_data.get("q") or "").strip():
            return ""
        return self.form.cleaned_data.get("ordning") or ""

    @property
    def is_filtered(self):
        return any(self.data.get(name) for name in ("area", "role", "person", "q"))

    def error_list(self):
        """Every error as "field: message" for the page."""
        return [
            f"{self.form.fields[name].label}: {message}"
            for name, messages in self.form.errors.items()
            for message in messages
        ]
