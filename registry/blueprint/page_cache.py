"""The blueprint and grid pages' cache: fragments keyed by the data version.

The pages are cached in parts, keyed by the data version
(registry.data_version: one query, changes with every write), so a
change shows on the next request and no entry is ever invalidated by hand;
the TTL only bounds how long an entry of an old version takes up memory (or
answers, should a write ever bypass the history). Who may see which unit is
checked on every request before any lookup, and the unit's id and slug are
in every key. Nothing cached holds a CSRF token or anything of one user:
the fragments are rendered without the request.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from organisation.queries import own_person
from registry import queries
from registry.blueprint.queries import blueprint_matrix
from registry.data_version import cache_key
from registry.matrix import grid_rows, render_chips, support_kinds
from registry.models import Area, Item
from registry.search import item_search_ids


def filter_reference(unit, version, user):
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


def matrix_results(kind, unit, filterset, version):
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
                    unit_chips_key(unit, version),
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


def unit_chips_key(unit, version):
    return cache_key("unit-chips", unit.pk, unit.slug, get_language(), version)


def unit_chips(unit, version):
    """{item id: the item's chips at `unit` as HTML} for every item with someone responsible.

    The same chips as the poster, cached per unit, language and data version
    (the unfiltered poster fills the entry as it renders): the answer page
    reads its answers' responsible from here instead of the database.
    """
    key = unit_chips_key(unit, version)
    chips = cache.get(key)
    if chips is None:
        matrix = blueprint_matrix(unit=unit, items=Item.objects.select_related("column__area"))
        render_chips(matrix)
        chips = {row.item.pk: row.chips_html for row in matrix.rows if row.chips}
        cache.set(key, chips, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return chips


def controls_html(request, context):
    """The unit picker and the filter form, cached like the results.

    They depend on the units the user may see ("all", or their ids, is in the key), the
    chosen unit, the GET parameters as typed, the language and the data; they
    are GET forms, so there is no CSRF token to keep out.
    """
    filters = {name: request.GET.getlist(name) for name in ("area", "role", "person", "q")}
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
