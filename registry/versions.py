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
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organisation.models import Organisation, Person, Unit
from registry import queries
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


def snapshot_build(*, organisation_id, unit_ids=None):
    """The live register of a huvudman in snapshot form; seven queries whatever its size.

    `unit_ids` narrows the assignments to those units (and organisation-wide
    rows), for comparing one unit without reading every unit's rows.
    """
    rows = (
        _organisation_assignments(organisation_id, unit_ids)
        .order_by("unit_id", "item_id", "order", "pk")
        .values_list("unit_id", "item_id", "role_id", "person_id", "kind", "priority", "order")
    )
    deputy = Assignment.Priority.DEPUTY
    assignments = [
        [unit or 0, item, role or 0, person or 0, kind, int(priority == deputy), order]
        for unit, item, role, person, kind, priority, order in rows
    ]
    person_ids = {row[3] for row in assignments if row[3]}
    return {
        "format": SNAPSHOT_FORMAT,
        "areas": {
            str(pk): {"slug": slug, "name": name, "subtitle": subtitle, "order": order}
            for pk, slug, name, subtitle, order in Area.objects.values_list(
                "pk", "slug", "name", "subtitle", "order"
            )
        },
        "columns": {
            str(pk): {"area": area, "slug": slug, "name": name, "order": order}
            for pk, area, slug, name, order in Column.objects.values_list(
                "pk", "area_id", "slug", "name", "order"
            )
        },
        "items": {
            str(pk): {"column": column, "name": name, "description": description, "order": order}
            for pk, column, name, description, order in Item.objects.values_list(
                "pk", "column_id", "name", "description", "order"
            )
        },
        "roles": {
            str(pk): {"code": code, "name": name, "order": order, "kind": kind}
            for pk, code, name, order, kind in Role.objects.values_list(
                "pk", "code", "name", "order", "kind"
            )
        },
        "units": {
            str(pk): {"slug": slug, "name": name}
            for pk, slug, name in Unit.objects.filter(organisation_id=organisation_id).values_list(
                "pk", "slug", "name"
            )
        },
        "people": {
            str(pk): {"initials": initials, "name": name}
            for pk, initials, name in Person.objects.filter(pk__in=person_ids).values_list(
                "pk", "initials", "name"
            )
        },
        "assignment_fields": ASSIGNMENT_FIELDS,
        "assignments": assignments,
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


# What changed -------------------------------------------------------------


class ChangeKind:
    ITEM_ADDED = "item_added"
    ITEM_REMOVED = "item_removed"
    ITEM_RENAMED = "item_renamed"
    ITEM_MOVED = "item_moved"
    ADDED = "responsible_added"
    REMOVED = "responsible_removed"
    CHANGED = "responsible_changed"
    ROLE_CHANGED = "role_changed"
    MADE_DEPUTY = "made_deputy"
    MADE_PRIMARY = "made_primary"

    LABELS = {
        ITEM_ADDED: gettext_lazy("Nytt ansvarsområde"),
        ITEM_REMOVED: gettext_lazy("Ansvarsområde borttaget"),
        ITEM_RENAMED: gettext_lazy("Nytt namn"),
        ITEM_MOVED: gettext_lazy("Flyttat till annan kolumn"),
        ADDED: gettext_lazy("Ansvarig tillagd"),
        REMOVED: gettext_lazy("Ansvarig borttagen"),
        CHANGED: gettext_lazy("Ansvarig bytt"),
        ROLE_CHANGED: gettext_lazy("Roll ändrad"),
        MADE_DEPUTY: gettext_lazy("Blev ersättare"),
        MADE_PRIMARY: gettext_lazy("Blev ordinarie"),
    }


@dataclass(frozen=True)
class Change:
    """One line of the changelog: what happened to an item, or to a responsible at a unit."""

    kind: str
    area: str
    column: str
    item_id: int
    item: str
    unit_id: int | None  # None: the catalogue, or organisation-wide (unit_name says which)
    unit_name: str
    before: str
    after: str
    roles: frozenset = frozenset()  # role codes on either side, for the role filter
    people: frozenset = frozenset()  # initials on either side, for the person filter
    sort_key: tuple = field(default=(), compare=False, repr=False)

    @property
    def label(self):
        return ChangeKind.LABELS[self.kind]

    @property
    def is_catalogue(self):
        return self.kind.startswith("item_")


@dataclass
class VersionDiff:
    """The changes from one snapshot to another, in the poster's order."""

    changes: list

    def __len__(self):
        return len(self.changes)

    def filter(self, *, unit_ids=None, area=None, role=None, person=None):
        """Only changes at these units (None: all; organisation-wide and catalogue always),
        in this area (name), naming this role code or these initials."""

        def keep(change):
            if unit_ids is not None and change.unit_id is not None:
                if change.unit_id not in unit_ids:
                    return False
            if area and change.area != area:
                return False
            if role and role not in change.roles:
                return False
            return not (person and person not in change.people)

        return VersionDiff([change for change in self.changes if keep(change)])

    def by_area(self):
        """[(area name, [change, …]), …] like a changelog."""
        groups = {}
        for change in self.changes:
            groups.setdefault(change.area, []).append(change)
        return list(groups.items())

    @property
    def areas(self):
        return sorted({change.area for change in self.changes})

    @property
    def roles(self):
        return sorted({code for change in self.changes for code in change.roles})

    @property
    def people(self):
        return sorted({initials for change in self.changes for initials in change.people})

    @property
    def units(self):
        return sorted({(c.unit_id, c.unit_name) for c in self.changes if c.unit_id})


class _Catalogue:
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

    def column_of(self, item_id):
        return self.columns[str(self.items[str(item_id)]["column"])]

    def area_of(self, item_id):
        return self.areas[str(self.column_of(item_id)["area"])]

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


def _keyed(snapshot, unit_ids=None):
    """{(unit, item, role, person, kind): (deputy, order)}, optionally only some units."""
    keyed = {}
    for unit, item, role, person, kind, deputy, order in snapshot["assignments"]:
        if unit_ids is not None and unit and unit not in unit_ids:
            continue
        keyed[unit, item, role, person, kind] = (deputy, order)
    return keyed


def _swaps(left, arrived, was_rows, now_rows):
    """Pairs (row that left, row that came) with the same role, one person for another.

    Rows without a role pair too (a person named alone, replaced by another).
    Among several, a pair keeps the priority and the place in the order where
    it can: the new deputy replaced the old deputy, not the ordinarie.
    """
    candidates = sorted(
        (
            was_rows[key][0] != now_rows[twin][0],
            abs(was_rows[key][1] - now_rows[twin][1]),
            key,
            twin,
        )
        for key in left
        for twin in arrived
        if key[2] == twin[2]
    )
    paired = set()
    for _priority, _distance, key, twin in candidates:
        if key not in paired and twin not in paired:
            paired.update((key, twin))
            yield key, twin


def snapshot_diff(before, after, *, unit_ids=None):
    """What changed from snapshot `before` to snapshot `after`, for these units (None: all).

    Items are matched by id: a new name is a rename, a new column a move.
    Responsible are matched by (unit, item, role, person, kind), the
    assignment's identity; a row that left and one that came for the same
    unit, item and kind pair up as a role change (same person) or a change of
    responsible (same role, or both without a role: `_swaps`). The removal of
    an item is one change: its responsible went with it.
    """
    old, new = _Catalogue(before), _Catalogue(after)
    changes = []

    def place(item_id):
        return (new if new.item(item_id) else old).place(item_id)

    old_items, new_items = set(old.items), set(new.items)
    for pk in new_items - old_items:
        area, column, key = new.place(pk)
        changes.append(
            Change(
                ChangeKind.ITEM_ADDED,
                area,
                column,
                int(pk),
                new.items[pk]["name"],
                None,
                "",
                "",
                f"{column}",
                sort_key=(*key, 0, ""),
            )
        )
    for pk in old_items - new_items:
        area, column, key = old.place(pk)
        changes.append(
            Change(
                ChangeKind.ITEM_REMOVED,
                area,
                column,
                int(pk),
                old.items[pk]["name"],
                None,
                "",
                column,
                "",
                sort_key=(*key, 0, ""),
            )
        )
    for pk in old_items & new_items:
        was, now = old.items[pk], new.items[pk]
        area, column, key = new.place(pk)
        if was["name"] != now["name"]:
            changes.append(
                Change(
                    ChangeKind.ITEM_RENAMED,
                    area,
                    column,
                    int(pk),
                    now["name"],
                    None,
                    "",
                    was["name"],
                    now["name"],
                    sort_key=(*key, 0, ""),
                )
            )
        if was["column"] != now["column"]:
            old_area, old_column, _key = old.place(pk)
            changes.append(
                Change(
                    ChangeKind.ITEM_MOVED,
                    area,
                    column,
                    int(pk),
                    now["name"],
                    None,
                    "",
                    f"{old_area} / {old_column}",
                    f"{area} / {column}",
                    sort_key=(*key, 0, ""),
                )
            )

    removed_items = {int(pk) for pk in old_items - new_items}
    was_rows, now_rows = _keyed(before, unit_ids), _keyed(after, unit_ids)
    gone = defaultdict(list)  # (unit, item, kind) -> keys
    came = defaultdict(list)
    for key in was_rows.keys() - now_rows.keys():
        if key[1] not in removed_items:
            gone[key[0], key[1], key[4]].append(key)
    for key in now_rows.keys() - was_rows.keys():
        came[key[0], key[1], key[4]].append(key)

    def responsible(kind, unit, item, before_text, after_text, keys):
        area, column, key = place(item)
        catalogue = new if new.item(item) else old
        names = new if str(unit) in new.units else old
        unit_name = names.unit_name(unit)
        roles = {old.role_code(k[2]) for k in keys if k in was_rows}
        roles |= {new.role_code(k[2]) for k in keys if k in now_rows}
        people = {old.initials(k[3]) for k in keys if k in was_rows}
        people |= {new.initials(k[3]) for k in keys if k in now_rows}
        roles = frozenset(code for code in roles if code)
        people = frozenset(initials for initials in people if initials and initials != "?")
        changes.append(
            Change(
                kind,
                area,
                column,
                item,
                catalogue.items[str(item)]["name"],
                unit or None,
                unit_name,
                before_text,
                after_text,
                roles,
                people,
                sort_key=(*key, 1, unit_name),
            )
        )

    for slot in gone.keys() | came.keys():
        unit, item, _kind = slot
        left, arrived = sorted(gone.get(slot, [])), sorted(came.get(slot, []))
        # Same person, other role: the role changed.
        for key in list(left):
            twin = next((a for a in arrived if key[3] and a[3] == key[3]), None)
            if twin is not None:
                left.remove(key)
                arrived.remove(twin)
                responsible(
                    ChangeKind.ROLE_CHANGED,
                    unit,
                    item,
                    old.who(key[2], key[3], was_rows[key][0]),
                    new.who(twin[2], twin[3], now_rows[twin][0]),
                    [key, twin],
                )
        # Same role (or both without one), other person: the responsible changed.
        for key, twin in _swaps(left, arrived, was_rows, now_rows):
            left.remove(key)
            arrived.remove(twin)
            responsible(
                ChangeKind.CHANGED,
                unit,
                item,
                old.who(key[2], key[3], was_rows[key][0]),
                new.who(twin[2], twin[3], now_rows[twin][0]),
                [key, twin],
            )
        for key in left:
            responsible(
                ChangeKind.REMOVED, unit, item, old.who(key[2], key[3], was_rows[key][0]), "", [key]
            )
        for key in arrived:
            responsible(
                ChangeKind.ADDED, unit, item, "", new.who(key[2], key[3], now_rows[key][0]), [key]
            )

    for key in was_rows.keys() & now_rows.keys():
        was_deputy, now_deputy = was_rows[key][0], now_rows[key][0]
        if was_deputy != now_deputy:
            unit, item = key[0], key[1]
            responsible(
                ChangeKind.MADE_DEPUTY if now_deputy else ChangeKind.MADE_PRIMARY,
                unit,
                item,
                old.who(key[2], key[3], was_deputy),
                new.who(key[2], key[3], now_deputy),
                [key],
            )

    changes.sort(key=lambda change: (change.sort_key, change.kind, change.before, change.after))
    return VersionDiff(changes)


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


def version_diff(*, before, after=None, unit_ids=None):
    """Changes from version `before` to version `after` (None: the live register now)."""
    organisation_id = before.organisation_id
    old = blueprint_snapshot(before, unit_ids)
    if after is None:
        new = snapshot_build(organisation_id=organisation_id, unit_ids=unit_ids)
    else:
        new = blueprint_snapshot(after, unit_ids)
    return snapshot_diff(old, new, unit_ids=None if unit_ids is None else set(unit_ids))


def changes_since_count(blueprint):
    """How many changes the live register has since `blueprint` (0 for a label without snapshot)."""
    if blueprint is None or not blueprint.published_at:
        return 0
    return len(version_diff(before=blueprint))


# The poster as it was -------------------------------------------------------


def snapshot_matrix(snapshot, *, unit_id, live_item_ids=()):
    """The poster of `unit_id` from a snapshot, in the shape of queries.blueprint_matrix.

    Items, areas and columns are plain namespaces with the attributes the
    blueprint templates read; an item links to its page only if it still
    exists (`live_item_ids`). Roles, people and assignments are unsaved model
    instances holding the snapshot's values, so that each chip is a
    queries.Chip like the live poster's: the same label, description and
    link, and the role's kind as it was at publishing (a snapshot from before
    kinds were kept has none: its chips and legend say nothing about it).
    Who held a role then is not kept in a version.
    """
    catalogue = _Catalogue(snapshot)
    item_url = queries.item_url_maker()
    roles = {
        int(pk): Role(
            pk=int(pk),
            code=row["code"],
            name=row["name"],
            order=row["order"],
            kind=row.get("kind", ""),
        )
        for pk, row in catalogue.roles.items()
    }
    people = {
        int(pk): Person(pk=int(pk), initials=row["initials"], name=row["name"])
        for pk, row in catalogue.people.items()
    }
    chips, links = defaultdict(list), {}
    used_roles, has_person_only = {}, False
    for unit, item, role_id, person_id, _kind, deputy, _order in sorted(
        snapshot["assignments"], key=lambda row: (row[1], row[6])
    ):
        if unit and unit != unit_id:
            continue
        role = roles.get(role_id)
        assignment = Assignment(
            unit_id=unit or None,
            item_id=item,
            role=role,
            person=people.get(person_id),
            priority=Assignment.Priority.DEPUTY if deputy else Assignment.Priority.PRIMARY,
        )
        chips[item].append(queries.Chip(assignment, links))
        if role:
            used_roles[role.pk] = role
        else:
            has_person_only = True
    areas = {}
    items = sorted(catalogue.items, key=lambda pk: catalogue.place(pk)[2])
    for pk in items:
        row = catalogue.items[pk]
        column = catalogue.columns[str(row["column"])]
        area_row = catalogue.areas[str(column["area"])]
        area = areas.setdefault(
            column["area"], queries.AreaBlock(SimpleNamespace(pk=column["area"], **area_row))
        )
        if not area.columns or area.columns[-1].column.pk != row["column"]:
            area.columns.append(queries.ColumnBlock(SimpleNamespace(pk=row["column"], **column)))
        item = SimpleNamespace(pk=int(pk), **row)
        url = item_url(item.pk) if item.pk in live_item_ids else ""
        area.columns[-1].rows.append(queries.Row(item, chips.get(item.pk, []), "", url))
    return queries.Matrix(
        areas=list(areas.values()),
        roles=sorted(used_roles.values(), key=lambda role: (role.order, role.code)),
        has_person_only=has_person_only,
    )


def diff_headers():
    return [
        str(_("Område")),
        str(_("Kolumn")),
        str(_("Ansvarsområde")),
        str(_("Enhet")),
        str(_("Ändring")),
        str(_("Före")),
        str(_("Efter")),
    ]


def diff_rows(diff):
    """The changes as rows for digiansvar.spreadsheet_writer (which escapes formula-like text)."""
    for change in diff.changes:
        yield [
            change.area,
            change.column,
            change.item,
            change.unit_name if not change.is_catalogue else str(_("Alla enheter")),
            str(change.label),
            change.before,
            change.after,
        ]
