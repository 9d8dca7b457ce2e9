"""The "Vem frågar jag?" form: a unit the user may see and a kind of problem."""

from django import forms
from django.utils.translation import gettext_lazy as _

from organisation.models import ProblemKind, Unit


class SupportChainForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), to_field_name="slug", empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Typ av problem"), choices=ProblemKind.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.restrict(user).only("slug", "name")
