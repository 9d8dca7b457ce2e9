"""The blueprint pages for principals: poster, grid, unit search, export, the answer page.

Every page reads through the one scoping call, `Model.objects.restrict(user)`
(organisation/permissions.py): units, people, versions and the catalogue. The
poster and the grid are one view (`kind`, fixed by the URL); they render the
whole page, or for htmx (`request.htmx`, django-htmx) only the results
partial: the server decides which, never the client. What they show comes
from registry/blueprint/page_cache.py in one call.
"""

import hashlib
import json
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from digiansvar.spreadsheets.writer import spreadsheet_response
from organisation.models import Unit
from registry import queries
from registry.blueprint import page_cache
from registry.blueprint.filters import BlueprintFilter
from registry.blueprint.forms import ExportForm, SearchForm, UnitSearchForm
from registry.blueprint_file.format import (
    HEADERS,
    SHEET_TITLE,
    blueprint_filename,
    blueprint_rows,
)
from registry.models import Area
from registry.page_body import keep_page, kept_page, page_key
from registry.search import unanswered_log
from registry.unit_picker import (
    chosen_unit,
    no_units,
    unit_matches,
    visible_units,
)
from registry.versions.header import page_version_header


@dataclass(frozen=True)
class BlueprintKind:
    """One way to show the blueprint: its URL name, its page and its htmx partial."""

    view_name: str
    template: str
    partial: str


BLUEPRINT_KINDS = {
    "poster": BlueprintKind(
        "registry:blueprint", "registry/blueprint.html", "registry/_blueprint_results.html"
    ),
    "grid": BlueprintKind(
        "registry:blueprint_grid", "registry/blueprint_grid.html", "registry/_grid_results.html"
    ),
}


def _is_htmx(request):
    # A history restore asks for the whole page, as a normal navigation would.
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_GET
@vary_on_headers("HX-Request")
def blueprint(request, kind):
    """The poster or the grid (`kind`, from the URL) at the chosen unit, filtered by ?area= etc."""
    page = BLUEPRINT_KINDS[kind]
    units = visible_units(request, by_slug=True)
    if not units:
        return no_units(request)
    htmx = _is_htmx(request)
    unit = chosen_unit(request, units)
    versions = page_cache.page_versions(unit, request.user)
    etag = _blueprint_etag(request, kind, units, unit, versions, htmx)
    not_modified = etag and get_conditional_response(request, etag=etag)
    if not_modified:
        # 304: the browser's copy is the page as it would be rendered now.
        not_modified.headers["ETag"] = etag
        patch_cache_control(not_modified, private=True, no_cache=True)
        return not_modified
    # The same page asked again without If-None-Match: the body the ETag stands for, unrendered.
    key = page_key(request, etag) if etag else None
    kept = kept_page(request, key)
    if kept is not None:
        return _with_etag(kept, etag)
    context = page_cache.blueprint_page(
        data=request.GET,
        user=request.user,
        units=units,
        unit=unit,
        kind=kind,
        view_name=page.view_name,
        controls=not htmx,
        versions=versions,
    )
    if htmx:
        response = render(request, page.partial, {**context, "htmx": True})
    else:
        response = render(request, page.template, context)
    return _with_etag(keep_page(request, key, response), etag)


def _with_etag(response, etag):
    if etag:
        # A compressed body is another representation: its tag is weak, as GZipMiddleware
        # makes it (If-None-Match compares weakly, so either answers 304).
        compressed = response.has_header("Content-Encoding")
        response.headers["ETag"] = f"W/{etag}" if compressed else etag
        # The browser keeps it and asks again each time (If-None-Match): a 304 is nearly free.
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _blueprint_etag(request, kind, units, unit, versions, htmx):
    """The blueprint page's ETag: everything the page is made from, so that an unchanged one
    is the page as it would be rendered now. None (no conditional answer) while a message
    waits to be shown once.

    The data versions of what the unit's page reads (registry.data_version), the
    units the user may see, the user and their permissions, the language, the
    parameters, full page or htmx partial, and a digest of the CSRF secret (the
    page's forms carry a token made from it: after a sign-in rotates it, the old
    copy must not be used).
    """
    if getattr(request, "_messages", None) and len(request._messages):
        return None
    parts = [
        kind,
        htmx,
        unit.pk,
        versions,
        units.key(),
        request.user.pk,
        # What the header's links follow (groups and model permissions).
        request.user.is_staff,
        "*" if request.user.is_superuser else sorted(request.user.get_all_permissions()),
        get_language(),
        sorted(request.GET.lists()),
        hashlib.sha256(request.META.get("CSRF_COOKIE", "").encode()).hexdigest(),
    ]
    return quote_etag(hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32])


@require_GET
@vary_on_headers("HX-Request")
def unit_search(request):
    """Visible units whose name contains ?q=, as links to the blueprint (or grid) at each.

    The unit picker of users who see many units. With htmx only the matches
    are rendered (the list under the search field).
    """
    form = UnitSearchForm(request.GET)
    form.is_valid()  # always: an unknown target is read as the poster
    target = form.cleaned_data["next"]
    url = reverse(target)
    context = {
        **unit_matches(
            Unit.objects.restrict(request.user),
            form.cleaned_data["q"],
            lambda unit: f"{url}?{urlencode({'unit': unit.slug})}",
        ),
        "next": target,
    }
    if _is_htmx(request):
        return render(request, "registry/_unit_matches.html", context)
    return render(request, "registry/unit_search.html", context)


@require_GET
def blueprint_export(request):
    """The filtered blueprint of the chosen unit as xlsx or csv (registry.blueprint_file)."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        raise Http404(_("Okänt filformat."))
    units = visible_units(request)
    if not units:
        return no_units(request)
    unit = chosen_unit(request, units)
    filterset = BlueprintFilter(
        request.GET,
        unit=unit,
        areas=Area.objects.restrict(request.user),
        roles=queries.roles_at(unit),
        people=queries.people_at(unit),
    )
    # The name says what the file holds: the version in force, or changed since it.
    header = page_version_header(request, units, unit)
    version = header["blueprint"].version if header["blueprint"] else ""
    # csv as Excel in Swedish locale reads it: `;`-separated with a byte-order mark.
    return spreadsheet_response(
        blueprint_rows(units=[unit], items=filterset.items()),
        headers=HEADERS,
        file_format=form.cleaned_data["format"],
        filename=blueprint_filename(
            unit.slug, version=version, changed=bool(header["changes_since"])
        ),
        title=SHEET_TITLE,
    )


@require_GET
def search(request):
    """ "Vem ansvarar för …?": the best items for the question, with who is responsible at the unit.

    The unit is the one chosen on the blueprint pages (or ?unit=), else the
    user's first.
    """
    units = visible_units(request)
    if not units:
        return no_units(request)
    unit = chosen_unit(request, units)
    form = SearchForm(request.GET)
    form.is_valid()  # always: a question is cut to its length, ?exakt= is 1 or not
    answer = page_cache.answer_page(
        text=form.cleaned_data["q"], exact=form.cleaned_data["exakt"], unit=unit
    )
    if answer["unanswered"]:
        # The words only, never who asked: the administrator's list of the
        # week's unanswered questions (admin). A count, not a change to the register.
        unanswered_log(answer["q"])
    return render(request, "registry/search.html", {"units": units, "unit": unit, **answer})
