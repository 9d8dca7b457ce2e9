"""The version pages: the list, a version's poster at a unit, what changed (changelog or file)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from digiansvar.spreadsheets.writer import spreadsheet_response
from registry import versions
from registry.matrix import render_chips
from registry.models import Blueprint, Item
from registry.unit_picker import (
    VisibleUnits,
    chosen_unit,
    no_units,
    unit_matches,
    visible_units,
)
from registry.versions.changes import changes_page
from registry.versions.forms import ChangesForm
from registry.versions.header import page_version_header


def _visible_blueprint(request, pk):
    blueprint = (
        Blueprint.objects.restrict(request.user)
        .filter(pk=pk)
        .select_related("organisation")
        .first()
    )
    if blueprint is None:
        raise Http404(_("Versionen finns inte."))
    return blueprint


@require_GET
def version_list(request):
    units = visible_units(request)
    if not units:
        return no_units(request)
    blueprints = list(
        Blueprint.objects.restrict(request.user)
        .defer("snapshot")
        .select_related("organisation", "published_by")
        .order_by("organisation__name", "-published", "-pk")
    )
    return render(
        request,
        "registry/version_list.html",
        {
            **page_version_header(request, units),
            "blueprints": versions.with_previous(blueprints),
            "can_publish": versions.can_publish(request.user),
        },
    )


@require_GET
def version_detail(request, pk):
    """A version's poster at one unit as it was published; printable like the live one."""
    units = visible_units(request)
    if not units:
        return no_units(request)
    blueprint = _visible_blueprint(request, pk)
    own_units = VisibleUnits(request.user, organisation_id=blueprint.organisation_id)
    unit = chosen_unit(request, own_units)
    snapshot = versions.blueprint_snapshot(blueprint, {unit.pk})
    matrix = None
    if snapshot:
        live_items = set(Item.objects.restrict(request.user).values_list("pk", flat=True))
        matrix = versions.snapshot_matrix(snapshot, unit_id=unit.pk, live_item_ids=live_items)
        render_chips(matrix, from_version=True)
    return render(
        request,
        "registry/version_detail.html",
        {
            **page_version_header(request, units, unit),
            "version": blueprint,
            "units": own_units,
            "unit": unit,
            "matrix": matrix,
            **_version_unit_search(request, own_units),
        },
    )


@require_GET
def version_changes(request):
    """What changed from one version to another or to now, as a changelog or a file.

    ?from=<version> (default: the version in force; with only &to=, the
    version before it: what that version changed), &to=<version> (default:
    now), &unit=<slug> (default: every unit the user sees), &area=, &role=,
    &person= to narrow it, &format=xlsx|csv to download it.
    """
    units = visible_units(request)
    if not units:
        return no_units(request)
    form = ChangesForm(request.GET)
    if not form.is_valid():
        raise Http404(form.first_error())
    data = form.cleaned_data
    page = changes_page(
        user=request.user,
        before_id=data["from"],
        after_id=data["to"],
        unit_slug=data["unit"],
        area=data["area"],
        role=data["role"],
        person=data["person"],
    )
    if data["format"]:
        return _changes_file(page, data["format"])
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "registry/version_changes.html",
        {
            **page_version_header(request, page.units, page.unit, known=page.known),
            "before": page.before,
            "after": page.after,
            "versions": page.versions,
            "units": page.units,
            "unit": page.unit,
            **_version_unit_search(request, page.units),
            "diff": page.changes,
            "groups": page.changes.by_area(),
            "areas": page.choices.areas,
            "roles": page.choices.roles,
            "people": page.choices.people,
            "selected": {name: data[name] for name in ("area", "role", "person")},
            "query": query.urlencode(),
        },
    )


def _changes_file(page, file_format):
    """The changes through the site's one spreadsheet writer (formula escaping, streaming)."""
    parts = ["andringar", page.before.version, page.after.version if page.after else "nu"]
    if page.unit:
        parts.append(page.unit.slug)
    return spreadsheet_response(
        versions.diff_rows(page.changes),
        headers=versions.diff_headers(),
        file_format=file_format,
        filename="-".join(parts),
        title=str(_("Ändringar")),
    )


def _version_unit_search(request, units):
    """The version pages' unit picker when there are many units: ?sok= finds units by name.

    Each match links to the same page at that unit, the other parameters kept.
    """
    if not units.many:
        return {}

    def link(unit):
        query = request.GET.copy()
        query.pop("sok", None)
        query["unit"] = unit.slug
        return f"?{query.urlencode()}"

    everywhere = request.GET.copy()
    for name in ("sok", "unit", "format"):
        everywhere.pop(name, None)
    return {
        "unit_search": {
            **unit_matches(units.queryset, request.GET.get("sok", "").strip(), link),
            "everywhere": f"?{everywhere.urlencode()}",
        }
    }
