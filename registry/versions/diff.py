"""What changed between two snapshots, or a snapshot and the live register: a VersionDiff of
Changes, filtered and grouped for the changelog, and as spreadsheet rows."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.versions.snapshot import Catalogue, blueprint_snapshot, snapshot_build


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


@dataclass(frozen=True, kw_only=True)
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


def snapshot_diff(before, after, *, unit_ids=None):
    """What changed from snapshot `before` to snapshot `after`, for these units (None: all).

    Items are matched by id: a new name is a rename, a new column a move.
    Responsible are matched by (unit, item, role, person, kind), the
    assignment's identity; a row that left and one that came for the same
    unit, item and kind pair up as a role change (same person) or a change of
    responsible (same role, or both without a role: `_swaps`). The removal of
    an item is one change: its responsible went with it.
    """
    sides = _Sides(
        old=Catalogue(before),
        new=Catalogue(after),
        was_rows=_keyed(before, unit_ids),
        now_rows=_keyed(after, unit_ids),
    )
    changes = [
        *_catalogue_changes(sides.old, sides.new),
        *_responsible_changes(sides),
        *_priority_changes(sides),
    ]
    changes.sort(key=lambda change: (change.sort_key, change.kind, change.before, change.after))
    return VersionDiff(changes)


def _keyed(snapshot, unit_ids=None):
    """{(unit, item, role, person, kind): (deputy, order)}, optionally only some units."""
    keyed = {}
    for unit, item, role, person, kind, deputy, order in snapshot["assignments"]:
        if unit_ids is not None and unit and unit not in unit_ids:
            continue
        keyed[unit, item, role, person, kind] = (deputy, order)
    return keyed


@dataclass(frozen=True, kw_only=True)
class _Sides:
    """Both snapshots: their catalogues, and their assignment rows keyed by identity."""

    old: Catalogue
    new: Catalogue
    was_rows: dict
    now_rows: dict

    def was(self, key):
        """The row as it was, as the changelog writes it ("AB · ITS (ersättare)")."""
        return self.old.who(key[2], key[3], self.was_rows[key][0])

    def now(self, key):
        return self.new.who(key[2], key[3], self.now_rows[key][0])

    def removed_items(self):
        return {int(pk) for pk in set(self.old.items) - set(self.new.items)}

    def change(self, kind, unit, item, keys, *, before="", after=""):
        """A change of responsible at `unit` for `item`, naming the roles and people of `keys`."""
        catalogue = self.new if self.new.item(item) else self.old
        area, column, key = catalogue.place(item)
        names = self.new if str(unit) in self.new.units else self.old
        unit_name = names.unit_name(unit)
        roles = {self.old.role_code(k[2]) for k in keys if k in self.was_rows}
        roles |= {self.new.role_code(k[2]) for k in keys if k in self.now_rows}
        people = {self.old.initials(k[3]) for k in keys if k in self.was_rows}
        people |= {self.new.initials(k[3]) for k in keys if k in self.now_rows}
        return Change(
            kind=kind,
            area=area,
            column=column,
            item_id=item,
            item=catalogue.items[str(item)]["name"],
            unit_id=unit or None,
            unit_name=unit_name,
            before=before,
            after=after,
            roles=frozenset(code for code in roles if code),
            people=frozenset(initials for initials in people if initials and initials != "?"),
            sort_key=(*key, 1, unit_name),
        )


def _catalogue_changes(old, new):
    """Items added, removed, renamed or moved to another column."""
    old_items, new_items = set(old.items), set(new.items)
    for pk in new_items - old_items:
        _area, column, _key = place = new.place(pk)
        yield _item_change(ChangeKind.ITEM_ADDED, place, pk, new.items[pk]["name"], after=column)
    for pk in old_items - new_items:
        _area, column, _key = place = old.place(pk)
        yield _item_change(ChangeKind.ITEM_REMOVED, place, pk, old.items[pk]["name"], before=column)
    for pk in old_items & new_items:
        was, now = old.items[pk], new.items[pk]
        area, column, _key = place = new.place(pk)
        if was["name"] != now["name"]:
            yield _item_change(
                ChangeKind.ITEM_RENAMED,
                place,
                pk,
                now["name"],
                before=was["name"],
                after=now["name"],
            )
        if was["column"] != now["column"]:
            old_area, old_column, _key = old.place(pk)
            yield _item_change(
                ChangeKind.ITEM_MOVED,
                place,
                pk,
                now["name"],
                before=f"{old_area} / {old_column}",
                after=f"{area} / {column}",
            )


def _item_change(kind, place, pk, name, *, before="", after=""):
    area, column, key = place
    return Change(
        kind=kind,
        area=area,
        column=column,
        item_id=int(pk),
        item=name,
        unit_id=None,
        unit_name="",
        before=before,
        after=after,
        sort_key=(*key, 0, ""),
    )


def _responsible_changes(sides):
    """Responsible removed, added, replaced by another or given another role."""
    for (unit, item, _kind), (left, arrived) in _unmatched_rows(sides).items():
        yield from _slot_changes(sides, unit, item, left, arrived)


def _unmatched_rows(sides):
    """{(unit, item, kind): (rows that left, rows that came)}, the rows of removed items left out
    (the item's removal says it)."""
    removed_items = sides.removed_items()
    gone = defaultdict(list)
    came = defaultdict(list)
    for key in sides.was_rows.keys() - sides.now_rows.keys():
        if key[1] not in removed_items:
            gone[key[0], key[1], key[4]].append(key)
    for key in sides.now_rows.keys() - sides.was_rows.keys():
        came[key[0], key[1], key[4]].append(key)
    return {
        slot: (sorted(gone.get(slot, [])), sorted(came.get(slot, [])))
        for slot in gone.keys() | came.keys()
    }


def _slot_changes(sides, unit, item, left, arrived):
    """The changes at one (unit, item, kind), from the rows that left and came there."""
    left, arrived = list(left), list(arrived)
    # First the same person in another role, then, among the rest, one person for another.
    for kind, pair_off in ((ChangeKind.ROLE_CHANGED, _same_person), (ChangeKind.CHANGED, _swaps)):
        for key, twin in list(pair_off(left, arrived, sides)):
            left.remove(key)
            arrived.remove(twin)
            yield sides.change(
                kind, unit, item, [key, twin], before=sides.was(key), after=sides.now(twin)
            )
    for key in left:
        yield sides.change(ChangeKind.REMOVED, unit, item, [key], before=sides.was(key))
    for key in arrived:
        yield sides.change(ChangeKind.ADDED, unit, item, [key], after=sides.now(key))


def _same_person(left, arrived, _sides):
    """Pairs (row that left, row that came) naming the same person: the role changed."""
    free = list(arrived)
    for key in left:
        twin = next((a for a in free if key[3] and a[3] == key[3]), None)
        if twin is not None:
            free.remove(twin)
            yield key, twin


def _swaps(left, arrived, sides):
    """Pairs (row that left, row that came) with the same role, one person for another.

    Rows without a role pair too (a person named alone, replaced by another).
    Among several, a pair keeps the priority and the place in the order where
    it can: the new deputy replaced the old deputy, not the ordinarie.
    """
    candidates = sorted(
        (
            sides.was_rows[key][0] != sides.now_rows[twin][0],
            abs(sides.was_rows[key][1] - sides.now_rows[twin][1]),
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


def _priority_changes(sides):
    """The same responsible, made deputy or ordinarie."""
    for key in sides.was_rows.keys() & sides.now_rows.keys():
        was_deputy, now_deputy = sides.was_rows[key][0], sides.now_rows[key][0]
        if was_deputy != now_deputy:
            kind = ChangeKind.MADE_DEPUTY if now_deputy else ChangeKind.MADE_PRIMARY
            yield sides.change(
                kind, key[0], key[1], [key], before=sides.was(key), after=sides.now(key)
            )


def version_diff(*, before, after=None, unit_ids=None, live=None):
    """Changes from version `before` to version `after` (None: the live register now).

    `live`: the live register at `unit_ids` in snapshot form, when the caller has read it
    already (snapshot_of); else it is read (snapshot_build).
    """
    organisation_id = before.organisation_id
    old = blueprint_snapshot(before, unit_ids)
    if after is not None:
        new = blueprint_snapshot(after, unit_ids)
    elif live is not None:
        new = live
    else:
        new = snapshot_build(organisation_id=organisation_id, unit_ids=unit_ids)
    return snapshot_diff(old, new, unit_ids=None if unit_ids is None else set(unit_ids))


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
    """The changes as rows for digiansvar.spreadsheets.writer (which escapes formula-like text)."""
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
