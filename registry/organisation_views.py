"""Pages about the unit and its support, which show blueprint data too: a unit, "Vem frågar jag?",
coverage. The organisation's own pages (the three levels) are in organisation/views.py.
"""

from collections import defaultdict

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from digiansvar.spreadsheets import spreadsheet_response
from organisation.models import Position, ProblemKind, Unit
from organisation.permissions import can_edit_unit
from registry.coverage import coverage_report
from registry.support import support_chain as build_support_chain

COVERAGE_TITLES = {
    "missing_positions": _("Enheter utan IT-handledare eller hanteringsansvarig"),
    "items_without_responsible": _("Ansvarsområden utan ansvarig"),
    "unfilled_roles": _("Roller som ingen person har"),
    "overloaded_people": _("Personer med många uppdrag"),
    "single_person_items": _("Ansvarsområden som vilar på en person utan ersättare"),
}


def unit_detail(request, slug):
    unit = get_object_or_404(
        Unit.objects.visible_to(request.user).select_related("organisation"), slug=slug
    )
    appointments = unit.appointments.select_related("person", "position").order_by(
        "position__order", "person__initials"
    )
    by_position = defaultdict(list)
    for appointment in appointments:
        by_position[appointment.position].append(appointment)
    report = None
    if can_edit_unit(request.user, unit):
        report = coverage_report(units=Unit.objects.filter(pk=unit.pk))
    context = {
        "unit": unit,
        "positions": list(by_position.items()),
        "missing_positions": [
            Position.Code(code).label
            for code in (Position.Code.IT_MENTOR, Position.Code.FIRST_LINE_CONTACT)
            if not any(position.code == code for position in by_position)
        ],
        "blueprint_url": f"{reverse('registry:blueprint')}?unit={unit.slug}",
        "problem_kinds": [(kind.value, kind.problem_title) for kind in ProblemKind],
        "report": report,
        "sections": coverage_sections(report) if report is not None else [],
    }
    return render(request, "registry/unit_detail.html", context)


class SupportChainForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Enhet"), queryset=Unit.objects.none(), to_field_name="slug", empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Typ av problem"), choices=ProblemKind.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).only("slug", "name")


def support_chain(request):
    """ "Vem frågar jag?": the decision's chain for a unit and a kind of problem."""
    bound = "unit" in request.GET or "kind" in request.GET
    form = SupportChainForm(request.GET if bound else None, user=request.user)
    steps = None
    if bound and "unit" in form.errors and request.GET.get("unit"):
        # A unit the user may not see answers as if it did not exist.
        raise Http404(gettext("Enheten finns inte."))
    if bound and form.is_valid():
        steps = build_support_chain(unit=form.cleaned_data["unit"], kind=form.cleaned_data["kind"])
    context = {"form": form, "steps": steps}
    if steps is not None:
        context["unit"] = form.cleaned_data["unit"]
        context["kind_title"] = ProblemKind(form.cleaned_data["kind"]).problem_title
    return render(request, "registry/support_chain.html", context)


# A whole-organisation report can hold thousands of findings; the page shows
# the first ones per category and the xlsx export holds them all.
COVERAGE_PAGE_LIMIT = 200


def coverage_sections(report):
    limit = COVERAGE_PAGE_LIMIT
    return [
        (
            category,
            COVERAGE_TITLES[category],
            getattr(report, category)[:limit],
            len(getattr(report, category)),
        )
        for category in report.CATEGORIES
    ]


def coverage_scope(request):
    """The units the report covers: visible ones, for users who edit at least one unit."""
    if not Unit.objects.editable_by(request.user).exists():
        raise PermissionDenied
    units = Unit.objects.visible_to(request.user)
    unit = None
    if request.GET.get("unit"):
        unit = units.filter(slug=request.GET["unit"]).first()
        if unit is None:
            raise Http404
        units = units.filter(pk=unit.pk)
    return units, unit


def coverage(request):
    units, unit = coverage_scope(request)
    report = coverage_report(units=units)
    export_url = reverse("registry:coverage_export")
    if unit is not None:
        export_url += f"?unit={unit.slug}"
    context = {
        "report": report,
        "unit": unit,
        "sections": coverage_sections(report),
        "export_url": export_url,
    }
    return render(request, "registry/coverage.html", context)


def coverage_export(request):
    """The whole report as xlsx, through the one spreadsheet writer (formula-like cells escaped)."""
    units, unit = coverage_scope(request)
    report = coverage_report(units=units)
    whole = gettext("Hela huvudmannen")
    titles = {category: str(title) for category, title in COVERAGE_TITLES.items()}
    base = request.build_absolute_uri("/").rstrip("/")
    rows = (
        [
            titles[finding.category],
            finding.unit.name if finding.unit else whole,
            finding.subject,
            str(finding.detail),
            base + finding.admin_url,
        ]
        for finding in report.findings
    )
    return spreadsheet_response(
        rows,
        headers=[
            gettext("Kategori"),
            gettext("Enhet"),
            gettext("Avser"),
            gettext("Detalj"),
            gettext("Åtgärda i administrationen"),
        ],
        file_format="xlsx",
        filename=f"tackning-{unit.slug}" if unit else "tackning",
        title=gettext("Täckning"),
        widths=(45, 30, 50, 50, 60),
    )
