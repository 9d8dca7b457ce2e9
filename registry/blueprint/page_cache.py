"""The blueprint and grid pages' cache: fragments keyed by the unit's data version.

The pages are cached in parts, keyed by the data version of what they read
(registry.data_version.unit_data_version: the unit, its huvudman, the
catalogue; one query, changes with every write there and only there), so a
change shows on the next request, a write at another unit leaves the entries
in place, and no entry is ever invalidated by hand;
the TTL only bounds how long an entry of an old version takes up memory (or
answers, should a write ever bypass the history). Who may see which unit is
checked on every request before any lookup, and the unit's id and slug are
in every key. Nothing cached holds a CSRF token or anything of one user:
the fragments are rendered without the request.

`blueprint_page` (poster and grid) and `answer_page` are the pages' one
entry each: the view hands one the request's parameters and the unit, and
renders what it returns; the parts below them are private.
"""

from dataclasses import replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from organisation.models import ProblemKind
from organisation.queries import own_person
from registry.blueprint.catalogue import catalogue_at, catalogue_clear
from registry.blueprint.filters import BlueprintFilter
from registry.blueprint.queries import blueprint_matrix, unit_responsible
from registry.data_version import cache_key, scope_versions, unit_scopes
from registry.matrix import (
    AreaBlock,
    ColumnBlock,
    Matrix,
    grid_rows,
    render_chips,
    rendered_chips_clear,
    support_kinds,
)
from registry.search import item_answer, item_search_ids, item_suggestions
from registry.support.chain import support_chains
from registry.versions.header import version_header
from registry.versions.snapshot import snapshot_of


def blueprint_page(*, data, user, units, unit, kind, view_name, controls=True, versions=None):
    """The context of the poster (`kind` "poster") or the grid ("grid") at `unit`.

    `data` is the request's GET parameters (the filters), `view_name` the
    page's URL name (its links and forms lead back to it). Without
    `controls` (an htmx request: the results only) the unit picker and
    filter form are left out. Reads the data versions once (unless given, as
    `page_versions` returns them), then the cached parts: the filters'
    choices, the results, the header, the controls.
    """
    if versions is None:
        versions = page_versions(unit, user)
    version = versions["unit"]
    catalogue = catalogue_at(versions["catalogue"])
    reads = _UnitReads(unit, catalogue)
    reference = _filter_reference(unit, version, user, versions["user"], reads)
    filterset = BlueprintFilter(
        data,
        unit=unit,
        areas=catalogue.areas,
        roles=reference["roles"],
        people=reference["people"],
    )
    results = _matrix_results(kind, unit, filterset, version, reads)
    searched = filterset.is_valid() and bool((filterset.form.cleaned_data.get("q") or "").strip())
    context = {
        **version_header(unit, version, live=reads.snapshot, in_force_version=versions["huvudman"]),
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
        context["controls_html"] = _controls_html(data, context, versions["units"])
    return context


def page_versions(unit, user):
    """{"unit", "huvudman", "catalogue", "units", "user"}: the data versions of what a
    blueprint page at `unit` reads (the unit, its huvudman, the catalogue), of its huvudman
    and the catalogue (what the version in force follows), of the catalogue alone, of the
    unit picker's list and of the user's own person; one query."""
    user_scope = f"user:{user.pk}"
    scopes = unit_scopes(unit)  # the unit's, its huvudman's, the catalogue's
    found = scope_versions([*scopes, "units", user_scope])
    return {
        "unit": ":".join(found[scope] for scope in scopes),
        "huvudman": ":".join(found[scope] for scope in scopes[1:]),
        "catalogue": found["all"],
        "units": found["units"],
        "user": found[user_scope],
    }


class _UnitReads:
    """What a page of one unit reads on a miss, each at most once a request: the catalogue
    (given, kept by its version) and who is responsible at the unit (two queries), which
    also give the header's live side of the comparison with the version in force."""

    def __init__(self, unit, catalogue):
        self.unit = unit
        self.catalogue = catalogue

    @cached_property
    def responsible(self):
        return unit_responsible(unit=self.unit, roles=self.catalogue.roles)

    def snapshot(self):
        """The unit's live register in a version's form, for the header's count of changes
        since the version in force: from these reads, not read again."""
        return snapshot_of(
            areas=self.catalogue.areas,
            items=self.catalogue.items,
            roles=self.catalogue.roles.values(),
            unit=self.unit,
            people=self.responsible.people,
            entries=self.responsible.entries,
        )


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


def _filter_reference(unit, version, user, user_version, reads):
    """The role and person filters' choices and the user's person, cached with the version.

    Returns {"roles", "people"} (the roles and people named at the unit; the
    areas are the catalogue's) and gives request.user its person (or none),
    so the header's "Mina ansvarsområden" asks the database nothing. The
    version label is `version_header`'s.
    """
    timeout = settings.DIGIANSVAR_PAGE_CACHE_SECONDS
    reference_key = cache_key("reference", unit.pk, unit.slug, version)
    person_key = cache_key("person", user.pk, user_version)
    found = cache.get_many([reference_key, person_key])
    reference = found.get(reference_key)
    if reference is None:
        responsible = reads.responsible
        reference = {"roles": responsible.roles, "people": responsible.people}
        cache.set(reference_key, reference, timeout)
    if person_key in found:
        person = found[person_key]
    else:
        person = own_person(user)
        cache.set(person_key, person, timeout)
    get_user_model().person.related.set_cached_value(user, person)
    return reference


def _matrix_results(kind, unit, filterset, version, reads):
    """The count, the kinds of support matter that matched, and the HTML of the poster or grid.

    Cached per unit, normalised filters, language and data version; built
    on a miss from the catalogue and who is responsible at the unit (`reads`),
    a filter applied to those without a query.
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
        items = reads.catalogue.items
        if filterset.is_filtered:
            items = filterset.among(items, reads.responsible.entries)
        matrix = blueprint_matrix(unit=unit, items=items, responsible=reads.responsible)
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
            template = None  # _poster_html
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
            "html": (
                ""
                if not matrix.count
                else render_to_string(template, context)
                if template
                else _poster_html(matrix, reads.catalogue, whole=not filterset.is_filtered)
            ),
        }
        cache.set(key, results, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return results


# The whole poster's HTML around its items' responsible and its legend, by catalogue version,
# language and the items' links: the same at every unit (registry/_blueprint_matrix.html).
_skeletons = {}
_STAND_IN = "\x00"


def _poster_html(matrix, catalogue, *, whole):
    """registry/_blueprint_matrix.html of `matrix` (its chips rendered: render_chips).

    The whole poster (`whole`: every item of `catalogue`) is filled into the
    template as rendered once for this catalogue version and language, with
    stand-ins for each row's responsible and the legend; a filtered one is
    rendered.
    """
    if not whole:
        return render_to_string("registry/_blueprint_matrix.html", {"matrix": matrix})
    rows = matrix.rows
    key = (catalogue.key, get_language(), rows[0].url if rows else "")
    parts = _skeletons.get(key)
    if parts is None:
        parts = _skeleton(matrix)
        if parts is None:  # a stand-in's character in the catalogue's own text
            return render_to_string("registry/_blueprint_matrix.html", {"matrix": matrix})
        if len(_skeletons) > 8:  # catalogue versions and languages gone by
            _skeletons.clear()
        _skeletons[key] = parts
    fill = [row.responsible_html for row in rows] + [matrix.legend_html]
    # parts: text, slot, text, slot, …, text; a slot is a row's index, the last the legend's.
    return "".join(fill[part] if n % 2 else part for n, part in enumerate(parts))


def _skeleton(matrix):
    rows = matrix.rows
    marks = [mark_safe(f"{_STAND_IN}{n}{_STAND_IN}") for n in range(len(rows) + 1)]
    stand_in = Matrix(
        areas=[
            AreaBlock(
                block.area,
                [
                    ColumnBlock(
                        column.column,
                        [replace(row, responsible_html=None) for row in column.rows],
                    )
                    for column in block.columns
                ],
            )
            for block in matrix.areas
        ],
        roles=[],
        has_person_only=False,
        legend_html=marks[-1],
    )
    for row, mark in zip(stand_in.rows, marks, strict=False):
        row.responsible_html = mark
    html = render_to_string("registry/_blueprint_matrix.html", {"matrix": stand_in})
    parts = html.split(_STAND_IN)
    if len(parts) != 2 * len(marks) + 1:
        return None
    return tuple(int(part) if n % 2 else part for n, part in enumerate(parts))


def kept_clear():
    """Forget what this process keeps besides the cache (the catalogue, the poster's skeleton,
    rendered chips and legends): tests, to render from scratch."""
    catalogue_clear()
    _skeletons.clear()
    rendered_chips_clear()


def _unit_chips_key(unit, version):
    return cache_key("unit-chips", unit.pk, unit.slug, get_language(), version)


def _unit_chips(unit, version, catalogue_version):
    """{item id: the item's chips at `unit` as HTML} for every item with someone responsible.

    The same chips as the poster, cached per unit, language and data version
    (the unfiltered poster fills the entry as it renders): the answer page
    reads its answers' responsible from here instead of the database.
    """
    key = _unit_chips_key(unit, version)
    chips = cache.get(key)
    if chips is None:
        reads = _UnitReads(unit, catalogue_at(catalogue_version))
        matrix = blueprint_matrix(
            unit=unit, items=reads.catalogue.items, responsible=reads.responsible
        )
        render_chips(matrix)
        chips = {row.item.pk: row.chips_html for row in matrix.rows if row.chips}
        cache.set(key, chips, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return chips


def _controls_html(data, context, units_version):
    """The unit picker and the filter form, cached by what they show.

    They depend on the units the user may see ("all", or their ids, is in the key), the
    chosen unit, the GET parameters as typed, the language and the filters' choices (the
    areas, and the roles and people named at the unit): not on the unit's data version, so
    a write at the unit that names no new role or person leaves them cached. They are GET
    forms, so there is no CSRF token to keep out.
    """
    filters = {name: data.getlist(name) for name in ("area", "role", "person", "q")}
    choices = {
        name: field.extra["choices"]
        for name, field in context["filter"].filters.items()
        if "choices" in field.extra
    }
    key = cache_key(
        "controls",
        context["view_name"],
        context["units"].key(),
        context["unit"].pk,
        context["unit"].slug,
        filters,
        get_language(),
        choices,
        units_version,  # the picker lists the units by name
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
    found = scope_versions(unit_scopes(unit))
    version = ":".join(found.values())  # as unit_data_version(unit)
    chips = _unit_chips(unit, version, found["all"]) if hits else {}
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
