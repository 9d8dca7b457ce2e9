"""The blueprint pages for principals: matrix, grid, person, role and item pages, export.

Every page reads through the one scoping call, `Model.objects.restrict(user)`
(organisation/permissions.py): units, people, versions and the catalogue. The
filtered pages render the whole page, or with htmx (the HX-Request header) only
the matrix partial; the server decides, never the client. Their parts are
cached by registry/page_cache.py.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from digiansvar.spreadsheet_writer import spreadsheet_response
from organisation.models import Person, ProblemKind, Unit
from organisation.queries import unit_scope
from registry import page_cache, queries, versions
from registry.blueprint_file.format import (
    HEADERS,
    SHEET_TITLE,
    blueprint_filename,
    blueprint_rows,
)
from registry.filters import BlueprintFilter
from registry.models import Area, Blueprint, Item, Role
from registry.search import item_answer, item_suggestions, unanswered_log

SESSION_UNIT = "registry_unit"
# The blueprint page offers these of digiansvar.spreadsheet_writer's formats.
EXPORT_FORMATS = ("xlsx", "csv")


# A user who sees up to this many units picks one from a list; beyond it (a
# national register: ~10,000) they search for it by name.
UNIT_LIST_LIMIT = 50
# The role page shows a role's rows at this many units a page (~50 rows a
# unit); the item page lists this many units a page (one line each).
ROLE_UNITS_PER_PAGE = 10
ITEM_UNITS_PER_PAGE = 50


class VisibleUnits:
    """The units a user may see, read no further than a page needs.

    `listed` holds them all when there are at most UNIT_LIST_LIMIT (one
    query); otherwise it is None and pages look units up by slug or page
    through them by name (the unit_name index), never reading all 10,000.
    `everything` is true for users who see every unit, so that their queries
    need no `unit IN (…)` list at all. With `organisation_id`, only the units
    of that huvudman (the version pages: a version is one huvudman's).
    """

    def __init__(self, user, organisation_id=None):
        self.queryset = Unit.objects.restrict(user)
        if organisation_id is not None:
            self.queryset = self.queryset.filter(organisation_id=organisation_id)
        self.sees_all = unit_scope(user).all_visible
        self.everything = self.sees_all and organisation_id is None
        first = list(self.queryset[: UNIT_LIST_LIMIT + 1])
        self.listed = first if len(first) <= UNIT_LIST_LIMIT else None
        self.first = first[0] if first else None
        self.many = self.listed is None

    def __bool__(self):
        return self.first is not None

    def get(self, slug):
        if self.listed is not None:
            return next((unit for unit in self.listed if unit.slug == slug), None)
        return self.queryset.filter(slug=slug).first()

    def scope(self):
        """What the reads take as `units`: every unit (None) or the listed ones."""
        return None if self.everything else self.listed or list(self.queryset)

    def ids(self):
        """The ids of these units; None when the user sees every unit (of the huvudman)."""
        if self.sees_all:
            return None
        return {unit.pk for unit in (self.listed or self.queryset.only("pk"))}

    def key(self):
        return "all" if self.everything else [unit.pk for unit in self.listed or self.queryset]


def _visible_units(request):
    return VisibleUnits(request.user)


def _no_units(request):
    # A user without any unit gets an explanation, never data.
    return render(request, "registry/no_units.html", status=403)


def _chosen_unit(request, units):
    """The unit in ?unit=, else the one chosen last time (session), else the first visible.

    A unit the user may not see answers 404, as if it did not exist.
    """
    slug = request.GET.get("unit")
    if slug:
        unit = units.get(slug)
        if unit is None:
            raise Http404(_("Enheten finns inte."))
    else:
        remembered = request.session.get(SESSION_UNIT)
        unit = (remembered and units.get(remembered)) or units.first
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
        **_version_header(request, units, unit, version),
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
    return page_cache.support_chains(unit, kinds, version)


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
        **_unit_matches(
            Unit.objects.restrict(request.user),
            q,
            lambda unit: f"{url}?{urlencode({'unit': unit.slug})}",
        ),
        "next": target,
    }
    if _is_htmx(request):
        return render(request, "registry/_unit_matches.html", context)
    return render(request, "registry/unit_search.html", context)


def _unit_matches(units, q, link):
    """The first UNIT_SEARCH_LIMIT of `units` whose name contains `q`, each with link(unit)."""
    matches, more = [], False
    if q:
        found = list(units.filter(name__icontains=q).only("slug", "name")[: UNIT_SEARCH_LIMIT + 1])
        more = len(found) > UNIT_SEARCH_LIMIT
        matches = [{"unit": unit, "url": link(unit)} for unit in found[:UNIT_SEARCH_LIMIT]]
    return {"q": q, "matches": matches, "more": more, "limit": UNIT_SEARCH_LIMIT}


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
            **_unit_matches(units.queryset, request.GET.get("sok", "").strip(), link),
            "everywhere": f"?{everywhere.urlencode()}",
        }
    }


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
        "areas": Area.objects.restrict(request.user),
        "roles": queries.roles_at(unit),
        "people": queries.people_at(unit),
    }
    filterset = _filter(request, unit, choices)
    # The name says what the file holds: the version in force, or changed since it.
    header = _version_header(request, units, unit)
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


def person_detail(request, initials):
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    person = _person_or_404(request, initials, units)
    scope = units.scope()
    assignments = queries.responsibilities(units=scope, person=person)
    appointments = queries.person_appointments(person=person, units=scope)
    return render(
        request,
        "registry/person_detail.html",
        _responsibility_context(
            request, units, assignments, person=person, appointments=appointments
        ),
    )


def _person_or_404(request, initials, units):
    # Initials are unique per huvudman; a user finds the people of their own
    # units, and their own record, never someone who only works at other
    # units or at another huvudman that has the same initials.
    own = getattr(request.user, "person", None)
    if own is not None and own.initials == initials:
        return own
    people = Person.objects.restrict(request.user).filter(initials=initials)
    if not units.everything:
        people = people & queries.people_visible(units.scope())
    person = people.order_by("pk").first()
    if person is None:
        raise Http404(_("Personen finns inte."))
    return person


def role_detail(request, code):
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    role = get_object_or_404(Role.objects.restrict(request.user), code=code)
    unit_page = _unit_page(request, units, ROLE_UNITS_PER_PAGE)
    page_units = list(unit_page.object_list)
    assignments = queries.responsibilities(
        units=page_units, role=role, organisation_wide=unit_page.number == 1
    )
    holders = None
    if role.kind == Role.Kind.INDIVIDUAL:
        held = queries.role_holders(units=page_units, roles=[role])
        holders = [(unit, held.get((unit.pk, role.pk), [])) for unit in page_units]
    return render(
        request,
        "registry/role_detail.html",
        _responsibility_context(
            request,
            units,
            assignments,
            role=role,
            unit_page=unit_page,
            holders=holders,
            reach=queries.role_reach(role),
        ),
    )


def _unit_page(request, units, per_page):
    """The page of visible units (by name) that the role or item page shows."""
    listing = units.listed or units.queryset.only("pk", "name", "organisation_id")
    paginator = Paginator(listing, per_page)
    return paginator.get_page(request.GET.get("sida"))


def _responsibility_context(request, units, assignments, **extra):
    assignments = list(assignments)
    return {
        **_version_header(request, units),
        "units": units,
        "show_unit": units.many or len(units.listed) > 1,
        "groups": queries.responsibilities_grouped(assignments),
        "total": len(assignments),
        **extra,
    }


def item_detail(request, pk):
    user = request.user
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    item = get_object_or_404(Item.objects.restrict(user).select_related("column__area"), pk=pk)
    unit_page = _unit_page(request, units, ITEM_UNITS_PER_PAGE)
    page_units = list(unit_page.object_list)
    assignments = (
        queries.assignments_at(page_units, organisation_wide=unit_page.number == 1)
        .filter(item=item)
        .select_related("role", "person")
        .order_by("order", "pk")
    )
    links = {}
    chips = [queries.Chip(assignment, links) for assignment in assignments]
    # As on the poster: a role-only chip of an individual role names who holds
    # the role at its unit, and the legend says whom the other roles mean.
    queries.holders_attach(chips, units=page_units)
    by_unit, roles = {}, {}
    for chip in chips:
        by_unit.setdefault(chip.assignment.unit_id, []).append(chip)
        if chip.role:
            roles[chip.role.pk] = chip.role
    return render(
        request,
        "registry/item_detail.html",
        {
            **_version_header(request, units),
            "item": item,
            # Organisation-wide assignments (unit None) first: they hold at every unit.
            "organisation_wide": by_unit.pop(None, []),
            "per_unit": [(unit, by_unit.get(unit.pk, [])) for unit in page_units],
            "unit_page": unit_page,
            "legend": queries.legend(sorted(roles.values(), key=lambda r: (r.order, r.code))),
            "can_see_history": user.has_perm("registry.view_item")
            or user.has_perm("registry.change_item"),
        },
    )


# Versions: the header, the list, each version's poster and what changed ------


def _version_header(request, units, unit=None, data_version=None, known=None):
    """The version in force and how many changes since it at the unit in view (page_cache).

    The unit in view is `unit`, else the one chosen last (session), else the
    first the user sees.
    """
    if unit is None:
        slug = request.session.get(SESSION_UNIT)
        unit = units.get(slug) or units.first
    if data_version is None:
        data_version = queries.data_version()
    return page_cache.version_header(unit, data_version, known=known)


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
    units = _visible_units(request)
    if not units:
        return _no_units(request)
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
            **_version_header(request, units),
            "blueprints": versions.with_previous(blueprints),
            "can_publish": versions.can_publish(request.user),
        },
    )


def version_detail(request, pk):
    """A version's poster at one unit as it was published; printable like the live one."""
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    blueprint = _visible_blueprint(request, pk)
    own_units = VisibleUnits(request.user, organisation_id=blueprint.organisation_id)
    unit = _chosen_unit(request, own_units)
    snapshot = versions.blueprint_snapshot(blueprint, {unit.pk})
    matrix = None
    if snapshot:
        live_items = set(Item.objects.restrict(request.user).values_list("pk", flat=True))
        matrix = versions.snapshot_matrix(snapshot, unit_id=unit.pk, live_item_ids=live_items)
        page_cache.render_chips(matrix)
    return render(
        request,
        "registry/version_detail.html",
        {
            **_version_header(request, units, unit),
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
    units = _visible_units(request)
    if not units:
        return _no_units(request)
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
            **_version_header(request, own_units, unit, known=known),
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


SEARCH_MAX_LENGTH = 200


def search(request):
    """ "Vem ansvarar för …?": the best items for the question, with who is responsible at the unit.

    The unit is the one chosen on the blueprint pages (or ?unit=), else the
    user's first. A support matter among the answers, or no answer at all,
    also gives the unit's support chain; no answer suggests the closest items.
    """
    units = _visible_units(request)
    if not units:
        return _no_units(request)
    unit = _chosen_unit(request, units)
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
    version = queries.data_version()
    chips = page_cache.unit_chips(unit, version) if hits else {}
    answers = [{"item": hit.item, "chips_html": chips.get(hit.item.pk, "")} for hit in hits]
    suggestions = [] if hits or not text else [hit.item for hit in item_suggestions(text)]
    # The support matters among the answers, best first; no answer at all:
    # the chain for technical problems, the commonest reason to ask.
    kinds = queries.support_kinds(hit.item for hit in hits) if hits else [ProblemKind.TECHNOLOGY]
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
            "support_chains": page_cache.support_chains(unit, kinds, version) if text else [],
        },
    )
