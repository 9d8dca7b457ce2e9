"""The coverage page and its xlsx export."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from digiansvar.spreadsheets.writer import spreadsheet_response
from organisation.models import (
    Unit,
)
from registry.coverage.checks import CHECKS
from registry.coverage.report import coverage_by_unit, coverage_findings
from registry.coverage.store import coverage_summary
from registry.page_body import keep_page, kept_page, register_page_key

# The organisation page and the coverage report list this many units a page.
UNITS_PER_PAGE = 50


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


@require_GET
def coverage(request):
    """Counts per check over every unit in scope, then a page of units with their findings."""
    units, unit = coverage_scope(request)
    key = register_page_key(request)
    kept = kept_page(request, key)
    if kept is not None:
        return kept
    counts = coverage_summary(units)
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
    return keep_page(request, key, render(request, "registry/coverage.html", context))


@require_GET
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
