"""The version pages: the list, a version's poster at a unit, what changed (changelog or file)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from digiansvar.spreadsheet_writer import spreadsheet_response
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
from registry.versions.header import page_version_header

EXPORT_FORMATS = ("xlsx", "csv")


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
        render_chips(matrix)
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
    candidates = (
        Blueprint.objects.restrict(request.user)
        .filter(published_at__isnull=False)
        .defer("snapshot")
    )
    after = _pick_version(candidates, request.GET.get("to"), default=False)
    if after is not None and not request.GET.get("from"):
        before = versions.blueprint_before(after, candidates)
        if before is None:
            raise Http404(_("Versionen är den första; det finns ingen före den att jämföra med."))
    else:
        before = _pick_version(candidates, request.GET.get("from"))
    if before is None:
        raise Http404(_("Det finns ingen publicerad version att jämföra med."))
    if after is not None and after.organisation_id != before.organisation_id:
        raise Http404(_("Versionerna hör till olika huvudmän."))
    own_units = VisibleUnits(request.user, organisation_id=before.organisation_id)
    unit_ids = own_units.ids()
    unit = None
    if request.GET.get("unit"):
        unit = own_units.get(request.GET["unit"])
        if unit is None:
            raise Http404(_("Enheten finns inte."))
        unit_ids = {unit.pk}
    diff = versions.version_diff(before=before, after=after, unit_ids=unit_ids)
    choices = diff  # the filters offer what occurs, before narrowing
    # Since a version until now: the header's count is a part of it.
    known = (before, diff) if after is None else None
    diff = diff.filter(
        unit_ids=unit_ids,
        area=request.GET.get("area") or None,
        role=request.GET.get("role") or None,
        person=request.GET.get("person") or None,
    )
    file_format = request.GET.get("format")
    if file_format:
        return _changes_file(diff, before, after, unit, file_format)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "registry/version_changes.html",
        {
            **page_version_header(request, own_units, unit, known=known),
            "before": before,
            "after": after,
            "versions": list(candidates.filter(organisation_id=before.organisation_id)),
            "units": own_units,
            "unit": unit,
            **_version_unit_search(request, own_units),
            "diff": diff,
            "groups": diff.by_area(),
            "areas": choices.areas,
            "roles": choices.roles,
            "people": choices.people,
            "selected": {name: request.GET.get(name, "") for name in ("area", "role", "person")},
            "query": query.urlencode(),
        },
    )


def _pick_version(candidates, pk, default=True):
    """The version with this id among the candidates; None for "now" (`default` False)."""
    if not pk:
        return candidates.order_by("-published", "-pk").first() if default else None
    if not pk.isdigit():
        raise Http404(_("Versionen finns inte."))
    blueprint = candidates.filter(pk=pk).first()
    if blueprint is None:
        raise Http404(_("Versionen finns inte."))
    return blueprint


def _changes_file(diff, before, after, unit, file_format):
    """The changes through the site's one spreadsheet writer (formula escaping, streaming)."""
    if file_format not in EXPORT_FORMATS:
        raise Http404(_("Okänt filformat."))
    parts = ["andringar", before.version, after.version if after else "nu"]
    if unit:
        parts.append(unit.slug)
    return spreadsheet_response(
        versions.diff_rows(diff),
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
