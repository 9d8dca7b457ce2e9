"""Spreadsheet formats: the blueprint table and the people/roles resources for admin.

The blueprint table has one row per item and unit, all the item's responsible
at that unit in one cell in the poster's notation (README, "Spreadsheets"):

    Enhet | Område | Kolumn | Ansvarsområde | Ansvariga | Beskrivning | Sökord

Rows are keyed by natural keys (unit slug, area name, column name, item name),
never by database ids, so an exported file re-imports as "no changes".
Organisation-wide assignments (no unit) get their own row with an empty Enhet.
"""

import csv
import io

import tablib
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats

from organisation.models import Appointment, Organisation, Person, Position, Unit
from registry.models import Assignment, Role
from registry.notation import Responsible, format_responsible

UNIT = "Enhet"
AREA = "Område"
COLUMN = "Kolumn"
ITEM = "Ansvarsområde"
RESPONSIBLE = "Ansvariga"
DESCRIPTION = "Beskrivning"
KEYWORDS = "Sökord"
HEADERS = [UNIT, AREA, COLUMN, ITEM, RESPONSIBLE, DESCRIPTION, KEYWORDS]
# Files written before the search (issue 12) have no Sökord: they still import,
# and leave the items' keywords as they are.
OPTIONAL_HEADERS = [KEYWORDS]

EXPORT_FORMATS = ["csv", "xlsx", "ods", "json"]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "json": "application/json",
}

# A spreadsheet program runs a cell that starts with one of these as a formula
# (OWASP "CSV injection"). Exports prefix such cells with an apostrophe, which
# makes them text; imports remove exactly that apostrophe again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def escape_cell(value):
    """The cell text a spreadsheet program shows as text, never runs as a formula."""
    value = "" if value is None else str(value)
    if value.startswith(FORMULA_STARTS):
        return TEXT_MARK + value
    return value


def unescape_cell(value):
    """Undo escape_cell: "'=SUM(A1)" → "=SUM(A1)"; everything else is kept as written."""
    if value.startswith(TEXT_MARK) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def responsible_of(assignment):
    return Responsible(
        initials=assignment.person.initials if assignment.person_id else "",
        role_code=assignment.role.code if assignment.role_id else "",
        deputy=assignment.priority == Assignment.Priority.DEPUTY,
    )


def blueprint_dataset(*, units, items, organisation_wide=True):
    """The blueprint as a tablib.Dataset in the documented format, with three queries.

    `units` (queryset or list) are the units to export, in their order; `items`
    is an Item queryset, already filtered. Every item gets one row per unit,
    also when nobody is responsible there yet, so the file is a complete form
    for the unit. With `organisation_wide`, items that have organisation-wide
    assignments (unit empty) get one more row each, with an empty Enhet,
    before the units' rows; people of other huvudmän than the units' are left
    out of them. Rows run unit by unit, each in poster order.
    Only kind R (ansvarig) is in the notation; A/C/I assignments are left out.
    """
    units = list(units)
    # Poster order whatever order the caller's queryset has.
    items = sorted(
        items.select_related("column__area"),
        key=lambda i: (i.column.area.order, i.column.order, i.order, i.name),
    )
    unit_ids = [unit.pk for unit in units]
    by_item_unit = {}
    if items:
        assignments = Assignment.objects.filter(
            item__in=[item.pk for item in items], kind=Assignment.Kind.RESPONSIBLE
        ).select_related("person", "role")
        if organisation_wide and units:
            # An organisation-wide row naming a person of another huvudman
            # than the exported units' must not reveal that person.
            organisation_ids = {unit.organisation_id for unit in units}
            assignments = assignments.filter(
                Q(unit_id__in=unit_ids)
                | Q(unit__isnull=True, person__isnull=True)
                | Q(unit__isnull=True, person__organisation_id__in=organisation_ids)
            )
        else:
            assignments = assignments.filter(unit_id__in=unit_ids)
        for assignment in assignments.order_by("order", "pk"):
            by_item_unit.setdefault((assignment.item_id, assignment.unit_id), []).append(
                responsible_of(assignment)
            )

    dataset = tablib.Dataset(headers=HEADERS, title="Ansvarsfördelning")
    blocks = [("", None)] if organisation_wide else []
    blocks += [(unit.slug, unit.pk) for unit in units]
    for slug, unit_id in blocks:
        for item in items:
            entries = by_item_unit.get((item.pk, unit_id))
            if unit_id is None and not entries:
                continue
            dataset.append(
                [
                    escape_cell(slug),
                    escape_cell(item.column.area.name),
                    escape_cell(item.column.name),
                    escape_cell(item.name),
                    escape_cell(format_responsible(entries or [])),
                    escape_cell(item.description),
                    escape_cell(item.keywords),
                ]
            )
    return dataset


def dataset_to_bytes(dataset, file_format, *, bom=False):
    """The dataset as a file: csv is `;`-separated UTF-8 (Excel in Swedish locale).

    `bom` puts a byte-order mark first, which Excel needs to read UTF-8; the
    command leaves it out so the seed exports byte for byte as its file.
    """
    if file_format == "csv":
        stream = io.StringIO()
        writer = csv.writer(stream, delimiter=";", lineterminator="\n")
        writer.writerow(dataset.headers)
        writer.writerows(dataset)
        return ("\ufeff" if bom else "").encode() + stream.getvalue().encode("utf-8")
    if file_format in ("xlsx", "ods"):
        return dataset.export(file_format)
    if file_format == "json":
        return dataset.export("json").encode("utf-8")
    raise ValueError(f"unknown format {file_format!r}")


# --- People and roles, through django-import-export in admin ----------------


class SpreadsheetResource(resources.ModelResource):
    """A ModelResource whose formula-like cells are escaped on export, text on import."""

    def export_field(self, field, instance, **kwargs):
        value = super().export_field(field, instance, **kwargs)
        return escape_cell(value) if isinstance(value, str) else value

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            if isinstance(value, str):
                row[key] = unescape_cell(value.strip())


def split_positions(value):
    """ "rektor@arstaviken, it-strateg" → [("rektor", "arstaviken"), ("it-strateg", "")]."""
    pairs = []
    for part in str(value or "").split(","):
        code, _at, slug = part.strip().partition("@")
        if code:
            pairs.append((code.strip(), slug.strip()))
    return pairs


class PersonResource(SpreadsheetResource):
    """People by huvudman and initials, with their positions as "rektor@arstaviken, ekonom".

    Positions in the file are added when missing (a position at a unit is
    written code@unit-slug); positions the file leaves out are kept.
    """

    organisation = fields.Field(
        attribute="organisation",
        column_name="Huvudman",
        widget=widgets.ForeignKeyWidget(Organisation, field="slug"),
    )
    initials = fields.Field(attribute="initials", column_name="Initialer")
    name = fields.Field(attribute="name", column_name="Namn")
    email = fields.Field(attribute="email", column_name="E-post")
    phone = fields.Field(attribute="phone", column_name="Telefon")
    positions = fields.Field(column_name="Befattningar", dehydrate_method="positions_of")

    class Meta:
        model = Person
        fields = ["organisation", "initials", "name", "email", "phone", "positions"]
        import_id_fields = ["organisation", "initials"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # full_clean() per row: constraint errors come back in Swedish, per field.
        clean_model_instances = True

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("organisation")
            .prefetch_related("appointments__position", "appointments__unit")
        )

    def positions_of(self, person):
        return ", ".join(
            f"{a.position.code}@{a.unit.slug}" if a.unit_id else a.position.code
            for a in person.appointments.all()
        )

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        pairs = split_positions(row.get("Befattningar"))
        codes = {code for code, _slug in pairs}
        slugs = {slug for _code, slug in pairs if slug}
        known_codes = set(Position.objects.filter(code__in=codes).values_list("code", flat=True))
        known_slugs = set(Unit.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = sorted((codes - known_codes) | (slugs - known_slugs))
        if unknown:
            raise ValidationError(
                {
                    "Befattningar": _("Okänd befattning eller enhet: %(value)s.")
                    % {"value": ", ".join(unknown)}
                }
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A row whose only news is a position must not be skipped as unchanged.
        if instance.pk:
            held = set(split_positions(self.positions_of(instance)))
            if not set(split_positions(row.get("Befattningar"))) <= held:
                return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        for code, slug in split_positions(row.get("Befattningar")):
            Appointment.objects.get_or_create(
                person=instance,
                position=Position.objects.get(code=code),
                unit=Unit.objects.get(slug=slug) if slug else None,
                focus="",
            )


class RoleResource(SpreadsheetResource):
    """Roles by code, with the position they stand for (by position code)."""

    code = fields.Field(attribute="code", column_name="Kod")
    name = fields.Field(attribute="name", column_name="Namn")
    description = fields.Field(attribute="description", column_name="Beskrivning")
    position = fields.Field(
        attribute="position",
        column_name="Befattning",
        widget=widgets.ForeignKeyWidget(Position, field="code"),
    )
    order = fields.Field(attribute="order", column_name="Ordning", widget=widgets.IntegerWidget())

    class Meta:
        model = Role
        fields = ["code", "name", "description", "position", "order"]
        import_id_fields = ["code"]
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        # full_clean() per row: constraint errors come back in Swedish, per field.
        clean_model_instances = True

    def get_queryset(self):
        return super().get_queryset().select_related("position")


class SpreadsheetCSV(base_formats.CSV):
    """import-export's CSV as Excel in Swedish locale writes it: `;` or `,`, BOM or not.

    Exports are `;`-separated with a byte-order mark, so Excel opens them
    right; imports take either separator (read from the header line).
    """

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        in_stream = in_stream.removeprefix("\ufeff")
        first_line = in_stream.partition("\n")[0]
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
        return tablib.import_set(in_stream, format="csv", delimiter=delimiter, **kwargs)

    def export_data(self, dataset, **kwargs):
        return "\ufeff" + dataset.export("csv", delimiter=";", **kwargs)


SPREADSHEET_FORMATS = [
    SpreadsheetCSV,
    base_formats.XLSX,
    base_formats.ODS,
    base_formats.JSON,
]
