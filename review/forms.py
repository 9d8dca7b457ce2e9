from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionForm(forms.Form):
    """The rektor's answer: a comment, and which button was pressed (sign or return)."""

    comment = forms.CharField(
        label=_("Kommentar"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Frivillig när du godkänner; dina frågor när du skickar tillbaka."),
    )
