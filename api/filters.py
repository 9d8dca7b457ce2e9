"""The assignment list's filters: by unit (its own rows and the organisation-wide ones that hold
there), item, role, person and area."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from organisation.models import Unit
from registry.models import Assignment
from registry.queries import assignments_at


class IdFilter(django_filters.NumberFilter):
    """An id: a whole number (NumberFilter's decimal -4.8e+112 reached the database)."""

    field_class = forms.IntegerField


class AssignmentFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(
        method="at_unit",
        help_text=_("Enhetens kortnamn: ansvaren på enheten och de som gäller hela dess huvudman."),
    )
    organisation_wide = django_filters.BooleanFilter(
        method="whole_huvudman",
        help_text=_(
            "Med unit: false utelämnar ansvaren för hela huvudmannen. Utan unit: true ger "
            "bara dem, false bara ansvar på enheter."
        ),
    )
    item = IdFilter(field_name="item_id", help_text=_("Ansvarsområdets id."))
    role = django_filters.CharFilter(field_name="role__code", help_text=_("Rollens kod."))
    person = IdFilter(field_name="person_id", help_text=_("Personens id."))
    area = django_filters.CharFilter(
        field_name="item__column__area__slug", help_text=_("Områdets kortnamn.")
    )

    class Meta:
        model = Assignment
        fields = ["unit", "organisation_wide", "item", "role", "person", "area"]

    def at_unit(self, queryset, name, value):
        unit = Unit.objects.restrict(self.request.user).filter(slug=value).first()
        if unit is None:
            raise ValidationError({"unit": [_("Enheten finns inte.")]})
        wide = self.form.cleaned_data.get("organisation_wide")
        return queryset & assignments_at([unit], organisation_wide=wide is not False)

    def whole_huvudman(self, queryset, name, value):
        if self.form.cleaned_data.get("unit"):
            return queryset  # read by at_unit
        return queryset.filter(unit__isnull=value)
