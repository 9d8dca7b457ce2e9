"""The blueprint pages for principals: matrix, grid, person, role and item pages, export.

Every page reads through the one scoping call, `Model.objects.restrict(user)`
(organisation/permissions.py): units, people, versions and the catalogue. The
filtered pages render the whole page, or with htmx (the HX-Request header) only
the matrix partial; the server decides, never the client. Their parts are
cached by registry/blueprint/page_cache.py.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from digiansvar.spreadsheet_writer import spreadsheet_response
from organisation.models import ProblemKind, Unit
from registry import queries
from registry.blueprint import page_cache
from registry.blueprint.filters import BlueprintFilter
from registry.blueprint_file.format import (
    HEADERS,
    SHEET_TITLE,
    blueprint_filename,
    blueprint_rows,
)
from registry.data_version import data_version
from registry.matrix import support_kinds
from registry.models import Area
from registry.search import item_answer, item_suggestions, unanswered_log
from registry.support.chain import support_chains
from registry.unit_picker import (
    chosen_unit,
    no_units,
    unit_matches,
    visible_units,
)
from registry.versions.header import page_version_header

EXPORT_FORMATS = ("xlsx", "csv")


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
    unit = chosen_unit(request, units)
    version = data_version()
    reference = page_cache.filter_reference(unit, version, request.user)
    filterset = _filter(request, unit, reference)
    results = page_cache.matrix_results(kind, unit, filterset, version)
    query = request.GET.copy()
    query.pop("format", None)
    query["unit"] = unit.slug
    return {
        **page_version_header(request, units, unit, version),
        "units": units,
        "unit": unit,
        "filter": filterset,
        "count": results["count"],
        "matrix_html": mark_safe(results["html"]),  # rendered by our own template
        "query": query.urlencode(),
        "support_chains": _support_chains(filterset, results["support"], unit, version),
        "version": version,
        "orderings": _orderings(request, filterset, unit),
    }


def _support_chains(filterset, kinds, unit, version):
    """The unit's support chains for the kinds of support matter a search found."""
    if not filterset.is_valid() or not filterset.form.cleaned_data.get("q"):
        return []
    return support_chains(unit, kinds, version)


def _orderings(request, filterset, unit):
    """With a search: [(label, query string, chosen)] of the two orders its matches can take."""
    if not filterset.is_valid() or not (filterset.form.cleaned_data.get("q") or "").strip():
        return []
    choices = []
    labels = (("", _("Som på affischen")), (filterset.RELEVANCE, _("Bäst träff först")))
    for value, label in labels:
        query = request.GET.copy()
        query.pop("format", None)
        query.pop("ordning", None)
        query["unit"] = unit.slug
        if value:
            query["ordning"] = value
        choices.append((label, query.urlencode(), filterset.ordering == value))
    return choices


def _render_filtered(request, template, partial, context):
    if _is_htmx(request):
        context["htmx"] = True
        return render(request, partial, context)
    context["controls_html"] = page_cache.controls_html(request, context)
    return render(request, template, context)


@vary_on_headers("HX-Request")
def blueprint(request):
    units = visible_units(request)
    if not units:
        return no_units(request)
    context = _filtered(request, units, "poster")
    context["view_name"] = "registry:blueprint"
    return _render_filtered(
        request, "registry/blueprint.html", "registry/_blueprint_results.html", context
    )


@vary_on_headers("HX-Request")
def blueprint_grid(request):
    units = visible_units(request)
    if not units:
        return no_units(request)
    context = _filtered(request, units, "grid")
    context["view_name"] = "registry:blueprint_grid"
    return _render_filtered(
        request, "registry/blueprint_grid.html", "registry/_grid_results.html", context
    )


UNIT_SEARCH_LIMIT = 20
# The pages a unit search leads back to; never a URL from the request.
UNIT_SEARCH_TARGETS = ("registry:blueprint", "registry:blueprint_grid")


@vary_on_headers("HX-Request")
def unit_search(request):
    """Visible units whose name contains ?q=, as links to the blueprint (or grid) at each.

    The unit picker of users who see many units. With htmx only the matches
    are rendered (the list under the search field).
    """
    target = request.GET.get("next")
    if target not in UNIT_SEARCH_TARGETS:
        target = UNIT_SEARCH_TARGETS[0]
    q = request.GET.get("q", "").strip()
    url = reverse(target)
    context = {
        **unit_matches(
            Unit.objects.restrict(request.user),
            q,
            lambda unit: f"{url}?{urlencode({'unit': unit.slug})}",
        ),
        "next": target,
    }
    if _is_htmx(request):
        return render(request, "registry/_unit_matches.html", context)
    return render(request, "registry/unit_search.html", context)


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


def blueprint_export(request):
    """The filtered blueprint of the chosen unit as xlsx or csv (registry.blueprint_file)."""
    file_format = request.GET.get("format", "xlsx")
    if file_format not in EXPORT_FORMATS:
        raise Http404(_("Okänt filformat."))
    units = visible_units(request)
    if not units:
        return no_units(request)
    unit = chosen_unit(request, units)
    choices = {
        "areas": Area.objects.restrict(request.user),
        "roles": queries.roles_at(unit),
        "people": queries.people_at(unit),
    }
    filterset = _filter(request, unit, choices)
    # The name says what the file holds: the version in force, or changed since it.
    header = page_version_header(request, units, unit)
    version = header["blueprint"].version if header["blueprint"] else ""
    # csv as Excel in Swedish locale reads it: `;`-separated with a byte-order mark.
    return spreadsheet_response(
        blueprint_rows(units=[unit], items=filterset.items()),
        headers=HEADERS,
        file_format=file_format,
        filename=blueprint_filename(
            unit.slug, version=version, changed=bool(header["changes_since"])
        ),
        title=SHEET_TITLE,
    )


SEARCH_MAX_LENGTH = 200


def search(request):
    """ "Vem ansvarar för …?": the best items for the question, with who is responsible at the unit.

    The unit is the one chosen on the blueprint pages (or ?unit=), else the
    user's first. A support matter among the answers, or no answer at all,
    also gives the unit's support chain; no answer suggests the closest items.
    """
    units = visible_units(request)
    if not units:
        return no_units(request)
    unit = chosen_unit(request, units)
    text = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    # ?exakt=1: the words as typed, no typing error corrected (the link under a correction).
    exact = request.GET.get("exakt") == "1"
    answer = item_answer(text, correct=not exact) if text else None
    hits = answer.hits if answer else []
    if answer and not hits:
        # The words only, never who asked: the administrator's list of the
        # week's unanswered questions (admin). A count, not a change to the register.
        unanswered_log(text)
    # Who is responsible and the support chain come from the page cache (by
    # data version, so a write shows at once); the search is the one new read.
    version = data_version()
    chips = page_cache.unit_chips(unit, version) if hits else {}
    answers = [{"item": hit.item, "chips_html": chips.get(hit.item.pk, "")} for hit in hits]
    suggestions = [] if hits or not text else [hit.item for hit in item_suggestions(text)]
    # The support matters among the answers, best first; no answer at all:
    # the chain for technical problems, the commonest reason to ask.
    kinds = support_kinds(hit.item for hit in hits) if hits else [ProblemKind.TECHNOLOGY]
    return render(
        request,
        "registry/search.html",
        {
            "units": units,
            "unit": unit,
            "q": text,
            "corrected": answer.corrected_text if answer and answer.corrections and hits else "",
            "exact_url": f"{reverse('registry:search')}?{urlencode({'q': text, 'exakt': 1})}",
            "answers": answers,
            "suggestions": suggestions,
            "support_chains": support_chains(unit, kinds, version) if text else [],
        },
    )
