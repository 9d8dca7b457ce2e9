"""Published versions of the blueprint (docs/versions.md).

- `snapshot`: the live register read into a snapshot; publishing one (Blueprint, BlueprintRows)
- `diff`: what changed between two snapshots, or a snapshot and now (`snapshot_diff`)
- `poster`: a version's poster at a unit, in the live poster's shape
- `header`: the pages' header, the version in force and the changes since it
- `changes`: what the changes page shows (`changes_page`), read from its form (`forms`)
- `views`: the version list, a version's poster, what changed (changelog and file)

The names below are the package's interface to the rest of the site.
"""

from registry.versions.diff import (
    Change,
    ChangeKind,
    VersionDiff,
    diff_headers,
    diff_rows,
    snapshot_diff,
    version_diff,
)
from registry.versions.header import version_header
from registry.versions.poster import snapshot_matrix
from registry.versions.snapshot import (
    ASSIGNMENT_FIELDS,
    PUBLISH_PERMISSION,
    SNAPSHOT_FORMAT,
    blueprint_before,
    blueprint_in_force,
    blueprint_publish,
    blueprint_publish_initial,
    blueprint_publish_seed,
    blueprint_snapshot,
    blueprints_of,
    can_publish,
    snapshot_build,
    snapshot_of,
    version_next,
    with_previous,
)

__all__ = [
    "ASSIGNMENT_FIELDS",
    "PUBLISH_PERMISSION",
    "SNAPSHOT_FORMAT",
    "Change",
    "ChangeKind",
    "VersionDiff",
    "blueprint_before",
    "blueprint_in_force",
    "blueprint_publish",
    "blueprint_publish_initial",
    "blueprint_publish_seed",
    "blueprint_snapshot",
    "blueprints_of",
    "can_publish",
    "diff_headers",
    "diff_rows",
    "snapshot_build",
    "snapshot_diff",
    "snapshot_matrix",
    "snapshot_of",
    "version_diff",
    "version_header",
    "version_next",
    "with_previous",
]
