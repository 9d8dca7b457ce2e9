"""The blueprint pages for principals: matrix, grid, person, role and item pages, export.

Every page reads only units the user may see (`Unit.objects.visible_to`). The
filtered pages render the whole page, or with htmx (the HX-Request header) only
the matrix partial; the server decides, never the client. Their parts are
cached by registry/page_cache.py.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from digiansvar.spreadsheets import spreadsheet_response
from organisation.models import Person, ProblemKind, Unit
from registry import page_cache, queries
from registry.blueprint_file.format import HEADERS, SHEET_TITLE, blueprint_rows
from registry.filters import BlueprintFilter
from registry.models import Area, Blueprint, Item, Role
from registry.support import support_chain

SESSION_UNIT = "registry_unit"
# The blueprint page offers these of digiansvar.spreadsheets' formats.
EXPORT_FORMATS = ("xlsx", "csv")


def _visible_units(request):
    # Only the organisation's id is needed (unit.organisation_id): no join.
    return list(Unit.objects.visible_to(request.user))


def _no_units(request):
    # A user without any unit gets an explanation, never data.
    return render(request, "registry/no_units.html", status=403)


def _chosen_unit(request, units):
    """The unit in ?unit=, else the one chosen last time (session), else the first visible.

    A unit the user may not see answers 404, as if it did not exist.
    """
    by_slug = {unit.slug: unit for unit in units}
    slug = request.GET.get("unit")
    if slug:
        if slug not in by_slug:
            raise Http404(_("Enheten finns inte."))
        unit = by_slug[slug]
    else:
        unit = by_slug.get(request.session.get(SESSION_UNIT), units[0])
    if request.session.get(SESSION_UNIT) != unit.slug:
        request.session[SESSION_UNIT] = unit.slug
    return unit


def _is_htmx(request):
    # A history restore asks for the whole page, as a normal navigation would.
    return "HX-Request" in request.headers and "HX-History-Restore-Request" not in request.headers


def _filter(request, unit, reference):
    """The filters bound to the request's GET parameters, with choices from `reference`."""
    return BlueprintFilter(
        request.GET,
        unit=unit,
        areas=reference["areas"],
        roles=reference["roles"],
        people=reference["people"],
        request=request,
    )


def _filtered(request, units, kind):
    """The context of the blueprint or grid page: unit, filter form, results."""
    unit = _chosen_unit(request, units)
    version = queries.data_version()
    reference = page_cache.filter_reference(unit, version, request.user)
    filterset = _filter(request, unit, reference)
    results = page_cache.matrix_results(kind, unit, filterset, version)
    query = request.GET.copy()
    query.pop("format", None)
    query["unit"] = unit.slug
    return {
        "blueprint": reference["blueprint"],
        "units": units,
        "unit": unit,
        "filter": filterset,
        "count": results["count"],
        "matrix_html": mark_safe(results["html"]),  # rendered by our own template
        "query": query.urlencode(),
        "support_steps": _support_steps(filterset, results["support"], unit),
        "version": version,
    }


def _support_steps(filterset, support_matched, unit):
    """The unit's support chain for technical problems, when a search found a support matter."""
    if not filterset.is_valid() or not filterset.form.cleaned_data.get("q"):
        return None
    if not support_matched:
        return None
    return support_chain(unit=unit, kind=ProblemKind.TECHNOLOGY)


def _render_filtered(request, template, partial, context):
    if _is_htmx(request):
        context["htmx"] = True
        return render(request, partial, context)
    context["controls_html"] = page_cache.controls_html(request, context)
    return render(request, template, context)


@vary_on_headers("HX-Request")
def blueprint(request):
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    context = _filtered(request, units, "poster")
    context["view_name"] = "registry:blueprint"
    return _render_filtered(
        request, "registry/blueprint.html", "registry/_blueprint_results.html", context
    )


@vary_on_headers("HX-Request")
def blueprint_grid(request):
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    context = _filtered(request, units, "grid")
    context["view_name"] = "registry:blueprint_grid"
    return _render_filtered(
        request, "registry/blueprint_grid.html", "registry/_grid_results.html", context
    )


def blueprint_export(request):
    """The filtered blueprint of the chosen unit as xlsx or csv (registry.blueprint_file)."""
    file_format = request.GET.get("format", "xlsx")
    if file_format not in EXPORT_FORMATS:
        raise Http404(_("Okänt filformat."))
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    unit = _chosen_unit(request, units)
    choices = {
        "areas": Area.objects.all(),
        "roles": Role.objects.all(),
        "people": queries.people_at(unit),
    }
    filterset = _filter(request, unit, choices)
    blueprint = Blueprint.objects.first()
    version = blueprint.version if blueprint else ""
    # csv as Excel in Swedish locale reads it: `;`-separated with a byte-order mark.
    return spreadsheet_response(
        blueprint_rows(units=[unit], items=filterset.items()),
        headers=HEADERS,
        file_format=file_format,
        filename="-".join(part for part in ("ansvarsfordelning", unit.slug, version) if part),
        title=SHEET_TITLE,
    )


def person_detail(request, initials):
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    person = _person_or_404(request, initials, units)
    assignments = queries.responsibilities(units=units, person=person)
    return render(
        request,
        "registry/person_detail.html",
        _responsibility_context(request, units, assignments, person=person),
    )


def _person_or_404(request, initials, units):
    # Initials are unique per huvudman; a user finds the people of their own
    # units (and themselves), never someone who only works at other units.
    people = Person.objects.filter(initials=initials)
    own = getattr(request.user, "person", None)
    if own is None or own.initials != initials:
        people = people & queries.people_visible(units)
    person = people.order_by("pk").first()
    if person is None:
        raise Http404(_("Personen finns inte."))
    return person


def role_detail(request, code):
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    role = get_object_or_404(Role, code=code)
    assignments = queries.responsibilities(units=units, role=role)
    return render(
        request,
        "registry/role_detail.html",
        _responsibility_context(request, units, assignments, role=role),
    )


def _responsibility_context(request, units, assignments, **extra):
    assignments = list(assignments)
    return {
        "blueprint": Blueprint.objects.first(),
        "units": units,
        "show_unit": len(units) > 1,
        "groups": queries.responsibilities_grouped(assignments),
        "total": len(assignments),
        **extra,
    }


def item_detail(request, pk):
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    item = get_object_or_404(Item.objects.select_related("column__area"), pk=pk)
    assignments = (
        queries.assignments_at(units)
        .filter(item=item)
        .select_related("role", "person", "unit")
        .order_by("unit__name", "order", "pk")
    )
    by_unit = {}
    for assignment in assignments:
        by_unit.setdefault(assignment.unit, []).append(queries.Chip(assignment))
    user = request.user
    return render(
        request,
        "registry/item_detail.html",
        {
            "blueprint": Blueprint.objects.first(),
            "item": item,
            # Organisation-wide assignments (unit None) first: they hold at every unit.
            "organisation_wide": by_unit.pop(None, []),
            "per_unit": [(unit, by_unit.get(unit, [])) for unit in units],
            "can_see_history": user.has_perm("registry.view_item")
            or user.has_perm("registry.change_item"),
        },
    )
