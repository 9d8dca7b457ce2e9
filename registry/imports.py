"""Import of the blueprint table (registry.resources.HEADERS) from csv, xlsx, ods or json.

One row of the file becomes many assignments, so this does not use
django-import-export's one-row-one-object model. It works in three steps:

1. read_table: the file's bytes → header and rows of text, or FileProblems
   (empty, too large, wrong type, wrong encoding, corrupt, wrong headers).
2. blueprint_import: in one transaction, lock the target units' rows, load
   everything the rows refer to with a handful of queries, check every row
   and compute what would change (new / changed / unchanged / removed).
3. Only when no row has an error and it is not a dry run: write the changes
   with bulk operations (history kept through simple_history's bulk helpers).

Any error leaves the database exactly as it was: nothing is written until
every row has been checked, and the writes run in the same transaction.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from organisation.models import Person, Unit
from organisation.permissions import can_edit_catalogue
from organisation.queries import MANAGE_UNIT
from registry.models import Area, Assignment, Column, Item, Role, group_of
from registry.notation import (
    NotationError,
    Responsible,
    format_responsible,
    parse_responsible,
)
from registry.resources import (
    AREA,
    COLUMN,
    DESCRIPTION,
    HEADERS,
    ITEM,
    KEYWORDS,
    OPTIONAL_HEADERS,
    RESPONSIBLE,
    UNIT,
    responsible_of,
    unescape_cell,
)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
IMPORT_FORMATS = ("csv", "xlsx", "ods", "json")
ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# A zip bomb guard for xlsx/ods: the unpacked sheet may be this many times the limit.
MAX_UNPACKED_FACTOR = 20
# Guards memory against a tiny ods that repeats one row millions of times.
MAX_ROWS = 200_000
ITEM_NAME_MAX = Item._meta.get_field("name").max_length

NEW = "new"
CHANGED = "changed"
UNCHANGED = "unchanged"
REMOVED = "removed"
STATUS_LABELS = {
    NEW: gettext_lazy("ny"),
    CHANGED: gettext_lazy("ändrad"),
    UNCHANGED: gettext_lazy("oförändrad"),
    REMOVED: gettext_lazy("borttagen"),
}


def max_bytes():
    return getattr(settings, "DIGIANSVAR_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


@dataclass
class Problem:
    """What is wrong, where: row (1 = header row, None = the whole file), column and value."""

    message: str
    row: int | None = None
    column: str = ""
    value: str = ""

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(_("Rad %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("kolumn ”%(column)s”") % {"column": self.column})
        if self.row is not None or self.column:
            where.append(_("värde ”%(value)s”") % {"value": shorten(self.value)})
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class FileProblems(Exception):
    """The file cannot be read as a blueprint table at all."""

    def __init__(self, problems):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def shorten(value, limit=80):
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


# --- 1. Reading the file ------------------------------------------------------


def file_format_of(filename):
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in IMPORT_FORMATS:
        raise FileProblems(
            [
                Problem(
                    _("Filtypen ”%(extension)s” stöds inte; använd csv, xlsx, ods eller json.")
                    % {"extension": extension or filename}
                )
            ]
        )
    return extension


def read_table(content, filename):
    """The file as (header, rows of text), or raise FileProblems.

    Rows keep their spreadsheet row number: rows[i] is row i + 2 (the header
    is row 1). Completely empty rows are left out.
    """
    file_format = file_format_of(filename)
    if not content:
        raise FileProblems([Problem(_("Filen är tom."))])
    if len(content) > max_bytes():
        raise FileProblems(
            [
                Problem(
                    _("Filen är %(size)s byte, större än gränsen %(limit)s byte.")
                    % {"size": len(content), "limit": max_bytes()}
                )
            ]
        )
    reader = {"csv": read_csv, "xlsx": read_xlsx, "ods": read_ods, "json": read_json}
    raw = reader[file_format](content)
    if len(raw) > MAX_ROWS + 1:
        raise FileProblems(
            [
                Problem(
                    _("Filen har fler än %(max)s rader.")
                    % {"max": f"{MAX_ROWS:,}".replace(",", " ")}
                )
            ]
        )
    table = [[cell_text(cell) for cell in row] for row in raw]
    numbered = [(number, row) for number, row in enumerate(table, start=1) if any(row)]
    if not numbered:
        raise FileProblems([Problem(_("Filen är tom."))])
    (header_number, header), rows = numbered[0], numbered[1:]
    check_header(header_number, header)
    if not rows:
        raise FileProblems([Problem(_("Filen har rubrikrad men inga rader."))])
    # An optional column the file does not have is None in every row ("leave as it is").
    width = header_width(header)
    missing = [None] * (len(HEADERS) - width)
    return [(number, (row + [""] * width)[:width] + missing) for number, row in rows]


def header_width(header):
    """How many of HEADERS the header line has (the optional ones may be left out)."""
    named = [position for position, name in enumerate(header) if name]
    return min(len(HEADERS), named[-1] + 1 if named else 0)


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_header(number, header):
    problems = []
    given = header_width(header)
    for position, expected in enumerate(HEADERS):
        if position >= given and expected in OPTIONAL_HEADERS:
            break
        found = header[position] if position < len(header) else ""
        if found.lstrip("\ufeff") != expected:
            problems.append(
                Problem(
                    _("Rubriken ska vara ”%(expected)s” (rubrikerna i ordning: %(all)s).")
                    % {"expected": expected, "all": ", ".join(HEADERS)},
                    row=number,
                    column=_("kolumn %(number)s") % {"number": position + 1},
                    value=found,
                )
            )
    for position, extra in enumerate(header[len(HEADERS) :], start=len(HEADERS) + 1):
        if extra:
            problems.append(
                Problem(
                    _("Okänd kolumn; filen ska bara ha kolumnerna %(all)s.")
                    % {"all": ", ".join(HEADERS)},
                    row=number,
                    column=_("kolumn %(number)s") % {"number": position},
                    value=extra,
                )
            )
    if problems:
        raise FileProblems(problems)


def read_csv(content):
    if ZIP_MAGIC in content[:4] or b"\x00" in content:
        raise FileProblems(
            [Problem(_("Filen är ingen textfil (csv), fast den heter .csv. Spara den som CSV."))]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        bad = content[error.start : error.end + 3]
        raise FileProblems(
            [
                Problem(
                    _(
                        "Filen är inte UTF-8-kodad (%(bytes)r). Spara den som "
                        "”CSV UTF-8 (kommaavgränsad)” i Excel eller med "
                        "teckenkodning UTF-8 i LibreOffice."
                    )
                    % {"bytes": bad},
                    row=line,
                    value=bad.decode("latin-1", "replace"),
                )
            ]
        ) from error
    # Excel in Swedish locale separates with ";", elsewhere with ",": the
    # header line tells which (it holds no quoted separators).
    first_line = text.partition("\n")[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return list(reader)
    except csv.Error as error:
        # Typically a stray quote: "abc"def. The line is the file's, not a row number.
        raise FileProblems(
            [
                Problem(
                    _("Rad %(line)s i filen: citattecknen stämmer inte (%(error)s).")
                    % {"line": reader.line_num, "error": error}
                )
            ]
        ) from error


def read_xlsx(content):
    from openpyxl import load_workbook

    if not content.startswith(ZIP_MAGIC):
        raise FileProblems([Problem(_("Filen är ingen xlsx-fil, fast den heter .xlsx."))])
    try:
        check_unpacked_size(content)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise FileProblems([Problem(_("Filen är ingen xlsx-fil, fast den heter .xlsx."))])
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
        workbook.close()
    except FileProblems:
        raise
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise FileProblems(
            [Problem(_("xlsx-filen är trasig eller ofullständig och kan inte läsas."))]
        ) from error
    return rows


TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def read_ods(content):
    """The first sheet of an ods file.

    Read from content.xml directly: tablib's ods reader drops repeated empty
    cells (shifting columns), keeps only a cell's first paragraph and loses
    runs of spaces (<text:s>).
    """
    if not content.startswith(ZIP_MAGIC):
        raise FileProblems([Problem(_("Filen är ingen ods-fil, fast den heter .ods."))])
    try:
        check_unpacked_size(content)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "mimetype" not in archive.namelist() or (
                archive.read("mimetype").strip() != ODS_MIMETYPE
            ):
                raise FileProblems([Problem(_("Filen är ingen ods-fil, fast den heter .ods."))])
            document = ElementTree.fromstring(archive.read("content.xml"))
    except FileProblems:
        raise
    except Exception as error:
        raise FileProblems(
            [Problem(_("ods-filen är trasig eller ofullständig och kan inte läsas."))]
        ) from error
    sheet = document.find(f".//{{{TABLE_NS}}}table")
    if sheet is None:
        return []
    rows = []
    for row in sheet.iter(f"{{{TABLE_NS}}}table-row"):
        cells = []
        for cell in row:
            if cell.tag not in (f"{{{TABLE_NS}}}table-cell", f"{{{TABLE_NS}}}covered-table-cell"):
                continue
            repeat = int(cell.get(f"{{{TABLE_NS}}}number-columns-repeated", "1"))
            value = ods_cell_text(cell)
            # LibreOffice pads rows with one empty cell repeated ~16,000 times;
            # nothing beyond the known columns matters (an extra header is an error).
            cells.extend([value] * min(repeat, len(HEADERS) + 1))
        if any(cells):
            repeat = int(row.get(f"{{{TABLE_NS}}}number-rows-repeated", "1"))
            rows.extend([cells] * min(repeat, MAX_ROWS + 1))
        else:
            rows.append([])
    return rows


def ods_cell_text(cell):
    paragraphs = cell.findall(f"{{{TEXT_NS}}}p")
    if not paragraphs:
        return cell.get(f"{{{OFFICE_NS}}}value", "")
    return "\n".join(ods_text(paragraph) for paragraph in paragraphs)


def ods_text(element):
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{{{TEXT_NS}}}s":
            parts.append(" " * int(child.get(f"{{{TEXT_NS}}}c", "1")))
        elif child.tag == f"{{{TEXT_NS}}}tab":
            parts.append("\t")
        elif child.tag == f"{{{TEXT_NS}}}line-break":
            parts.append("\n")
        else:
            parts.append(ods_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def check_unpacked_size(content):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > max_bytes() * MAX_UNPACKED_FACTOR:
        raise FileProblems(
            [
                Problem(
                    _("Filen packas upp till %(size)s byte, mer än gränsen %(limit)s byte.")
                    % {"size": unpacked, "limit": max_bytes() * MAX_UNPACKED_FACTOR}
                )
            ]
        )


def read_json(content):
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise FileProblems(
            [Problem(_("Filen är ingen giltig JSON (UTF-8): %(error)s.") % {"error": error})]
        ) from error
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise FileProblems(
            [Problem(_("JSON-filen ska vara en lista av objekt med kolumnerna som nycklar."))]
        )
    if not data:
        return []
    header = list(data[0])
    return [header] + [[row.get(name, "") for name in header] for row in data]


# --- 2. Checking and planning -------------------------------------------------


@dataclass
class RowResult:
    """One row of the preview: what the file says against what the database holds."""

    number: int | None
    unit: str
    area: str
    column: str
    item: str
    status: str
    before: str = ""
    after: str = ""
    description_before: str = ""
    description_after: str = ""

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def description_changed(self):
        return self.description_before != self.description_after


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    applied: bool = False
    items_created: int = 0
    items_updated: int = 0
    assignments_created: int = 0
    assignments_updated: int = 0
    assignments_deleted: int = 0

    @property
    def counts(self):
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def has_changes(self):
        return any(row.status != UNCHANGED for row in self.rows)

    def summary(self):
        counts = self.counts
        return _(
            "%(rows)s rader: %(new)s nya, %(changed)s ändrade, %(unchanged)s oförändrade, "
            "%(removed)s borttagna. Ansvariga: %(a_created)s tillagda, %(a_updated)s ändrade, "
            "%(a_deleted)s borttagna. Ansvarsområden: %(i_created)s nya, %(i_updated)s ändrade."
        ) % {
            "rows": len(self.rows),
            "new": counts[NEW],
            "changed": counts[CHANGED],
            "unchanged": counts[UNCHANGED],
            "removed": counts[REMOVED],
            "a_created": self.assignments_created,
            "a_updated": self.assignments_updated,
            "a_deleted": self.assignments_deleted,
            "i_created": self.items_created,
            "i_updated": self.items_updated,
        }


def may_edit_organisation_wide(user):
    return user is None or (user.is_active and (user.is_superuser or user.has_perm(MANAGE_UNIT)))


@transaction.atomic
def blueprint_import(
    *,
    content: bytes,
    filename: str,
    user=None,
    unit: Unit | None = None,
    replace: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Check a blueprint file and, unless dry_run or any row is wrong, apply it.

    `user` limits the import to Unit.objects.editable_by(user) (None: every
    unit, as for management commands). `unit` limits it to one unit: rows
    for other units are errors. `replace` removes the assignments of the
    file's units (or of `unit`) that the file does not list; without it the
    import only adds and updates. Raises FileProblems when the file cannot
    be read; row errors are returned in result.errors and nothing is written.
    """
    result = ImportResult()
    rows = read_table(content, filename)
    plan = Plan(rows=rows, user=user, only_unit=unit, replace=replace, result=result)
    plan.check_and_compute()
    if result.errors or dry_run:
        return result
    plan.apply(reason=_("Import från %(file)s") % {"file": filename})
    result.applied = True
    return result


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
        self.keywords = {}  # item key → (row number, keywords), when the file has Sökord

    def error(self, number, column, value, message):
        self.result.errors.append(Problem(message, row=number, column=column, value=value))

    # Loading --------------------------------------------------------------

    def load(self):
        slugs = {row[0] for _number, row in self.rows if row[0]}
        if self.only_unit:
            slugs.add(self.only_unit.slug)
        # Lock the target units' rows so that two imports into the same unit
        # run one after the other (SQLite serialises writers anyway).
        self.units = {
            unit.slug: unit
            for unit in Unit.objects.select_for_update().filter(slug__in=slugs).order_by("pk")
        }
        editable = Unit.objects.filter(pk__in=[u.pk for u in self.units.values()])
        if self.user is not None:
            editable = editable.editable_by(self.user)
        self.editable_ids = set(editable.values_list("pk", flat=True))
        self.organisation_wide_allowed = may_edit_organisation_wide(self.user)
        self.may_edit_catalogue = self.user is None or can_edit_catalogue(self.user)

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
        for person in Person.objects.filter(initials__in=initials):
            self.people.setdefault(person.initials, []).append(person)

        unit_ids = [unit.pk for unit in self.units.values()]
        existing = Assignment.objects.filter(kind=Assignment.Kind.RESPONSIBLE).select_related(
            "person", "role"
        )
        with_wide = any(not row[0] for _number, row in self.rows)
        existing = existing.filter(
            Q(unit_id__in=unit_ids) | Q(unit__isnull=True) if with_wide else Q(unit_id__in=unit_ids)
        )
        self.existing = {}
        for assignment in existing.order_by("order", "pk"):
            self.existing.setdefault((assignment.item_id, assignment.unit_id), []).append(
                assignment
            )

    # Checking -------------------------------------------------------------

    def check_and_compute(self):
        self.load()
        seen_rows = {}
        descriptions = {}
        touched = set()
        updated_ids = set()
        next_order = (Item.objects.aggregate(m=Max("order"))["m"] or 0) + 1
        for number, row in self.rows:
            slug, area_name, column_name, item_name, responsible, description, keywords = (
                None if cell is None else unescape_cell(cell) for cell in row
            )
            errors_before = len(self.result.errors)
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
                continue

            key = (slug, column.pk, item_name)
            if key in seen_rows:
                self.error(
                    number,
                    ITEM,
                    item_name,
                    _("Raden finns redan på rad %(other)s (samma enhet, kolumn och ansvarsområde).")
                    % {"other": seen_rows[key]},
                )
                continue
            seen_rows[key] = number
            item_key = (column.pk, item_name)
            if item_key in descriptions and descriptions[item_key][1] != description:
                self.error(
                    number,
                    DESCRIPTION,
                    description,
                    _("Beskrivningen skiljer sig från rad %(other)s för samma ansvarsområde.")
                    % {"other": descriptions[item_key][0]},
                )
                continue
            descriptions[item_key] = (number, description)
            if keywords is not None:
                if item_key in self.keywords and self.keywords[item_key][1] != keywords:
                    self.error(
                        number,
                        KEYWORDS,
                        keywords,
                        _("Sökorden skiljer sig från rad %(other)s för samma ansvarsområde.")
                        % {"other": self.keywords[item_key][0]},
                    )
                    continue
                self.keywords[item_key] = (number, keywords)

            item = self.items.get(item_key)
            keywords_changed = (
                keywords is not None and item is not None and (item.keywords != keywords)
            )
            if not self.may_edit_catalogue and (
                item is None or (item.pk and item.description != description) or keywords_changed
            ):
                # Items are shared by every unit: only catalogue editors add or describe them.
                if item is None:
                    self.error(
                        number,
                        ITEM,
                        item_name,
                        _("Okänt ansvarsområde i kolumnen %(column)s; du får inte lägga till nya.")
                        % {"column": column_name},
                    )
                elif keywords_changed:
                    self.error(
                        number,
                        KEYWORDS,
                        keywords,
                        _("Du får inte ändra ansvarsområdets sökord (nu ”%(old)s”).")
                        % {"old": shorten(item.keywords)},
                    )
                else:
                    self.error(
                        number,
                        DESCRIPTION,
                        description,
                        _("Du får inte ändra ansvarsområdets beskrivning (nu ”%(old)s”).")
                        % {"old": shorten(item.description)},
                    )
                continue
            if item is None:
                item = Item(
                    column=column, name=item_name, description=description, keywords=keywords or ""
                )
                item.group = group_of(item_name)
                item.order = next_order
                next_order += 1
                self.items[item_key] = item
                self.items_to_create.append(item)
            elif (
                item.pk
                and (item.description != description or keywords_changed)
                and item.pk not in updated_ids
            ):
                updated_ids.add(item.pk)
                self.items_to_update.append(item)
            unit_id = unit.pk if unit else None
            touched.add((item_key, unit_id))
            status, before, after = self.compute_row(item, item_key, unit, entries)
            description_before = item.description if item.pk else ""
            if status == UNCHANGED and (
                description_before != description or (item.pk and keywords_changed)
            ):
                status = CHANGED
            if status != UNCHANGED and unit is None and not self.organisation_wide_allowed:
                self.error(
                    number,
                    UNIT,
                    slug,
                    _("Du får inte ändra ansvar för hela huvudmannen (tom enhet)."),
                )
                continue
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
                )
            )
        for item in self.items_to_update:
            item.description = descriptions[(item.column_id, item.name)][1]
            if (item.column_id, item.name) in self.keywords:
                item.keywords = self.keywords[(item.column_id, item.name)][1]
        if self.replace and not self.result.errors:
            self.compute_removals(touched)
        self.result.items_created = len(self.items_to_create)
        self.result.items_updated = len(self.items_to_update)
        self.result.assignments_created = len(self.assignments_to_create)
        self.result.assignments_updated = len(self.assignments_to_update)
        self.result.assignments_deleted = len(self.assignments_to_delete)

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
                if unit is not None:
                    candidates = [
                        p for p in candidates if p.organisation_id == unit.organisation_id
                    ]
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

    # Writing --------------------------------------------------------------

    def apply(self, *, reason):
        user = self.user
        now = timezone.now()
        if self.items_to_create:
            bulk_create_with_history(
                self.items_to_create,
                Item,
                batch_size=1000,
                default_user=user,
                default_change_reason=reason,
                default_date=now,
            )
        if self.items_to_update:
            bulk_update_with_history(
                self.items_to_update,
                Item,
                ["description", "keywords"],
                batch_size=1000,
                default_user=user,
                default_change_reason=reason,
                default_date=now,
            )
        if self.assignments_to_create:
            self.insert_assignments(user=user, reason=reason, now=now)
        if self.assignments_to_update:
            bulk_update_with_history(
                self.assignments_to_update,
                Assignment,
                ["priority", "order"],
                batch_size=1000,
                default_user=user,
                default_change_reason=reason,
                default_date=now,
            )
        if self.assignments_to_delete:
            pks = [a.pk for a in self.assignments_to_delete]
            for start in range(0, len(pks), 900):  # SQLite's limit on query parameters
                chunk = pks[start : start + 900]
                Assignment.objects.filter(pk__in=chunk).delete()
                # simple_history wrote the "-" records from the delete signals;
                # give them the import's user and reason like the other records.
                Assignment.history.filter(
                    history_type="-", id__in=chunk, history_date__gte=now
                ).update(history_user=user, history_change_reason=reason)

    def insert_assignments(self, *, user, reason, now):
        """Insert the new assignments and their "+" history records.

        bulk_create prepares every value through the ORM, which for tens of
        thousands of rows costs several times what the database does; here
        the rows go to executemany as they are, and the new ids are read back
        by their natural key (item, unit, role, person, kind R is unique).
        """
        kind = Assignment.Kind.RESPONSIBLE
        columns = ["item_id", "unit_id", "role_id", "person_id", "kind", "priority", "order"]
        rows = [
            (self.items[item_key].pk, unit_id, role_id, person_id, kind, priority, order)
            for item_key, unit_id, role_id, person_id, priority, order in self.assignments_to_create
        ]
        insert_rows(Assignment, columns, rows)

        unit_ids = {row[1] for row in rows}
        created = Assignment.objects.filter(kind=kind).filter(
            Q(unit_id__in=unit_ids - {None}) | Q(unit__isnull=True)
            if None in unit_ids
            else Q(unit_id__in=unit_ids)
        )
        ids = {
            (item_id, unit_id, role_id, person_id): pk
            for pk, item_id, unit_id, role_id, person_id in created.values_list(
                "pk", "item_id", "unit_id", "role_id", "person_id"
            )
        }
        history = Assignment.history.model
        date = history._meta.get_field("history_date").get_db_prep_save(now, connection)
        insert_rows(
            history,
            [
                "id",
                *columns,
                "history_date",
                "history_change_reason",
                "history_type",
                "history_user_id",
            ],
            [(ids[row[:4]], *row, date, reason, "+", user.pk if user else None) for row in rows],
        )


def insert_rows(model, fields, rows):
    """INSERT rows (tuples of database values in the order of `fields`) with one executemany."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})",
            rows,
        )


def to_responsible(person, role, deputy):
    return Responsible(
        initials=person.initials if person else "",
        role_code=role.code if role else "",
        deputy=deputy,
    )


def priority_of(deputy):
    return Assignment.Priority.DEPUTY if deputy else Assignment.Priority.PRIMARY
