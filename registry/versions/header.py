"""The pages' header: the version in force and how many changes since it at the unit in view."""

from django.conf import settings
from django.core.cache import cache

from registry.data_version import cache_key, data_version
from registry.unit_picker import SESSION_UNIT
from registry.versions.diff import version_diff
from registry.versions.snapshot import blueprint_in_force


def version_header(unit, version, *, known=None, live=None, in_force_version=None):
    """The version in force and, when the live register differs at `unit`, how much.

    Returns {"blueprint", "changes_since", "changes_unit"}. The changes at
    the unit (its own, the organisation-wide ones and the catalogue's) are
    counted once per data version and unit, not per request. `known` is a
    (version, changes since it at `unit` or more units) the caller has
    already worked out; `live` a function returning the live register at `unit`
    in snapshot form from what the caller has read (registry.versions.snapshot_of),
    called only when there is something to compare. `in_force_version` is the data
    version of what the version in force follows (the huvudman's and the catalogue's
    scopes, registry.data_version; default `version`): a write at the unit then leaves
    it cached.
    """
    key = cache_key("version-header", unit.organisation_id, unit.pk, version)
    header = cache.get(key)
    if header is None:
        blueprint = _in_force(unit.organisation_id, in_force_version or version)
        count = 0
        if known is not None and blueprint is not None and known[0].pk == blueprint.pk:
            count = len(known[1].filter(unit_ids={unit.pk}))
        elif blueprint is not None and blueprint.published_at:
            count = len(
                version_diff(before=blueprint, unit_ids={unit.pk}, live=live() if live else None)
            )
        header = {"blueprint": blueprint, "changes_since": count, "changes_unit": unit}
        cache.set(key, header, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return header


def _in_force(organisation_id, version):
    """blueprint_in_force, cached by `version`."""
    key = cache_key("version-in-force", organisation_id, version)
    kept = cache.get(key)  # (blueprint or None,): a huvudman without a version is kept too
    if kept is None:
        kept = (blueprint_in_force(organisation_id),)
        cache.set(key, kept, settings.DIGIANSVAR_PAGE_CACHE_SECONDS)
    return kept[0]


def page_version_header(request, units, unit=None, version=None, known=None):
    """The version in force and how many changes since it at the unit in view (page_cache).

    The unit in view is `unit`, else the one chosen last (session), else the
    first the user sees.
    """
    if unit is None:
        slug = request.session.get(SESSION_UNIT)
        unit = units.get(slug) or units.first
    if version is None:
        version = data_version()
    return version_header(unit, version, known=known)
