"""Which unit a page is about: the units a user may see, read no further than a page needs, the
one chosen (?unit=, else the last one, else the first), and the search that finds one among
thousands."""

from django.http import Http404
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from organisation.models import Unit
from organisation.queries import UNIT_LIST_LIMIT, unit_scope

SESSION_UNIT = "registry_unit"


class VisibleUnits:
    """The units a user may see, read no further than a page needs.

    `listed` holds them all when there are at most UNIT_LIST_LIMIT (one
    query); otherwise it is None and pages look units up by slug or page
    through them by name (the unit_name index), never reading all 10,000.
    `everything` is true for users who see every unit, so that their queries
    need no `unit IN (…)` list at all. With `organisation_id`, only the units
    of that huvudman (the version pages: a version is one huvudman's).

    Nothing is read until a page asks. For a user who sees every unit, the
    unit the page names (`wanted`: ?unit=, else the one chosen last) is looked
    up by its slug alone: the first page of units is read only when the page
    lists them or falls back to the first.
    """

    def __init__(self, user, organisation_id=None, wanted=None):
        self.queryset = Unit.objects.restrict(user)
        if organisation_id is not None:
            self.queryset = self.queryset.filter(organisation_id=organisation_id)
        self.sees_all = unit_scope(user).all_visible
        self.everything = self.sees_all and organisation_id is None
        self.wanted = wanted
        self._found = {}

    @cached_property
    def _first_page(self):
        return list(self.queryset[: UNIT_LIST_LIMIT + 1])

    @property
    def listed(self):
        first = self._first_page
        return first if len(first) <= UNIT_LIST_LIMIT else None

    @property
    def first(self):
        return self._first_page[0] if self._first_page else None

    @property
    def many(self):
        return self.listed is None

    def __bool__(self):
        if self.everything and self.wanted and self.get(self.wanted) is not None:
            return True
        return self.first is not None

    def get(self, slug):
        # In the list when it is read anyway (a user of a few units, or no unit wanted); else
        # by slug, once a request however many parts ask.
        read = not (self.everything and self.wanted) or "_first_page" in self.__dict__
        if read and self.listed is not None:
            return next((unit for unit in self.listed if unit.slug == slug), None)
        if slug not in self._found:
            self._found[slug] = self.queryset.filter(slug=slug).first()
        return self._found[slug]

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


def visible_units(request, *, by_slug=False):
    """The units request.user may see. `by_slug`: for a page whose list of units is kept with
    its controls (the blueprint page), the unit the request names is looked up by its slug
    before any list is read (VisibleUnits.wanted)."""
    wanted = (request.GET.get("unit") or request.session.get(SESSION_UNIT)) if by_slug else None
    return VisibleUnits(request.user, wanted=wanted)


def no_units(request):
    # A user without any unit gets an explanation, never data.
    return render(request, "registry/no_units.html", status=403)


def chosen_unit(request, units):
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


UNIT_SEARCH_LIMIT = 20


def unit_matches(units, q, link):
    """The first UNIT_SEARCH_LIMIT of `units` whose name contains `q`, each with link(unit)."""
    matches, more = [], False
    if q:
        found = list(units.filter(name__icontains=q).only("slug", "name")[: UNIT_SEARCH_LIMIT + 1])
        more = len(found) > UNIT_SEARCH_LIMIT
        matches = [{"unit": unit, "url": link(unit)} for unit in found[:UNIT_SEARCH_LIMIT]]
    return {"q": q, "matches": matches, "more": more, "limit": UNIT_SEARCH_LIMIT}
