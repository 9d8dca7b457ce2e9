"""The "Vem frågar jag?" form: a unit the user may see and a kind of problem."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organisation.models import ProblemKind


class SupportChainForm(forms.Form):
    """`units` are the units the user may see (registry.unit_picker.VisibleUnits): listed in a
    choice up to UNIT_LIST_LIMIT, beyond it a slug found with the unit search (`many`)."""

    unit = forms.CharField(label=_("Enhet"))
    kind = forms.ChoiceField(
        label=_("Typ av problem"), choices=ProblemKind.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = units
        self.many = units.many
        if self.many:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units.first.slug if units else None
        else:
            self.fields["unit"] = forms.ChoiceField(
                label=_("Enhet"), choices=[(unit.slug, unit.name) for unit in units.listed]
            )

    def clean_unit(self):
        unit = self.units.get(self.cleaned_data["unit"])
        if unit is None:
            raise forms.ValidationError(_("Välj en enhet du har tillgång till."), code="invalid")
        return unit

    def shown_unit(self):
        """The unit the form holds: the chosen one, else the first (the unit search's "Visar")."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["unit"]
        return self.units.first
