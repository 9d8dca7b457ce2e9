"""The blueprint and grid pages' cache: fragments keyed by the data version.

The pages are cached in parts, keyed by the data version
(registry.queries.data_version: one query, changes with every write), so a
change shows on the next request and no entry is ever invalidated by hand;
the TTL only bounds how long an entry of an old version takes up memory (or
answers, should a write ever bypass the history). Who may see which unit is
checked on every request before any lookup, and the unit's id and slug are
in every key. Nothing cached holds a CSRF token or anything of one user:
the fragments are rendered without the request.
"""

import hashlib
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from organisation.models import ProblemKind, ServiceAgreement
from organisation.queries import own_person
from registry import coverage, coverage_store, queries, versions
from registry.models import Area, Item
from registry.search import item_search_ids
from registry.support import service_agreement_for, support_chain


def cache_key(*parts):
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"registry:{digest}"


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


def version_header(unit, version, *, known=None):
    """The version in force and, when the live register differs at `unit`, how much.

    Returns {"blueprint", "changes_since", "changes_unit"}. The changes at
    the unit (its own, the organisation-wide ones and the catalogue's) are
    counted once per data version and unit, not per request. `known` is a
    (version, changes since it at `unit` or more units) the caller has
    already worked out.
    """
    key = cache_key("version-header", unit.organisation_id, unit.pk, version)
    header = cache.get(key)
    if header is None:
        blueprint = versions.blueprint_in_force(unit.organisation_id)
        count = 0
        if known is not None and blueprint is not None and known[0].pk == blueprint.pk:
            count = len(known[1].filter(unit_ids={unit.pk}))
        elif blueprint is not None and blueprint.published_at:
            count = len(versions.version_diff(before=blueprint, unit_ids={unit.pk}))
        header = {"blueprint": blueprint, "changes_since": count, "changes_unit": unit}
        cache.set(key, header, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return header


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
        matrix = queries.blueprint_matrix(unit=unit, items=filterset.items())
        context = {"matrix": matrix, "unit": unit}
        if filterset.ordering == filterset.RELEVANCE:
            # Best first: one list on the poster and the grid alike.
            rank = {pk: position for position, pk in enumerate(item_search_ids(filters["q"]))}
            render_chips(matrix)
            context["ranked"] = sorted(matrix.rows, key=lambda row: rank.get(row.item.pk, 0))
            template = "registry/_ranked_matrix.html"
        elif kind == "grid":
            context["grid_areas"] = queries.grid_rows(matrix)
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
            "support": queries.support_kinds(row.item for row in matrix.rows),
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
        matrix = queries.blueprint_matrix(
            unit=unit, items=Item.objects.select_related("column__area")
        )
        render_chips(matrix)
        chips = {row.item.pk: row.chips_html for row in matrix.rows if row.chips}
        cache.set(key, chips, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return chips


def support_chains(unit, kinds, version):
    """[(problem title, steps), …] of registry.support for `kinds` at `unit`, each chain cached.

    Keyed by the data version and the huvudman's service agreement, read on
    every call (one query): the agreement keeps no history, so the data
    version does not see it change.
    """
    if not kinds:
        return []
    agreement = service_agreement_for(unit.organisation_id)
    terms = [getattr(agreement, f.attname) for f in ServiceAgreement._meta.concrete_fields]
    keys = {
        kind: cache_key("support-chain", unit.pk, unit.slug, kind, terms, get_language(), version)
        for kind in kinds
    }
    found = cache.get_many(list(keys.values()))
    chains = []
    for kind in kinds:
        steps = found.get(keys[kind])
        if steps is None:
            steps = support_chain(unit=unit, kind=kind, agreement=agreement)
            cache.set(keys[kind], steps, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
        chains.append((ProblemKind(kind).problem_title, steps))
    return chains


def render_chips(matrix):
    """Give each row its chips as HTML, rendering every distinct chip once.

    A unit's ~300 chips are mostly the same few dozen people and roles
    again; one template render per chip was most of a cold page's cost.
    """
    template = get_template("_partials/chip.html")
    rendered = {}
    for row in matrix.rows:
        parts = []
        for chip in row.chips:
            key = (
                chip.url,
                chip.label,
                chip.description,
                chip.deputy,
                chip.colour,
                chip.holder_key,
            )
            if key not in rendered:
                rendered[key] = template.render({"chip": chip})
            parts.append(rendered[key])
        row.chips_html = mark_safe("".join(parts))  # rendered by our own template


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


def coverage_summary(units):
    """The coverage report's counts per check over `units`, cached with the data version and
    the units covered.

    The counts come from the numbers registry.coverage_store keeps, brought
    up to date with what changed since they were last read (after one write,
    a unit or two); cached, every later view until the next write costs two
    queries: the version, and the ids of the units in scope unless that is
    every unit.
    """
    scope = (
        "all" if coverage.covers_every_unit(units) else sorted(units.values_list("pk", flat=True))
    )
    max_assignments = coverage.max_assignments_setting()
    key = cache_key("coverage-counts", scope, max_assignments, queries.data_version())
    counts = cache.get(key)
    if counts is None:
        counts = coverage_store.coverage_store_counts(units=units, max_assignments=max_assignments)
        cache.set(key, counts, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return counts
