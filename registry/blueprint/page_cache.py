"""The blueprint and grid pages' cache: fragments keyed by the data version.

The pages are cached in parts, keyed by the data version
(registry.data_version: one query, changes with every write), so a
change shows on the next request and no entry is ever invalidated by hand;
the TTL only bounds how long an entry of an old version takes up memory (or
answers, should a write ever bypass the history). Who may see which unit is
checked on every request before any lookup, and the unit's id and slug are
in every key. Nothing cached holds a CSRF token or anything of one user:
the fragments are rendered without the request.

`blueprint_page` (poster and grid) and `answer_page` are the pages' one
entry each: the view hands one the request's parameters and the unit, and
renders what it returns; the parts below them are private.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisation.models import ProblemKind
from organisation.queries import own_person
from registry import queries
from registry.blueprint.filters import BlueprintFilter
from registry.blueprint.queries import blueprint_matrix
from registry.data_version import cache_key, data_version
from registry.matrix import grid_rows, render_chips, support_kinds
from registry.models import Area, Item
from registry.search import item_answer, item_search_ids, item_suggestions
from registry.support.chain import support_chains
from registry.versions.header import version_header


def blueprint_page(*, data, user, units, unit, kind, view_name, controls=True):
    """The context of the poster (`kind` "poster") or the grid ("grid") at `unit`.

    `data` is the request's GET parameters (the filters), `view_name` the
    page's URL name (its links and forms lead back to it). Without
    `controls` (an htmx request: the results only) the unit picker and
    filter form are left out. Reads the data version once, then the cached
    parts: the filters' choices, the results, the header, the controls.
    """
    version = data_version()
    reference = _filter_reference(unit, version, user)
    filterset = BlueprintFilter(
        data,
        unit=unit,
        areas=reference["areas"],
        roles=reference["roles"],
        people=reference["people"],
    )
    results = _matrix_results(kind, unit, filterset, version)
    searched = filterset.is_valid() and bool((filterset.form.cleaned_data.get("q") or "").strip())
    context = {
        **version_header(unit, version),
        "units": units,
        "unit": unit,
        "filter": filterset,
        "count": results["count"],
        "matrix_html": mark_safe(results["html"]),  # rendered by our own template
        "query": _page_query(data, unit),
        # The unit's support chains for the kinds of support matter a search found.
        "support_chains": support_chains(unit, results["support"], version) if searched else [],
        "version": version,
        "orderings": _orderings(data, filterset, unit) if searched else [],
        "view_name": view_name,
    }
    if controls:
        context["controls_html"] = _controls_html(data, context)
    return context


def _page_query(data, unit, **changes):
    """The page's parameters as a query string, at `unit`, without ?format= (the export's)."""
    query = data.copy()
    for name in ("format", *changes):
        query.pop(name, None)
    query["unit"] = unit.slug
    query.update({name: value for name, value in changes.items() if value})
    return query.urlencode()


def _orderings(data, filterset, unit):
    """With a search: [(label, query string, chosen)] of the two orders its matches can take."""
    labels = (("", _("Som på affischen")), (filterset.RELEVANCE, _("Bäst träff först")))
    return [
        (label, _page_query(data, unit, ordning=value), filterset.ordering == value)
        for value, label in labels
    ]


def _filter_reference(unit, version, user):
    """The filters' choices and the user's person, cached with the version.

    Returns {"areas", "roles", "people"} and gives request.user its person
    (or none), so the header's "Mina ansvarsområden" asks the database
    nothing. The version label is `version_header`'s.
    """
    timeout = settings.DIGIANSVAR_PAGE_CACHE_SECONDS
    reference_key = cache_key("reference", unit.pk, unit.slug, version)
    person_key = cache_key("person", user.pk, version)
    found = cache.get_many([reference_key, person_key])
    reference = found.get(reference_key)
    if reference is None:
        reference = {
            "areas": list(Area.objects.all()),
            "roles": list(queries.roles_at(unit)),
            "people": list(queries.people_at(unit)),
        }
        cache.set(reference_key, reference, timeout)
    if person_key in found:
        person = found[person_key]
    else:
        person = own_person(user)
        cache.set(person_key, person, timeout)
    get_user_model().person.related.set_cached_value(user, person)
    return reference


def _matrix_results(kind, unit, filterset, version):
    """The count, the kinds of support matter that matched, and the HTML of the poster or grid.

    Cached per unit, normalised filters, language and data version; built
    from the matrix (two queries) on a miss.
    """
    data = filterset.form.cleaned_data if filterset.is_valid() else None
    if data is None:
        # An invalid filter shows nothing; there is nothing worth caching.
        return {"count": 0, "support": [], "html": ""}
    filters = {
        "area": sorted(data.get("area") or []),
        "role": data.get("role") or "",
        "person": data.get("person") or "",
        # The search ignores case, so "WiFi" and "wifi" share an entry.
        "q": (data.get("q") or "").strip().casefold(),
        "ordning": filterset.ordering,
    }
    key = cache_key("results", kind, unit.pk, unit.slug, filters, get_language(), version)
    results = cache.get(key)
    if results is None:
        matrix = blueprint_matrix(unit=unit, items=filterset.items())
        context = {"matrix": matrix, "unit": unit}
        if filterset.ordering == filterset.RELEVANCE:
            # Best first: one list on the poster and the grid alike.
            rank = {pk: position for position, pk in enumerate(item_search_ids(filters["q"]))}
            render_chips(matrix)
            context["ranked"] = sorted(matrix.rows, key=lambda row: rank.get(row.item.pk, 0))
            template = "registry/_ranked_matrix.html"
        elif kind == "grid":
            context["grid_areas"] = grid_rows(matrix)
            template = "registry/_grid_matrix.html"
        else:
            render_chips(matrix)
            template = "registry/_blueprint_matrix.html"
            if not filterset.is_filtered:
                # The whole poster: the answer page takes its chips from here.
                cache.set(
                    _unit_chips_key(unit, version),
                    {row.item.pk: row.chips_html for row in matrix.rows if row.chips},
                    settings.DIGIANSVAR_PAGE_CACHE_SECONDS,
                )
        results = {
            "count": matrix.count,
            "support": support_kinds(row.item for row in matrix.rows),
            # No request: no CSRF token, no user, nothing per person in the fragment.
            "html": render_to_string(template, context) if matrix.count else "",
        }
        cache.set(key, results, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return results


def _unit_chips_key(unit, version):
    return cache_key("unit-chips", unit.pk, unit.slug, get_language(), version)


def _unit_chips(unit, version):
    """{item id: the item's chips at `unit` as HTML} for every item with someone responsible.

    The same chips as the poster, cached per unit, language and data version
    (the unfiltered poster fills the entry as it renders): the answer page
    reads its answers' responsible from here instead of the database.
    """
    key = _unit_chips_key(unit, version)
    chips = cache.get(key)
    if chips is None:
        matrix = blueprint_matrix(unit=unit, items=Item.objects.select_related("column__area"))
        render_chips(matrix)
        chips = {row.item.pk: row.chips_html for row in matrix.rows if row.chips}
        cache.set(key, chips, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return chips


def _controls_html(data, context):
    """The unit picker and the filter form, cached like the results.

    They depend on the units the user may see ("all", or their ids, is in the key), the
    chosen unit, the GET parameters as typed, the language and the data; they
    are GET forms, so there is no CSRF token to keep out.
    """
    filters = {name: data.getlist(name) for name in ("area", "role", "person", "q")}
    key = cache_key(
        "controls",
        context["view_name"],
        context["units"].key(),
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


def answer_page(*, text, exact, unit):
    """The answer page's context: the best items for `text`, with who is responsible at `unit`.

    Who is responsible and the support chain come from this cache (by data
    version, so a write shows at once); the search is the one new read. A
    support matter among the answers, or no answer at all, also gives the
    unit's support chain; no answer suggests the closest items. "unanswered"
    is true when a question found nothing (the view counts it).
    """
    # ?exakt=1: the words as typed, no typing error corrected (the link under a correction).
    answer = item_answer(text, correct=not exact) if text else None
    hits = answer.hits if answer else []
    version = data_version()
    chips = _unit_chips(unit, version) if hits else {}
    # The support matters among the answers, best first; no answer at all:
    # the chain for technical problems, the commonest reason to ask.
    kinds = support_kinds(hit.item for hit in hits) if hits else [ProblemKind.TECHNOLOGY]
    return {
        "q": text,
        "unanswered": bool(answer) and not hits,
        "corrected": answer.corrected_text if answer and answer.corrections and hits else "",
        "exact_url": f"{reverse('registry:search')}?{urlencode({'q': text, 'exakt': 1})}",
        "answers": [{"item": hit.item, "chips_html": chips.get(hit.item.pk, "")} for hit in hits],
        "suggestions": [] if hits or not text else [hit.item for hit in item_suggestions(text)],
        "support_chains": support_chains(unit, kinds, version) if text else [],
    }
