"""Pages about the organisation and its support that show blueprint data too: a huvudman (with
its coverage grid), a unit, "Vem frågar jag?", coverage. The organisation app below only lists
the huvudmän (organisation/views.py).
"""

from collections import defaultdict

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from digiansvar.spreadsheet_writer import spreadsheet_response
from organisation.models import (
    Appointment,
    ITCouncil,
    ITCouncilMembership,
    Organisation,
    Position,
    ProblemKind,
    Unit,
)
from organisation.permissions import allows
from registry import page_cache
from registry.coverage import CHECKS, coverage_by_unit, coverage_findings
from registry.support import support_chain as build_support_chain

UNIT_LEVEL_CODES = [
    Position.Code.PRINCIPAL,
    Position.Code.IT_MENTOR,
    Position.Code.FIRST_LINE_CONTACT,
]
# The organisation page and the coverage report list this many units a page.
UNITS_PER_PAGE = 50


def organisation_detail(request, slug):
    """The three levels of the decision; units (a page of them) limited to those the user may
    see, with the coverage grid for users who may see coverage."""
    user = request.user
    organisation = get_object_or_404(Organisation.objects.restrict(user), slug=slug)
    central = list(
        Appointment.objects.restrict(user)
        .filter(unit__isnull=True, person__organisation=organisation)
        .select_related("person", "position")
        .order_by("position__order", "focus", "person__initials")
    )
    huvudman = [a for a in central if a.position.level == Position.Level.HUVUDMAN]
    shared = [a for a in central if a.position.level == Position.Level.SHARED]
    developers = defaultdict(list)
    for appointment in shared:
        if appointment.position.code == Position.Code.DEVELOPER:
            developers[appointment.focus].append(appointment.person)
    councils = (
        ITCouncil.objects.restrict(user)
        .filter(organisation=organisation)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=ITCouncilMembership.objects.restrict(user).select_related("person"),
            )
        )
    )
    visible = Unit.objects.restrict(user).filter(organisation=organisation)
    unit_page = Paginator(
        visible.order_by("name", "pk").prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.restrict(user)
                .filter(position__code__in=UNIT_LEVEL_CODES)
                .select_related("person", "position")
                .order_by("person__initials"),
                to_attr="key_appointments",
            )
        ),
        UNITS_PER_PAGE,
    ).get_page(request.GET.get("sida"))
    unit_rows = []
    for unit in unit_page.object_list:
        by_code = defaultdict(list)
        for appointment in unit.key_appointments:
            by_code[appointment.position.code].append(appointment.person)
        unit_rows.append((unit, [by_code[code] for code in UNIT_LEVEL_CODES]))
    can_see_coverage = Unit.objects.restrict(user, "change").exists()
    coverage_rows = []
    if can_see_coverage and unit_rows:
        coverage_rows = coverage_by_unit(units=[unit for unit, _ in unit_rows], scope=visible)
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
        "unit_page": unit_page,
        "can_see_coverage": can_see_coverage,
        "checks": CHECKS,
        "coverage_rows": coverage_rows,
    }
    return render(request, "organisation/organisation_detail.html", context)


def unit_detail(request, slug):
    units = Unit.objects.restrict(request.user)
    unit = get_object_or_404(units.select_related("organisation"), slug=slug)
    appointments = (
        Appointment.objects.restrict(request.user)
        .filter(unit=unit)
        .select_related("person", "position")
        .order_by("position__order", "person__initials")
    )
    by_position = defaultdict(list)
    for appointment in appointments:
        by_position[appointment.position].append(appointment)
    coverage = None
    if allows(request.user, "change", unit):
        (coverage,) = coverage_by_unit(units=[unit], scope=units.filter(pk=unit.pk))
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
        "coverage": coverage,
        "coverage_url": f"{reverse('registry:coverage')}?unit={unit.slug}",
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
        self.fields["unit"].queryset = Unit.objects.restrict(user).only("slug", "name")


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


def coverage_scope(request):
    """The units the report covers: visible ones, for users who edit at least one unit."""
    if not Unit.objects.restrict(request.user, "change").exists():
        raise PermissionDenied
    units = Unit.objects.restrict(request.user)
    unit = None
    if request.GET.get("unit"):
        unit = units.filter(slug=request.GET["unit"]).first()
        if unit is None:
            raise Http404
        units = units.filter(pk=unit.pk)
    return units, unit


def coverage(request):
    """Counts per check over every unit in scope, then a page of units with their findings."""
    units, unit = coverage_scope(request)
    counts = page_cache.coverage_summary(units)
    unit_page = Paginator(
        units.order_by("name", "pk").select_related("organisation"), UNITS_PER_PAGE
    ).get_page(request.GET.get("sida"))
    entries = coverage_by_unit(
        units=unit_page.object_list,
        scope=units,
        organisation_wide=unit is None and unit_page.number == 1,
    )
    export_url = reverse("registry:coverage_export")
    if unit is not None:
        export_url += f"?unit={unit.slug}"
    context = {
        "unit": unit,
        "unit_page": unit_page,
        "summary": [(check, counts[check.key]) for check in CHECKS],
        "total": sum(counts.values()),
        "entries": entries,
        "export_url": export_url,
    }
    return render(request, "registry/coverage.html", context)


def coverage_export(request):
    """Every finding as xlsx, through the one spreadsheet writer (formula-like cells escaped).

    Streamed: the findings are computed batch by batch of units while the
    file is written, so memory does not grow with the number of units.
    """
    units, unit = coverage_scope(request)
    whole = gettext("Hela huvudmannen")
    titles = {check.key: str(check.title) for check in CHECKS}
    base = request.build_absolute_uri("/").rstrip("/")
    rows = (
        [
            titles[finding.category],
            finding.unit.name if finding.unit else whole,
            finding.subject,
            str(finding.detail),
            base + finding.admin_url,
        ]
        for finding in coverage_findings(units=units)
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
