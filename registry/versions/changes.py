"""What the changes page shows: two versions (or a version and now), the changes between them."""

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from registry.models import Blueprint
from registry.unit_picker import VisibleUnits
from registry.versions.diff import VersionDiff, version_diff
from registry.versions.snapshot import blueprint_before


@dataclass
class ChangesPage:
    before: Blueprint
    after: Blueprint | None  # None: the live register now
    versions: object  # the huvudman's published versions, to choose from (read when shown)
    units: VisibleUnits  # the huvudman's units the user sees
    unit: object  # the unit narrowed to, or None for all of `units`
    changes: VersionDiff  # narrowed by unit, area, role and person
    choices: VersionDiff  # what the filters offer: what occurs, before narrowing
    # (version, changes since it) when `after` is now: the header's count is a part of it.
    known: tuple | None


def changes_page(*, user, before_id=None, after_id=None, unit_slug="", area="", role="", person=""):
    """The changes from version `before_id` to `after_id`, among the versions `user` may see.

    `before_id` defaults to the version in force, or with only `after_id`, the
    version before it (what that version changed); `after_id` to now. The
    units are the huvudman's that the user sees, or the one of `unit_slug`.
    Raises Http404 for a version or unit the user cannot see, for a first
    version (nothing before it) and for versions of two huvudmän.
    """
    candidates = (
        Blueprint.objects.restrict(user).filter(published_at__isnull=False).defer("snapshot")
    )
    after = _version(candidates, after_id) if after_id else None
    if after is not None and not before_id:
        before = blueprint_before(after, candidates)
        if before is None:
            raise Http404(_("Versionen är den första; det finns ingen före den att jämföra med."))
    elif before_id:
        before = _version(candidates, before_id)
    else:
        before = candidates.order_by("-published", "-pk").first()
    if before is None:
        raise Http404(_("Det finns ingen publicerad version att jämföra med."))
    if after is not None and after.organisation_id != before.organisation_id:
        raise Http404(_("Versionerna hör till olika huvudmän."))
    units = VisibleUnits(user, organisation_id=before.organisation_id)
    unit_ids = units.ids()
    unit = None
    if unit_slug:
        unit = units.get(unit_slug)
        if unit is None:
            raise Http404(_("Enheten finns inte."))
        unit_ids = {unit.pk}
    choices = version_diff(before=before, after=after, unit_ids=unit_ids)
    return ChangesPage(
        before=before,
        after=after,
        versions=candidates.filter(organisation_id=before.organisation_id),
        units=units,
        unit=unit,
        changes=choices.filter(
            unit_ids=unit_ids, area=area or None, role=role or None, person=person or None
        ),
        choices=choices,
        known=(before, choices) if after is None else None,
    )


def _version(candidates, pk):
    blueprint = candidates.filter(pk=pk).first()
    if blueprint is None:
        raise Http404(_("Versionen finns inte."))
    return blueprint
