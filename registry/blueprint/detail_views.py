"""The register seen from one person, role, item, unit or huvudman.

Every page reads through the one scoping call, `Model.objects.restrict(user)`.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from organisation.models import (
    Organisation,
    Person,
    Position,
    ProblemKind,
    Unit,
)
from organisation.overview import (
    UNIT_LEVEL_CODES,
    key_people_rows,
    organisation_levels,
    unit_positions,
    units_with_key_people,
)
from organisation.permissions import allows
from registry import queries
from registry.blueprint.queries import item_chips
from registry.coverage.checks import CHECKS
from registry.coverage.report import coverage_by_unit
from registry.models import Item, Role
from registry.notify import queries as notify_queries
from registry.page_body import keep_page, kept_page, register_page_key
from registry.unit_picker import (
    no_units,
    visible_units,
)
from registry.versions.header import page_version_header

# The role page shows a role's rows at this many units a page (~50 rows a
# unit); the item page lists this many units a page (one line each).
ROLE_UNITS_PER_PAGE = 10
ITEM_UNITS_PER_PAGE = 50


# The organisation page and the coverage report list this many units a page.
UNITS_PER_PAGE = 50


@require_GET
def person_detail(request, initials):
    units = visible_units(request)
    if not units:
        return no_units(request)
    person = _person_or_404(request, initials, units)
    scope = units.scope()
    appointments = queries.person_appointments(person=person, units=scope)
    # Someone who has left (provisioning): their responsibilities are moved with Flytta ansvar.
    reassign_url = None
    if not person.active and request.user.has_perm("registry.change_assignment"):
        reassign_url = f"{reverse('admin:registry_assignment_reassign')}?from_person={person.pk}"
    # Their own page: they confirm or decline here (registry.notify).
    own = getattr(request.user, "person", None) == person
    confirmations = notify_queries.person_confirmations(
        assignments=queries.responsibilities(units=scope, person=person),
        person=person,
        units=scope,
        own=own,
    )
    return render(
        request,
        "registry/person_detail.html",
        _responsibility_context(
            request,
            units,
            confirmations["assignments"],
            person=person,
            appointments=appointments,
            reassign_url=reassign_url,
            confirmation_column=True,
            can_answer=own,
            to_answer=confirmations["to_answer"],
            held_by_role=confirmations["held_by_role"],
            answers=notify_queries.confirmation_history(user=request.user, person=person),
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
        people = people & queries.people_visible_at(units.scope())
    person = people.order_by("pk").first()
    if person is None:
        raise Http404(_("Personen finns inte."))
    return person


@require_GET
def role_detail(request, code):
    units = visible_units(request)
    if not units:
        return no_units(request)
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
        **page_version_header(request, units),
        "units": units,
        "show_unit": units.many or len(units.listed) > 1,
        "groups": queries.responsibilities_grouped(assignments),
        "total": len(assignments),
        **extra,
    }


@require_GET
def item_detail(request, pk):
    user = request.user
    units = visible_units(request)
    if not units:
        return no_units(request)
    item = get_object_or_404(Item.objects.restrict(user).select_related("column__area"), pk=pk)
    unit_page = _unit_page(request, units, ITEM_UNITS_PER_PAGE)
    return render(
        request,
        "registry/item_detail.html",
        {
            **page_version_header(request, units),
            "item": item,
            **item_chips(
                item=item,
                units=list(unit_page.object_list),
                organisation_wide=unit_page.number == 1,
            ),
            "unit_page": unit_page,
            "answers": notify_queries.confirmation_history(user=user, item=item),
            "can_see_history": user.has_perm("registry.view_item")
            or user.has_perm("registry.change_item"),
        },
    )


@require_GET
def organisation_detail(request, slug):
    """The three levels of the decision; units (a page of them) limited to those the user may
    see, with the coverage grid for users who may see coverage."""
    user = request.user
    organisation = get_object_or_404(Organisation.objects.restrict(user), slug=slug)
    # Its IT-råd keep no history: their writes reach the huvudman's DataVersion row instead.
    key = register_page_key(request, scopes=[f"org:{organisation.pk}"])
    kept = kept_page(request, key)
    if kept is not None:
        return kept
    visible = Unit.objects.restrict(user).filter(organisation=organisation)
    unit_page = Paginator(units_with_key_people(user=user, units=visible), UNITS_PER_PAGE).get_page(
        request.GET.get("sida")
    )
    unit_rows = key_people_rows(unit_page.object_list)
    can_see_coverage = Unit.objects.restrict(user, "change").exists()
    coverage_rows = []
    if can_see_coverage and unit_rows:
        coverage_rows = coverage_by_unit(units=[unit for unit, _ in unit_rows], scope=visible)
    context = {
        **organisation_levels(user=user, organisation=organisation),
        "organisation": organisation,
        "unit_positions": [Position.Code(code).label for code in UNIT_LEVEL_CODES],
        "unit_rows": unit_rows,
        "unit_page": unit_page,
        "can_see_coverage": can_see_coverage,
        "checks": CHECKS,
        "coverage_rows": coverage_rows,
    }
    return keep_page(
        request, key, render(request, "organisation/organisation_detail.html", context)
    )


@require_GET
def unit_detail(request, slug):
    units = Unit.objects.restrict(request.user)
    unit = get_object_or_404(units.select_related("organisation"), slug=slug)
    positions, missing = unit_positions(user=request.user, unit=unit)
    coverage = confirmations = None
    if allows(request.user, "change", unit):
        (coverage,) = coverage_by_unit(units=[unit], scope=units.filter(pk=unit.pk))
        confirmations = notify_queries.unit_confirmations(unit)
    context = {
        "unit": unit,
        "positions": positions,
        "missing_positions": missing,
        "blueprint_url": f"{reverse('registry:blueprint')}?unit={unit.slug}",
        "problem_kinds": [(kind.value, kind.problem_title) for kind in ProblemKind],
        "coverage": coverage,
        "confirmations": confirmations,
        "coverage_url": f"{reverse('registry:coverage')}?unit={unit.slug}",
    }
    return render(request, "registry/unit_detail.html", context)
