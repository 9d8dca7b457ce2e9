"""The form that makes an API key."""

from django import forms
from django.utils.translation import gettext_lazy as _

from api.services import LIFETIMES


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"),
        max_length=100,
        help_text=_("Vad nyckeln används till, t.ex. ”Helpdesk”."),
    )
    days = forms.TypedChoiceField(
        label=_("Giltig i"),
        coerce=int,
        choices=[(days, _("%(days)d dagar") % {"days": days}) for days in LIFETIMES],
        initial=LIFETIMES[1],
    )
    read_only = forms.BooleanField(
        label=_("Bara läsa"),
        required=False,
        initial=True,
        help_text=_("Avmarkera bara om systemet ska ändra ansvar åt dig."),
    )
