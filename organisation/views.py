"""Pages about the support organisation: the three levels, a unit, "Vem frågar jag?", coverage."""

import io
from collections import defaultdict

import openpyxl
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisation.models import (
    Appointment,
    ITCouncil,
    ITCouncilMembership,
    Organisation,
    Position,
    ProblemKind,
    Unit,
)
from organisation.permissions import can_edit_unit
from organisation.queries import coverage_report
from organisation.queries import support_chain as build_support_chain

UNIT_LEVEL_CODES = [
    Position.Code.PRINCIPAL,
    Position.Code.IT_MENTOR,
    Position.Code.FIRST_LINE_CONTACT,
]

COVERAGE_TITLES = {
    "missing_positions": _("Enheter utan IT-handledare eller hanteringsansvarig"),
    "items_without_responsible": _("Ansvarsområden utan ansvarig"),
    "unfilled_roles": _("Roller som ingen person har"),
    "overloaded_people": _("Personer med många uppdrag"),
    "single_person_items": _("Ansvarsområden som vilar på en person utan ersättare"),
}


def visible_organisations(user):
    return Organisation.objects.filter(units__in=Unit.objects.visible_to(user)).distinct()


def organisation_list(request):
    organisations = list(visible_organisations(request.user))
    if len(organisations) == 1:
        return redirect(organisations[0])
    return render(request, "organisation/organisation_list.html", {"organisations": organisations})


def organisation_detail(request, slug):
    """The three levels of the decision; units limited to those the user may see."""
    organisation = get_object_or_404(visible_organisations(request.user), slug=slug)
    central = list(
        Appointment.objects.filter(unit__isnull=True, person__organisation=organisation)
        .select_related("person", "position")
        .order_by("position__order", "focus", "person__initials")
    )
    huvudman = [a for a in central if a.position.level == Position.Level.HUVUDMAN]
    shared = [a for a in central if a.position.level == Position.Level.SHARED]
    developers = defaultdict(list)
    for appointment in shared:
        if appointment.position.code == Position.Code.DEVELOPER:
            developers[appointment.focus].append(appointment.person)
    councils = ITCouncil.objects.filter(organisation=organisation).prefetch_related(
        Prefetch(
            "memberships",
            queryset=ITCouncilMembership.objects.select_related("person"),
        )
    )
    units = (
        Unit.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.filter(position__code__in=UNIT_LEVEL_CODES)
                .select_related("person", "position")
                .order_by("person__initials"),
                to_attr="key_appointments",
            )
        )
    )
    unit_rows = []
    for unit in units:
        by_code = defaultdict(list)
        for appointment in unit.key_appointments:
            by_code[appointment.position.code].append(appointment.person)
        unit_rows.append((unit, [by_code[code] for code in UNIT_LEVEL_CODES]))
    percent = organisation.developer_preschool_percent
    context = {
        "organisation": organisation,
        "huvudman": huvudman,
        "councils": councils,
        "developer_groups": [
            (label, developers.get(value, [])) for value, label in Appointment.Focus.choices
        ],
        "developer_managers": [
            a.person for a in shared if a.position.code == Position.Code.DEVELOPER_MANAGER
        ],
        "other_shared": [
            a
            for a in shared
            if a.position.code not in (Position.Code.DEVELOPER, Position.Code.DEVELOPER_MANAGER)
        ],
        "preschool_percent": percent,
        "school_percent": 100 - percent,
        "unit_positions": [Position.Code(code).label for code in UNIT_LEVEL_CODES],
        "unit_rows": unit_rows,
        "can_see_coverage": Unit.objects.editable_by(request.user).exists(),
    }
    return render(request, "organisation/organisation_detail.html", context)


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
    return render(request, "organisation/unit_detail.html", context)


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
    if bound and form.is_valid():
        steps = build_support_chain(unit=form.cleaned_data["unit"], kind=form.cleaned_data["kind"])
    context = {"form": form, "steps": steps}
    if steps is not None:
        context["unit"] = form.cleaned_data["unit"]
        context["kind_title"] = ProblemKind(form.cleaned_data["kind"]).problem_title
    return render(request, "organisation/support_chain.html", context)


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
    export_url = reverse("organisation:coverage_export")
    if unit is not None:
        export_url += f"?unit={unit.slug}"
    context = {
        "report": report,
        "unit": unit,
        "sections": coverage_sections(report),
        "export_url": export_url,
    }
    return render(request, "organisation/coverage.html", context)


def coverage_export(request):
    units, unit = coverage_scope(request)
    report = coverage_report(units=units)
    # openpyxl's write-only mode streams rows: a fraction of the memory of a
    # tablib Dataset for the thousands of rows of a whole organisation.
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(gettext("Täckning"))
    for letter, width in zip("ABCDE", (45, 30, 50, 50, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(
        [
            gettext("Kategori"),
            gettext("Enhet"),
            gettext("Avser"),
            gettext("Detalj"),
            gettext("Åtgärda i administrationen"),
        ]
    )
    whole = gettext("Hela huvudmannen")
    titles = {category: str(title) for category, title in COVERAGE_TITLES.items()}
    base = request.build_absolute_uri("/").rstrip("/")
    for finding in report.findings:
        sheet.append(
            [
                titles[finding.category],
                finding.unit.name if finding.unit else whole,
                finding.subject,
                str(finding.detail),
                base + finding.admin_url,
            ]
        )
    content = io.BytesIO()
    workbook.save(content)
    response = HttpResponse(
        content.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"tackning-{unit.slug}" if unit else "tackning"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
