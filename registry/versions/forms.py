"""The changes page's GET parameters: ?from=, &to=, &unit=, &area=, &role=, &person=, &format=."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EXPORT_FORMATS = ("xlsx", "csv")


def _version_id(value):
    """A version's id, or None (the field left out); anything but digits names no version."""
    if not value:
        return None
    if not value.isdigit():
        raise ValidationError(_("Versionen finns inte."))
    return int(value)


class ChangesForm(forms.Form):
    """What the changes page compares and narrows to. An invalid value names nothing: 404.

    `from` is a Python keyword, so that field is added in __init__.
    """

    to = forms.CharField(required=False)
    unit = forms.CharField(required=False)
    # Matched as typed against what the changes name: nothing stripped.
    area = forms.CharField(required=False, strip=False)
    role = forms.CharField(required=False, strip=False)
    person = forms.CharField(required=False, strip=False)
    format = forms.ChoiceField(
        choices=[(name, name) for name in EXPORT_FORMATS],
        required=False,
        error_messages={"invalid_choice": _("Okänt filformat.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"from": forms.CharField(required=False), **self.fields}

    def clean_from(self):
        return _version_id(self.cleaned_data["from"])

    def clean_to(self):
        return _version_id(self.cleaned_data["to"])

    def first_error(self):
        """The message of the first invalid field, in the fields' order (for the 404)."""
        return next(iter(self.errors.values()))[0]
