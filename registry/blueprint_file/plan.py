"""Step 2 of a blueprint import: check every row and plan what would change.

In one transaction (blueprint_import's), Plan locks the target units' rows,
loads everything the rows refer to with a handful of queries, checks every
row (Swedish messages naming row, column and value) and computes what would
change: new / changed / unchanged / removed rows, and the items and
assignments to create, update and delete. Nothing is written here; see
apply.py.
"""

from django.db.models import Max, Q
from django.utils.translation import gettext as _

from digiansvar.spreadsheets.reader import Problem, shorten
from organisation.models import Organisation, Person, ProblemKind, Unit
from organisation.queries import MANAGE_UNIT
from registry.blueprint_file.format import (
    AREA,
    COLUMN,
    DESCRIPTION,
    ITEM,
    KEYWORDS,
    NEEDS_DEPUTY,
    NO,
    RESPONSIBLE,
    SUPPORT_KIND,
    UNIT,
    YES,
    responsible_of,
)
from registry.blueprint_file.result import CHANGED, NEW, REMOVED, UNCHANGED, RowResult
from registry.models import Area, Assignment, Column, Item, Role, group_of
from registry.notation import (
    NotationError,
    Responsible,
    format_responsible,
    parse_responsible,
)
from registry.permissions import can_edit_catalogue

ITEM_NAME_MAX = Item._meta.get_field("name").max_length


def can_edit_organisation_wide(user):
    """May import rows for the whole huvudman (no unit); None is a management command."""
    return user is None or (user.is_active and (user.is_superuser or user.has_perm(MANAGE_UNIT)))


class Plan:
    """Loads what the rows refer to, checks them, computes and applies the changes."""

    def __init__(self, *, rows, user, only_unit, replace, result):
        self.rows = rows
        self.user = user
        self.only_unit = only_unit
        self.replace = replace
        self.result = result
        self.items_to_create = []
        self.items_to_update = []
        # (item key, unit id, role id, person id, priority, order): plain tuples,
        # as model instances cost more than the check itself on big files.
        self.assignments_to_create = []
        self.assignments_to_update = []
        self.assignments_to_delete = []
        # The item's own fields the file may carry (None: the file leaves them
        # out): field → {item key → (row number, value)}.
        self.item_values = {name: {} for name in ITEM_FIELDS}

    def error(self, number, column, value, message):
        self.result.errors.append(Problem(message, row=number, column=column, value=value))

    # Loading --------------------------------------------------------------

    def scoped(self, queryset, action="view"):
        """The rows the importing user may `action` (restrict); every row for a command."""
        return queryset if self.user is None else queryset.restrict(self.user, action)

    def load(self):
        slugs = {row[0] for _number, row in self.rows if row[0]}
        if self.only_unit:
            slugs.add(self.only_unit.slug)
        # Lock the target units' rows so that two imports into the same unit
        # run one after the other (SQLite serialises writers anyway). A unit
        # the user may not see is unknown, as if it did not exist.
        self.units = {
            unit.slug: unit
            for unit in self.scoped(Unit.objects.all())
            .select_for_update()
            .filter(slug__in=slugs)
            .order_by("pk")
        }
        editable = self.scoped(
            Unit.objects.filter(pk__in=[u.pk for u in self.units.values()]), "change"
        )
        self.editable_ids = set(editable.values_list("pk", flat=True))
        # The huvudmän the file is about: its units'; a file of organisation-wide
        # rows only is about those where the user may change. Organisation-wide
        # rows of other huvudmän are neither read, matched nor removed.
        self.organisation_ids = {unit.organisation_id for unit in self.units.values()} or set(
            self.scoped(Organisation.objects.all(), "change").values_list("pk", flat=True)
        )
        self.organisation_wide_allowed = can_edit_organisation_wide(self.user)
        self.catalogue_allowed = self.user is None or can_edit_catalogue(self.user)

        self.areas = {area.name: area for area in Area.objects.all()}
        self.columns = {(column.area_id, column.name): column for column in Column.objects.all()}
        self.items = {
            (item.column_id, item.name): item
            for item in Item.objects.select_related("column__area")
        }
        self.roles = {role.code: role for role in Role.objects.all()}
        self.role_codes = set(self.roles)
        initials = set()
        for _number, row in self.rows:
            for part in row[4].split(";"):
                initials.add(part.split()[0] if part.split() else "")
        self.people = {}
        for person in self.scoped(Person.objects.filter(initials__in=initials)):
            self.people.setdefault(person.initials, []).append(person)

        unit_ids = [unit.pk for unit in self.units.values()]
        existing = self.scoped(
            Assignment.objects.filter(kind=Assignment.Kind.RESPONSIBLE).select_related(
                "person", "role"
            )
        )
        scope = Q(unit_id__in=unit_ids)
        if any(not row[0] for _number, row in self.rows):
            scope |= Q(unit__isnull=True) & (
                Q(person__isnull=True) | Q(person__organisation_id__in=self.organisation_ids)
            )
        existing = existing.filter(scope)
        self.existing = {}
        for assignment in existing.order_by("order", "pk"):
            self.existing.setdefault((assignment.item_id, assignment.unit_id), []).append(
                assignment
            )

    # Checking -------------------------------------------------------------

    def check_and_compute(self):
        self.load()
        self.seen_rows = {}  # (unit slug, column id, item name) → row number
        self.descriptions = {}  # item key → (row number, description)
        self.touched = set()  # (item key, unit id) the file lists
        self.updated_ids = set()
        self.next_order = (Item.objects.aggregate(m=Max("order"))["m"] or 0) + 1
        for number, row in self.rows:
            self.plan_row(number, row)
        self.set_item_fields()
        if self.replace and not self.result.errors:
            self.compute_removals(self.touched)
        self.count()

    def plan_row(self, number, row):
        """Check one row and plan its item and its responsible; errors go to the result."""
        # row[9], Enhetsnamn, is for the reader: the unit is its slug.
        slug, area_name, column_name, item_name, _responsible, description = row[:6]
        checked = self.check_row(number, row)
        if checked is None:
            return
        values, unit, column, entries = checked
        item_key = (column.pk, item_name)
        if not self.check_repeats(number, row, (slug, *item_key), values):
            return
        item = self.items.get(item_key)
        # The item's fields this row changes (only those the file has).
        changes = [
            name
            for name, value in values.items()
            if value is not None and item is not None and getattr(item, name) != value
        ]
        if not self.catalogue_allowed and (
            item is None or (item.pk and item.description != description) or changes
        ):
            # Items are shared by every unit: only catalogue editors add or describe them.
            self.error_catalogue(number, row, item, values, changes)
            return
        item = self.plan_item(item, item_key, column, description, values, changes)
        self.touched.add((item_key, unit.pk if unit else None))
        status, before, after = self.compute_row(item, item_key, unit, entries)
        description_before = item.description if item.pk else ""
        if status == UNCHANGED and (description_before != description or (item.pk and changes)):
            status = CHANGED
        if status != UNCHANGED and unit is None and not self.organisation_wide_allowed:
            self.error(
                number, UNIT, slug, _("Du får inte ändra ansvar för hela huvudmannen (tom enhet).")
            )
            return
        self.result.rows.append(
            RowResult(
                number=number,
                unit=slug,
                area=area_name,
                column=column_name,
                item=item_name,
                status=status,
                before=before,
                after=after,
                description_before=description_before,
                description_after=description,
                keywords_before=item.keywords if item.pk else "",
                keywords_after=item.keywords if values["keywords"] is None else values["keywords"],
                marks_before=marks_of(item) if item.pk else "",
                marks_after=marks_of(item, values),
            )
        )

    def check_row(self, number, row):
        """Each cell on its own: (item values, unit, column, responsible entries), or None
        when any is wrong."""
        slug, area_name, column_name, item_name, responsible = row[:5]
        errors_before = len(self.result.errors)
        values = {
            "keywords": row[6],
            "needs_deputy": self.check_needs_deputy(number, row[7]),
            "support_kind": self.check_support_kind(number, row[8]),
        }
        unit = self.check_unit(number, slug)
        column = self.check_column(number, area_name, column_name)
        if not item_name:
            self.error(number, ITEM, item_name, _("Ansvarsområdet saknas."))
        elif len(item_name) > ITEM_NAME_MAX:
            self.error(
                number,
                ITEM,
                item_name,
                _("Namnet är längre än %(max)s tecken.") % {"max": ITEM_NAME_MAX},
            )
        entries = self.check_responsible(number, responsible, unit)
        if len(self.result.errors) > errors_before or column is None:
            return None
        return values, unit, column, entries

    def check_repeats(self, number, row, key, values):
        """A row once per unit and item; the item's description and fields the same on
        every row of the item."""
        item_name, description = row[3], row[5]
        if key in self.seen_rows:
            self.error(
                number,
                ITEM,
                item_name,
                _("Raden finns redan på rad %(other)s (samma enhet, kolumn och ansvarsområde).")
                % {"other": self.seen_rows[key]},
            )
            return False
        self.seen_rows[key] = number
        item_key = key[1:]
        seen = self.descriptions.get(item_key)
        if seen is not None and seen[1] != description:
            self.error(
                number,
                DESCRIPTION,
                description,
                _("Beskrivningen skiljer sig från rad %(other)s för samma ansvarsområde.")
                % {"other": seen[0]},
            )
            return False
        self.descriptions[item_key] = (number, description)
        return self.same_item_values(number, item_key, values, row)

    def error_catalogue(self, number, row, item, values, changes):
        """The row would add or change an item, which the user may not."""
        if item is None:
            self.error(
                number,
                ITEM,
                row[3],
                _("Okänt ansvarsområde i kolumnen %(column)s; du får inte lägga till nya.")
                % {"column": row[2]},
            )
        elif changes == ["keywords"]:
            self.error(
                number,
                KEYWORDS,
                values["keywords"],
                _("Du får inte ändra ansvarsområdets sökord (nu ”%(old)s”).")
                % {"old": shorten(item.keywords)},
            )
        elif changes:
            name = next(name for name in changes if name != "keywords")
            self.error(
                number,
                ITEM_FIELDS[name],
                row[ITEM_COLUMNS[name]],
                _("Du får inte ändra ansvarsområdets ”%(column)s” (nu ”%(old)s”).")
                % {"column": ITEM_FIELDS[name], "old": file_value(name, item)},
            )
        else:
            self.error(
                number,
                DESCRIPTION,
                row[5],
                _("Du får inte ändra ansvarsområdets beskrivning (nu ”%(old)s”).")
                % {"old": shorten(item.description)},
            )

    def plan_item(self, item, item_key, column, description, values, changes):
        """The row's item: a new one to create, or the existing one, to update if it changes."""
        if item is None:
            item = Item(
                column=column,
                name=item_key[1],
                description=description,
                keywords=values["keywords"] or "",
                needs_deputy=values["needs_deputy"] or False,
                support_kind=values["support_kind"] or "",
            )
            item.group = group_of(item.name)
            item.order = self.next_order
            self.next_order += 1
            self.items[item_key] = item
            self.items_to_create.append(item)
        elif (
            item.pk
            and (item.description != description or changes)
            and item.pk not in self.updated_ids
        ):
            self.updated_ids.add(item.pk)
            self.items_to_update.append(item)
        return item

    def set_item_fields(self):
        """The items to update take the file's description and fields."""
        for item in self.items_to_update:
            key = (item.column_id, item.name)
            item.description = self.descriptions[key][1]
            for name, by_item in self.item_values.items():
                if key in by_item:
                    setattr(item, name, by_item[key][1])

    def count(self):
        self.result.items_created = len(self.items_to_create)
        self.result.items_updated = len(self.items_to_update)
        self.result.assignments_created = len(self.assignments_to_create)
        self.result.assignments_updated = len(self.assignments_to_update)
        self.result.assignments_deleted = len(self.assignments_to_delete)

    def check_needs_deputy(self, number, text):
        """Kräver ersättare: True for "ja", False for "nej" or empty; None without the column."""
        if text is None:
            return None
        answer = text.strip().casefold()
        if answer in ("", NO):
            return False
        if answer == YES:
            return True
        self.error(number, NEEDS_DEPUTY, text, _("Skriv ”ja”, ”nej” eller lämna tomt."))
        return None

    def check_support_kind(self, number, text):
        """Lokalt stöd för: a ProblemKind value or "", None when the file has no such column."""
        if text is None:
            return None
        kind = text.strip().casefold()
        if kind == "" or kind in ProblemKind.values:
            return kind
        self.error(
            number, SUPPORT_KIND, text, _("Skriv teknik, system eller pedagogik, eller lämna tomt.")
        )
        return None

    def same_item_values(self, number, item_key, values, row):
        """The item's fields must be the same on every row of the item (one row per unit)."""
        for name, value in values.items():
            if value is None:
                continue
            seen = self.item_values[name].get(item_key)
            if seen is not None and seen[1] != value:
                message = (
                    _("Sökorden skiljer sig från rad %(other)s för samma ansvarsområde.")
                    if name == "keywords"
                    else _("Värdet skiljer sig från rad %(other)s för samma ansvarsområde.")
                )
                self.error(
                    number,
                    ITEM_FIELDS[name],
                    row[ITEM_COLUMNS[name]],
                    message % {"other": seen[0]},
                )
                return False
            self.item_values[name][item_key] = (number, value)
        return True

    def check_unit(self, number, slug):
        if not slug:
            if self.only_unit:
                self.error(
                    number,
                    UNIT,
                    slug,
                    _("Importen gäller enheten ”%(unit)s”; raden saknar enhet.")
                    % {"unit": self.only_unit.slug},
                )
            return None
        unit = self.units.get(slug)
        if unit is None:
            self.error(number, UNIT, slug, _("Okänd enhet."))
        elif self.only_unit and unit.pk != self.only_unit.pk:
            self.error(
                number,
                UNIT,
                slug,
                _("Importen gäller bara enheten ”%(unit)s”.") % {"unit": self.only_unit.slug},
            )
        elif unit.pk not in self.editable_ids:
            self.error(number, UNIT, slug, _("Du får inte ändra den här enhetens ansvar."))
        else:
            return unit
        return None

    def check_column(self, number, area_name, column_name):
        area = self.areas.get(area_name)
        if area is None:
            self.error(
                number,
                AREA,
                area_name,
                _("Okänt område; kända är %(known)s.") % {"known": ", ".join(self.areas)},
            )
            return None
        column = self.columns.get((area.pk, column_name))
        if column is None:
            known = [name for area_id, name in self.columns if area_id == area.pk]
            self.error(
                number,
                COLUMN,
                column_name,
                _("Okänd kolumn i området %(area)s; kända är %(known)s.")
                % {"area": area_name, "known": ", ".join(known)},
            )
        return column

    def check_responsible(self, number, text, unit):
        try:
            parsed = parse_responsible(text, self.role_codes)
        except NotationError as error:
            self.error(number, RESPONSIBLE, text, str(error))
            return []
        entries = []
        seen = set()
        for entry in parsed:
            person = None
            if entry.initials:
                candidates = self.people.get(entry.initials, [])
                # At a unit: its huvudman's person; organisation-wide: one of
                # the huvudmän the file is about.
                organisation_ids = {unit.organisation_id} if unit else self.organisation_ids
                candidates = [p for p in candidates if p.organisation_id in organisation_ids]
                if len(candidates) != 1:
                    self.error(
                        number,
                        RESPONSIBLE,
                        text,
                        (
                            _("Okänd person ”%(initials)s”; lägg till personen först.")
                            if not candidates
                            else _("Initialerna ”%(initials)s” finns hos flera huvudmän.")
                        )
                        % {"initials": entry.initials},
                    )
                    continue
                person = candidates[0]
            role = self.roles.get(entry.role_code) if entry.role_code else None
            key = (person.pk if person else None, role.pk if role else None)
            if key in seen:
                self.error(
                    number, RESPONSIBLE, text, _("”%(entry)s” står två gånger.") % {"entry": entry}
                )
                continue
            seen.add(key)
            entries.append((person, role, entry.deputy))
        return entries

    # Planning -------------------------------------------------------------

    def compute_row(self, item, item_key, unit, entries):
        """Plan one row; return (status, Ansvariga before, Ansvariga after).

        Replace mode: the cell is the whole list, in its order. Default mode:
        the cell's entries are added or get the cell's priority; existing
        entries keep their place and new ones go after them.
        """
        unit_id = unit.pk if unit else None
        existing = self.existing.get((item.pk, unit_id), []) if item.pk else []
        before = format_responsible(responsible_of(a) for a in existing)
        by_key = {(a.person_id, a.role_id): a for a in existing}
        wanted = {
            (person.pk if person else None, role.pk if role else None): (person, role, deputy)
            for person, role, deputy in entries
        }
        changed = False

        def create(person, role, deputy, order):
            self.assignments_to_create.append(
                (
                    item_key,
                    unit_id,
                    role.pk if role else None,
                    person.pk if person else None,
                    priority_of(deputy),
                    order,
                )
            )

        if self.replace:
            removed = [a for a in existing if (a.person_id, a.role_id) not in wanted]
            self.assignments_to_delete.extend(removed)
            same_order = [(a.person_id, a.role_id) for a in existing] == list(wanted)
            changed = bool(removed) or not same_order
            for order, (key, (person, role, deputy)) in enumerate(wanted.items()):
                assignment = by_key.get(key)
                if assignment is None:
                    create(person, role, deputy, order)
                    continue
                new_order = assignment.order if same_order else order
                if (assignment.priority, assignment.order) != (priority_of(deputy), new_order):
                    changed = True
                    assignment.priority, assignment.order = priority_of(deputy), new_order
                    self.assignments_to_update.append(assignment)
            after = format_responsible(to_responsible(*entry) for entry in wanted.values())
        else:
            final = []
            for assignment in existing:
                entry = wanted.get((assignment.person_id, assignment.role_id))
                if entry and assignment.priority != priority_of(entry[2]):
                    changed = True
                    assignment.priority = priority_of(entry[2])
                    self.assignments_to_update.append(assignment)
                final.append(responsible_of(assignment))
            order = max((a.order for a in existing), default=-1) + 1
            for key, (person, role, deputy) in wanted.items():
                if key not in by_key:
                    changed = True
                    create(person, role, deputy, order)
                    final.append(to_responsible(person, role, deputy))
                    order += 1
            after = format_responsible(final)
        if not item.pk or (not existing and entries):
            return NEW, before, after
        return (CHANGED if changed else UNCHANGED), before, after

    def compute_removals(self, touched):
        """Replace mode: the target units' items that the file leaves out lose their responsible."""
        scope = {unit.pk for unit in self.units.values()}
        if self.only_unit:
            scope = {self.only_unit.pk}
        if any(unit_id is None for _key, unit_id in touched) and self.organisation_wide_allowed:
            scope.add(None)
        touched_ids = {(self.items[item_key].pk, unit_id) for item_key, unit_id in touched}
        slugs = {unit.pk: unit.slug for unit in self.units.values()}
        items_by_pk = {item.pk: item for item in self.items.values() if item.pk}
        for (item_id, unit_id), assignments in self.existing.items():
            if unit_id not in scope or (item_id, unit_id) in touched_ids:
                continue
            item = items_by_pk[item_id]
            self.assignments_to_delete.extend(assignments)
            self.result.rows.append(
                RowResult(
                    number=None,
                    unit=slugs.get(unit_id, ""),
                    area=item.column.area.name,
                    column=item.column.name,
                    item=item.name,
                    status=REMOVED,
                    before=format_responsible(responsible_of(a) for a in assignments),
                    after="",
                    description_before=item.description,
                    description_after=item.description,
                )
            )


# The item's fields a file may carry, with their column and place in a row.
ITEM_FIELDS = {"keywords": KEYWORDS, "needs_deputy": NEEDS_DEPUTY, "support_kind": SUPPORT_KIND}
ITEM_COLUMNS = {"keywords": 6, "needs_deputy": 7, "support_kind": 8}


def file_value(name, item, values=None):
    """The item's field as the file writes it ("ja", "teknik"), or the row's value."""
    value = getattr(item, name) if values is None or values[name] is None else values[name]
    if name == "needs_deputy":
        return YES if value else ""
    return value


def marks_of(item, values=None):
    """Kräver ersättare and Lokalt stöd för in one text, for the preview."""
    parts = []
    for name in ("needs_deputy", "support_kind"):
        value = file_value(name, item, values)
        if value:
            parts.append(f"{ITEM_FIELDS[name]}: {value}")
    return "; ".join(parts)


def to_responsible(person, role, deputy):
    return Responsible(
        initials=person.initials if person else "",
        role_code=role.code if role else "",
        deputy=deputy,
    )


def priority_of(deputy):
    return Assignment.Priority.DEPUTY if deputy else Assignment.Priority.PRIMARY
