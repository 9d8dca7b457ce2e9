"""The form that makes an API key."""

from django import forms
from django.utils.translation import gettext_lazy as _

from api.keys.services import LIFETIMES


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
    # Unticked (and so absent from the POST) means a key that only reads.
    may_write = forms.BooleanField(
        label=_("Får också ändra"),
        required=False,
        help_text=_(
            "Kryssa bara i om systemet ska ändra ansvar åt dig. Utan kryss får nyckeln bara läsa."
        ),
    )
