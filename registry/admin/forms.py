"""Admin forms for assignments and the "Flytta ansvar" page.

The database holds what it can (role or person, no duplicate). A deputy
needing a primary spans rows, so it is checked here: per form for a single
assignment, across the formset for an item's assignment rows.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisation.models import Person, Unit
from registry.models import Area, Assignment, Role

# The choices when the person taking over does not hold a moved row's role.
KEEP_ROLE, CHANGE_ROLE = "keep", "change"

DEPUTY_WITHOUT_PRIMARY = _(
    "En ersättare behöver en ordinarie ansvarig för samma ansvarsområde och enhet."
)


class AssignmentForm(forms.ModelForm):
    # The inline formset checks deputies across its rows instead: the primary
    # may be added in the same submission.
    check_deputy = True

    class Meta:
        model = Assignment
        fields = ["item", "unit", "role", "person", "kind", "priority", "order"]

    def clean(self):
        cleaned = super().clean()
        if (
            self.check_deputy
            and cleaned.get("priority") == Assignment.Priority.DEPUTY
            and cleaned.get("item")
        ):
            primaries = Assignment.objects.filter(
                item=cleaned["item"],
                unit=cleaned.get("unit"),
                priority=Assignment.Priority.PRIMARY,
            ).exclude(pk=self.instance.pk)
            if not primaries.exists():
                self.add_error("priority", DEPUTY_WITHOUT_PRIMARY)
        return cleaned


class InlineAssignmentForm(AssignmentForm):
    check_deputy = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A tabular inline shows each field's label once, as a column header,
        # not as a <label>: give every row's control its name for screen readers.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", capfirst(field.label))


class AssignmentInlineFormSet(forms.BaseInlineFormSet):
    """An item's assignment rows: no row twice, and every deputy beside a primary."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = gettext("Ta bort raden")

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = {}
        units_with_primary, units_with_deputy = set(), {}
        for number, form in enumerate(self.forms, start=1):
            data = getattr(form, "cleaned_data", None)
            if not data or self._should_delete_form(form):
                continue
            unit, role, person = data.get("unit"), data.get("role"), data.get("person")
            if not (role or person):
                continue
            key = (unit, role, person, data.get("kind"))
            if key in seen:
                raise ValidationError(
                    gettext("Rad %(row)d är samma ansvarsfördelning som rad %(first)d.")
                    % {"row": number, "first": seen[key]}
                )
            seen[key] = number
            if data.get("priority") == Assignment.Priority.PRIMARY:
                units_with_primary.add(unit)
            else:
                units_with_deputy.setdefault(unit, number)
        for unit, number in units_with_deputy.items():
            if unit not in units_with_primary:
                raise ValidationError(
                    gettext("Rad %(row)d (%(unit)s): %(message)s")
                    % {
                        "row": number,
                        "unit": unit or gettext("hela huvudmannen"),
                        "message": DEPUTY_WITHOUT_PRIMARY,
                    }
                )


class ReassignForm(forms.Form):
    """Choose whose assignments move where; units and areas narrow the move."""

    from_person = forms.ModelChoiceField(label=_("Från person"), queryset=None)
    to_person = forms.ModelChoiceField(label=_("Till person"), queryset=None)
    units = forms.ModelMultipleChoiceField(
        label=_("Enheter"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ingen vald: alla enheter du får ändra."),
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Områden"),
        queryset=Area.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Inget valt: alla områden."),
    )

    # Shown after a preview that warns that to_person does not hold a moved
    # row's role at its unit (ReassignResult.mismatched).
    mismatch = forms.ChoiceField(
        label=_("Ansvar med en roll som mottagaren inte har på enheten"),
        choices=[
            (KEEP_ROLE, _("Behåll rollen (flytta ansvaren som de är)")),
            (CHANGE_ROLE, _("Byt roll på de ansvaren till rollen nedan")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    new_role = forms.ModelChoiceField(
        label=_("Ny roll"), queryset=Role.objects.all(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.restrict(user).order_by("initials")
        self.fields["from_person"].queryset = people
        self.fields["to_person"].queryset = people
        self.fields["units"].queryset = Unit.objects.restrict(user, "change")

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("from_person"), cleaned.get("to_person")
        if source and target and source == target:
            self.add_error(
                "to_person", gettext("Välj en annan person än den ansvaret flyttas från.")
            )
        if cleaned.get("mismatch") == CHANGE_ROLE and not cleaned.get("new_role"):
            self.add_error("new_role", gettext("Välj den roll ansvaren ska få."))
        return cleaned

    def offer_roles(self, held):
        """List the roles to_person holds at the units first, as the preview suggests them."""
        field = self.fields["new_role"]
        others = [role for role in field.queryset if role not in held]
        groups = [
            (gettext("Roller som mottagaren har på enheten"), held),
            (gettext("Andra roller"), others),
        ]
        field.widget.choices = [("", "---------")] + [
            (label, [(role.pk, str(role)) for role in roles]) for label, roles in groups if roles
        ]

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "from_person": data["from_person"],
            "to_person": data["to_person"],
            "units": list(data["units"]) or None,
            "areas": list(data["areas"]) or None,
            "new_role": data["new_role"] if data.get("mismatch") == CHANGE_ROLE else None,
        }
