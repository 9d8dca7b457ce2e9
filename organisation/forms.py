"""Admin forms of the organisation."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _


class UnitGrantForm(forms.Form):
    """Whom to grant the chosen units, and as what."""

    user = forms.ModelChoiceField(label=_("Användare"), queryset=None)
    role = forms.ChoiceField(
        label=_("Som"),
        choices=[("rektor", _("Rektor / enhetsredaktör")), ("läsare", _("Läsare"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True)
