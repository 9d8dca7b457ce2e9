"""The blueprint pages for principals: matrix, grid, person, role and item pages, export.

Every page reads only units the user may see (`Unit.objects.visible_to`). The
filtered pages render the whole page, or with htmx (the HX-Request header) only
the matrix partial; the server decides, never the client.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from digiansvar.spreadsheets import spreadsheet_response
from organisation.models import Person, ProblemKind, Unit
from registry import queries
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


# The blueprint and grid pages are cached in parts, keyed by the data version
# (registry.queries.data_version: one query, changes with every write), so a
# change shows on the next request and no entry is ever invalidated by hand;
# the TTL only bounds how long an entry of an old version takes up memory (or
# answers, should a write ever bypass the history). Who may see which unit is
# checked on every request before any lookup, and the unit's id and slug are
# in every key. Nothing cached holds a CSRF token or anything of one user:
# the fragments are rendered without the request.


def _cache_key(*parts):
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"registry:{digest}"


def _reference(unit, version, user):
    """The filters' choices, the version label and the user's person, cached with the version.

    Returns {"areas", "roles", "people", "blueprint"} and gives request.user
    its person (or none), so the header's "Mina ansvarsområden" asks the
    database nothing.
    """
    timeout = settings.DIGIANSVAR_PAGE_CACHE_SECONDS
    reference_key = _cache_key("reference", unit.pk, unit.slug, version)
    person_key = _cache_key("person", user.pk, version)
    found = cache.get_many([reference_key, person_key])
    reference = found.get(reference_key)
    if reference is None:
        reference = {
            "areas": list(Area.objects.all()),
            "roles": list(Role.objects.all()),
            "people": list(queries.people_at(unit)),
            "blueprint": Blueprint.objects.first(),
        }
        cache.set(reference_key, reference, timeout)
    if person_key in found:
        person = found[person_key]
    else:
        person = Person.objects.filter(user=user).first()
        cache.set(person_key, person, timeout)
    get_user_model().person.related.set_cached_value(user, person)
    return reference


def _results(kind, unit, filterset, version):
    """The count, whether a support matter matched, and the HTML of the poster or grid.

    Cached per unit, normalised filters, language and data version; built
    from the matrix (two queries) on a miss.
    """
    data = filterset.form.cleaned_data if filterset.is_valid() else None
    if data is None:
        # An invalid filter shows nothing; there is nothing worth caching.
        return {"count": 0, "support": False, "html": ""}
    filters = {
        "area": sorted(data.get("area") or []),
        "role": data.get("role") or "",
        "person": data.get("person") or "",
        # The search ignores case, so "WiFi" and "wifi" share an entry.
        "q": (data.get("q") or "").strip().casefold(),
    }
    key = _cache_key("results", kind, unit.pk, unit.slug, filters, get_language(), version)
    results = cache.get(key)
    if results is None:
        matrix = queries.blueprint_matrix(unit=unit, items=filterset.items())
        context = {"matrix": matrix, "unit": unit}
        if kind == "grid":
            context["grid_areas"] = queries.grid_rows(matrix)
        else:
            _render_chips(matrix)
        template = f"registry/_{'grid' if kind == 'grid' else 'blueprint'}_matrix.html"
        results = {
            "count": matrix.count,
            "support": any(row.support for row in matrix.rows),
            # No request: no CSRF token, no user, nothing per person in the fragment.
            "html": render_to_string(template, context) if matrix.count else "",
        }
        cache.set(key, results, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return results


def _render_chips(matrix):
    """Give each row its chips as HTML, rendering every distinct chip once.

    A unit's ~300 chips are mostly the same few dozen people and roles
    again; one template render per chip was most of a cold page's cost.
    """
    template = get_template("_partials/chip.html")
    rendered = {}
    for row in matrix.rows:
        parts = []
        for chip in row.chips:
            key = (chip.url, chip.label, chip.description, chip.deputy, chip.colour)
            if key not in rendered:
                rendered[key] = template.render({"chip": chip})
            parts.append(rendered[key])
        row.chips_html = mark_safe("".join(parts))  # rendered by our own template


def _filtered(request, units, kind):
    """The context of the blueprint or grid page: unit, filter form, results."""
    unit = _chosen_unit(request, units)
    version = queries.data_version()
    reference = _reference(unit, version, request.user)
    filterset = _filter(request, unit, reference)
    results = _results(kind, unit, filterset, version)
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


def _controls_html(request, context):
    """The unit picker and the filter form, cached like the results.

    They depend on the units the user may see (their ids are in the key), the
    chosen unit, the GET parameters as typed, the language and the data; they
    are GET forms, so there is no CSRF token to keep out.
    """
    filters = {name: request.GET.getlist(name) for name in ("area", "role", "person", "q")}
    key = _cache_key(
        "controls",
        context["view_name"],
        [unit.pk for unit in context["units"]],
        context["unit"].pk,
        context["unit"].slug,
        filters,
        get_language(),
        context["version"],
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string("registry/_controls.html", context)
        cache.set(key, html, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return mark_safe(html)  # rendered by our own template


def _render_filtered(request, template, partial, context):
    if _is_htmx(request):
        context["htmx"] = True
        return render(request, partial, context)
    context["controls_html"] = _controls_html(request, context)
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
