"""The answer to an assignment: confirm, or decline with a comment."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.models import AssignmentConfirmation


class AnswerForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Svar"), choices=AssignmentConfirmation.State.choices, widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label=_("Kommentar (krävs när du avböjer)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("state") == AssignmentConfirmation.State.DECLINED
            and not (data.get("comment") or "").strip()
        ):
            raise ValidationError({"comment": _("Skriv varför du avböjer.")})
        return data
