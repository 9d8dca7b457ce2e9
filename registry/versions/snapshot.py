"""Published versions of a huvudman's blueprint: snapshot, publish, compare, show as it was.

A snapshot is a dict holding the catalogue once (areas, columns, items,
roles, keyed by id), the huvudman's units, the people named, and every
assignment as a compact tuple in the order of ASSIGNMENT_FIELDS. The live
register is read into the same shape (`snapshot_build`) and two snapshots
are compared in Python (`snapshot_diff`): comparing never depends on history
rows.

Stored, the catalogue and units are one JSON document (Blueprint.snapshot)
and the assignments one JSON row per unit (BlueprintRows, with the people
that unit names), so that one unit is compared or shown by reading two small
rows (its own and the organisation-wide one), never the whole huvudman.
Nothing of the catalogue is copied per unit.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisation.models import Organisation, Person, Unit
from registry.models import Area, Assignment, Blueprint, BlueprintRows, Column, Item, Role

# 3: each role keeps its kind (individuell/kollektiv/relativ). Snapshots of
# format 2 have none and are shown without a kind (snapshot_matrix).
SNAPSHOT_FORMAT = 3
# One assignment in a snapshot: 0 for "none" (organisation-wide, no role, no
# person); deputy is 1 for an ersättare, 0 for ordinarie.
ASSIGNMENT_FIELDS = ["unit", "item", "role", "person", "kind", "deputy", "order"]
PUBLISH_PERMISSION = "registry.add_blueprint"


def blueprints_of(organisation_id):
    """The versions of a huvudman, newest first, without their (large) snapshots."""
    return Blueprint.objects.filter(organisation_id=organisation_id).defer("snapshot")


def blueprint_in_force(organisation_id):
    """The newest version of a huvudman (the one the page header names), or None."""
    return blueprints_of(organisation_id).first()


def blueprint_before(blueprint, candidates):
    """The version of the same huvudman published just before `blueprint`, among `candidates`."""
    earlier = Q(published__lt=blueprint.published) | Q(
        published=blueprint.published, pk__lt=blueprint.pk
    )
    return (
        candidates.filter(earlier, organisation_id=blueprint.organisation_id)
        .order_by("-published", "-pk")
        .first()
    )


def with_previous(blueprints):
    """[(version, the version of its huvudman before it, or None), …] in the given order.

    `blueprints` are newest first within each huvudman (as listed); only
    versions with a snapshot are compared, labels are skipped. No query.
    """
    previous, last = {}, {}
    for blueprint in reversed(blueprints):
        if blueprint.published_at:
            previous[blueprint.pk] = last.get(blueprint.organisation_id)
            last[blueprint.organisation_id] = blueprint
    return [(blueprint, previous.get(blueprint.pk)) for blueprint in blueprints]


def _organisation_assignments(organisation_id, unit_ids=None):
    """The huvudman's assignments: at its units, and organisation-wide ones that hold there.

    As on the blueprint page, an organisation-wide assignment naming a person
    belongs to that person's huvudman only.
    """
    wide = Q(unit__isnull=True) & (
        Q(person__isnull=True) | Q(person__organisation_id=organisation_id)
    )
    if unit_ids is None:
        at_units = Q(unit__organisation_id=organisation_id)
    else:
        at_units = Q(unit__in=list(unit_ids), unit__organisation_id=organisation_id)
    return Assignment.objects.filter(at_units | wide)


# What a snapshot keeps of each part besides the id: {key in the snapshot: model attribute}.
# snapshot_build reads these columns, snapshot_of the same attributes of instances a page read.
_KEPT = {
    "areas": {"slug": "slug", "name": "name", "subtitle": "subtitle", "order": "order"},
    "columns": {"area": "area_id", "slug": "slug", "name": "name", "order": "order"},
    "items": {
        "column": "column_id",
        "name": "name",
        "description": "description",
        "order": "order",
    },
    "roles": {"code": "code", "name": "name", "order": "order", "kind": "kind"},
    "units": {"slug": "slug", "name": "name"},
    "people": {"initials": "initials", "name": "name"},
}
# An assignment's attributes in the order of ASSIGNMENT_FIELDS (priority becomes deputy).
_ASSIGNMENT_ATTRIBUTES = ("unit_id", "item_id", "role_id", "person_id", "kind", "priority", "order")


def _read(part, queryset):
    """{str(id): {key: value}} of `part`, read from the database."""
    fields = _KEPT[part]
    rows = queryset.values_list("pk", *fields.values())
    return {str(pk): dict(zip(fields, values, strict=True)) for pk, *values in rows}


def _kept(part, instances):
    """{str(id): {key: value}} of `part`, from model instances already read."""
    fields = _KEPT[part]
    return {
        str(instance.pk): {key: getattr(instance, name) for key, name in fields.items()}
        for instance in instances
    }


def _assignment_row(unit, item, role, person, kind, priority, order):
    """An assignment as a snapshot holds it (ASSIGNMENT_FIELDS): 0 for none."""
    deputy = int(priority == Assignment.Priority.DEPUTY)
    return [unit or 0, item, role or 0, person or 0, kind, deputy, order]


def snapshot_build(*, organisation_id, unit_ids=None):
    """The live register of a huvudman in snapshot form; seven queries whatever its size.

    `unit_ids` narrows the assignments to those units (and organisation-wide
    rows), for comparing one unit without reading every unit's rows.
    """
    rows = (
        _organisation_assignments(organisation_id, unit_ids)
        .order_by("unit_id", "item_id", "order", "pk")
        .values_list(*_ASSIGNMENT_ATTRIBUTES)
    )
    assignments = [_assignment_row(*row) for row in rows]
    person_ids = {row[3] for row in assignments if row[3]}
    return {
        "format": SNAPSHOT_FORMAT,
        "areas": _read("areas", Area.objects.all()),
        "columns": _read("columns", Column.objects.all()),
        "items": _read("items", Item.objects.all()),
        "roles": _read("roles", Role.objects.all()),
        "units": _read("units", Unit.objects.filter(organisation_id=organisation_id)),
        "people": _read("people", Person.objects.filter(pk__in=person_ids)),
        "assignment_fields": ASSIGNMENT_FIELDS,
        "assignments": assignments,
    }


def snapshot_of(*, areas, items, roles, unit, people, entries):
    """The live register at one unit in snapshot form, from what a page has read already:
    snapshot_build(unit_ids={unit.pk}) without a query, for comparing that unit.

    `areas`, `items` (with their columns) and `roles` are the catalogue's model instances,
    `people` those the entries name, `entries` the unit's own and organisation-wide
    assignments (registry.matrix.Entry, or Assignment). Only columns that hold an item
    are listed: a comparison reaches a column through its items.
    """
    return {
        "format": SNAPSHOT_FORMAT,
        "areas": _kept("areas", areas),
        "columns": _kept("columns", {item.column for item in items}),
        "items": _kept("items", items),
        "roles": _kept("roles", roles),
        "units": _kept("units", [unit]),
        "people": _kept("people", people),
        "assignment_fields": ASSIGNMENT_FIELDS,
        "assignments": [
            _assignment_row(*(getattr(entry, name) for name in _ASSIGNMENT_ATTRIBUTES))
            for entry in entries
        ],
    }


def can_publish(user):
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def version_next(version):
    """The next minor version number: 1.4.0 → 1.5.0, 1.4 → 1.5, 2 → 3; "" unless numbers."""
    parts = version.split(".")
    if not all(part.isdigit() for part in parts):
        return ""
    position = min(1, len(parts) - 1)
    parts[position] = str(int(parts[position]) + 1)
    parts[position + 1 :] = ["0"] * (len(parts) - position - 1)
    return ".".join(parts)


def blueprint_publish_initial(user, organisation_id=None):
    """What the publish form starts with: the huvudman, title, next number and today's date.

    The huvudman is one the user may publish for (`organisation_id` if it is
    one): the one whose version was published last, else the only one. The
    title is its newest version's, the number that version's next minor one
    not yet taken (1.0.0 for a first version).
    """
    organisations = Organisation.objects.restrict(user, "change")
    if organisation_id is not None:
        organisations = organisations.filter(pk=organisation_id)
    initial = {"published": timezone.localdate()}
    latest = (
        Blueprint.objects.restrict(user)
        .filter(organisation__in=organisations)
        .defer("snapshot")
        .order_by("-published", "-pk")
        .first()
    )
    if latest is None:
        only = list(organisations[:2])
        if len(only) == 1:
            initial.update(organisation=only[0].pk, version="1.0.0")
        return initial
    taken = set(blueprints_of(latest.organisation_id).values_list("version", flat=True))
    version = version_next(latest.version)
    while version in taken:
        version = version_next(version)
    initial.update(organisation=latest.organisation_id, title=latest.title, version=version)
    return initial


@transaction.atomic
def blueprint_publish(*, organisation, version, published, title, note="", user=None):
    """Publish the huvudman's live register as `version`: one row, written in one transaction.

    `user` None is the system (load_seed); a user needs registry.add_blueprint.
    """
    if user is not None and not can_publish(user):
        raise PermissionDenied(_("Du får inte publicera versioner."))
    blueprint = Blueprint(
        organisation=organisation,
        title=title,
        version=version,
        published=published,
        note=note,
        published_at=timezone.now(),
        published_by=user,
    )
    blueprint.full_clean(exclude=["snapshot"])
    if user is not None:
        blueprint._history_user = user
    _store(blueprint, snapshot_build(organisation_id=organisation.pk))
    return blueprint


def _store(blueprint, snapshot):
    """Save the version with its catalogue, and its assignments as one row per unit."""
    catalogue = {
        key: value for key, value in snapshot.items() if key not in ("assignments", "people")
    }
    by_unit = defaultdict(list)
    for unit, *rest in snapshot["assignments"]:
        by_unit[unit].append(rest)
    for unit_id in catalogue["units"]:
        by_unit.setdefault(int(unit_id), [])
    people = snapshot["people"]
    blueprint.snapshot = catalogue
    blueprint.save()
    blueprint.unit_rows.all().delete()
    BlueprintRows.objects.bulk_create(
        BlueprintRows(
            blueprint=blueprint,
            unit_id=unit_id,
            rows={
                "people": {
                    str(pk): people[str(pk)] for pk in sorted({row[2] for row in rows if row[2]})
                },
                "assignments": rows,
            },
        )
        for unit_id, rows in sorted(by_unit.items())
    )


@transaction.atomic
def blueprint_publish_seed(*, organisation, version, published, title):
    """Publish the seed as its version unless the huvudman has it already; idempotent.

    A version label from before snapshots (no snapshot) gets the snapshot now.
    """
    existing = Blueprint.objects.filter(organisation=organisation, version=version).first()
    if existing is None:
        # Labels from before versions belonged to no huvudman.
        existing = Blueprint.objects.filter(organisation=None, version=version).first()
    if existing is None:
        return blueprint_publish(
            organisation=organisation, version=version, published=published, title=title
        )
    if existing.snapshot and existing.organisation_id == organisation.pk:
        return existing
    existing.organisation = organisation
    existing.published_at = existing.published_at or timezone.now()
    _store(existing, snapshot_build(organisation_id=organisation.pk))
    return existing


def blueprint_snapshot(blueprint, unit_ids=None):
    """The snapshot of a version; with `unit_ids`, only those units' (and organisation-wide) rows.

    Two queries: the catalogue and the units' rows. {} for a label without snapshot.
    """
    if "snapshot" in blueprint.get_deferred_fields():
        blueprint.refresh_from_db(fields=["snapshot"])
    if not blueprint.snapshot:
        return {}
    chunks = BlueprintRows.objects.filter(blueprint=blueprint)
    if unit_ids is not None:
        chunks = chunks.filter(unit_id__in=[0, *unit_ids])
    people, assignments = {}, []
    for unit_id, rows in chunks.order_by("unit_id").values_list("unit_id", "rows"):
        people.update(rows["people"])
        assignments.extend([unit_id, *row] for row in rows["assignments"])
    return {**blueprint.snapshot, "people": people, "assignments": assignments}


class Catalogue:
    """Names and order of one snapshot's catalogue, looked up by id."""

    def __init__(self, snapshot):
        self.areas = snapshot["areas"]
        self.columns = snapshot["columns"]
        self.items = snapshot["items"]
        self.roles = snapshot["roles"]
        self.units = snapshot["units"]
        self.people = snapshot["people"]

    def item(self, item_id):
        return self.items.get(str(item_id))

    def place(self, item_id):
        """(area name, column name, sort key) of an item."""
        item = self.items[str(item_id)]
        column = self.columns[str(item["column"])]
        area = self.areas[str(column["area"])]
        key = (area["order"], area["name"], column["order"], item["order"], item["name"])
        return area["name"], column["name"], key

    def role_code(self, role_id):
        return self.roles[str(role_id)]["code"] if role_id else ""

    def initials(self, person_id):
        return self.people.get(str(person_id), {}).get("initials", "?") if person_id else ""

    def unit_name(self, unit_id):
        if not unit_id:
            return str(_("Hela huvudmannen"))
        unit = self.units.get(str(unit_id))
        return unit["name"] if unit else str(unit_id)

    def who(self, role_id, person_id, deputy):
        parts = (self.initials(person_id), self.role_code(role_id))
        label = " · ".join(part for part in parts if part)
        return f"{label} ({_('ersättare')})" if deputy else label
