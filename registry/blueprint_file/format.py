"""The blueprint file format: its columns, and rows to and from the database's terms.

The blueprint table has one row per item and unit, all the item's responsible
at that unit in one cell in the poster's notation (registry/notation.py;
docs/spreadsheets.md):

    Enhet | Område | Kolumn | Ansvarsområde | Ansvariga | Beskrivning | Sökord
    | Kräver ersättare | Lokalt stöd för | Enhetsnamn

Rows are keyed by natural keys (unit slug, area name, column name, item name),
never by database ids, so an exported file re-imports as "no changes".
Enhetsnamn, the unit's name, is there for the reader; an import reads the
unit from Enhet and ignores it (names need not be unique, slugs are).
Organisation-wide assignments (no unit) get their own row with an empty Enhet.
Files are written by digiansvar.spreadsheets.writer (escaping, types) and read
by digiansvar.spreadsheets.reader (encodings, limits); this module knows only
what the columns mean.
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from digiansvar.spreadsheets.reader import FileProblems, Problem, read_table
from registry.models import Assignment
from registry.notation import Responsible, format_responsible

UNIT = "Enhet"
AREA = "Område"
COLUMN = "Kolumn"
ITEM = "Ansvarsområde"
RESPONSIBLE = "Ansvariga"
DESCRIPTION = "Beskrivning"
KEYWORDS = "Sökord"
NEEDS_DEPUTY = "Kräver ersättare"
SUPPORT_KIND = "Lokalt stöd för"
UNIT_NAME = "Enhetsnamn"
HEADERS = [
    UNIT,
    AREA,
    COLUMN,
    ITEM,
    RESPONSIBLE,
    DESCRIPTION,
    KEYWORDS,
    NEEDS_DEPUTY,
    SUPPORT_KIND,
    UNIT_NAME,
]
# Files written before the search (issue 12) have no Sökord, files written
# before issue 11 no Kräver ersättare and Lokalt stöd för: they still import,
# and leave those fields of the items as they are. Files written before
# issue 25 have no Enhetsnamn, which the import does not read anyway.
OPTIONAL_HEADERS = [KEYWORDS, NEEDS_DEPUTY, SUPPORT_KIND, UNIT_NAME]
# Kräver ersättare in the file: "ja", or "nej" / empty (any case).
YES, NO = "ja", "nej"
SHEET_TITLE = "Ansvarsfördelning"

# Units whose assignments are read with one query: memory follows this, not the export.
UNITS_PER_QUERY = 200
# Assignment rows fetched from the database at a time within a batch.
ASSIGNMENT_CHUNK = 2000


def responsible_of(assignment):
    return Responsible(
        initials=assignment.person.initials if assignment.person_id else "",
        role_code=assignment.role.code if assignment.role_id else "",
        deputy=assignment.priority == Assignment.Priority.DEPUTY,
    )


def blueprint_rows(*, units, items, organisation_wide=True):
    """The blueprint's rows (lists of ten texts, HEADERS) in the documented format, lazily.

    `units` (queryset or list) are the units to export, in their order; `items`
    is an Item queryset, already filtered. Every item gets one row per unit,
    also when nobody is responsible there yet, so the file is a complete form
    for the unit. With `organisation_wide`, items that have organisation-wide
    assignments (unit empty) get one more row each, with an empty Enhet,
    before the units' rows; people of other huvudmän than the units' are left
    out of them. Rows run unit by unit, each in poster order.
    Only kind R (ansvarig) is in the notation; A/C/I assignments are left out.

    Three queries up to UNITS_PER_QUERY units, one more per further batch:
    the rows are produced batch by batch, never all held at once.
    """
    units = list(units)
    # Poster order whatever order the caller's queryset has.
    items = sorted(
        items.select_related("column__area"),
        key=lambda i: (i.column.area.order, i.column.order, i.order, i.name),
    )
    if not items or not units:
        return
    item_ids = [item.pk for item in items]
    # An organisation-wide row naming a person of another huvudman than the
    # exported units' must not reveal that person.
    organisation_ids = {unit.organisation_id for unit in units}
    for start in range(0, len(units), UNITS_PER_QUERY):
        batch = units[start : start + UNITS_PER_QUERY]
        with_wide = organisation_wide and start == 0
        scope = Q(unit_id__in=[unit.pk for unit in batch])
        if with_wide:
            scope |= Q(unit__isnull=True, person__isnull=True) | Q(
                unit__isnull=True, person__organisation_id__in=organisation_ids
            )
        # Plain tuples: model instances would cost several times the memory.
        assignments = (
            Assignment.objects.filter(scope, item__in=item_ids, kind=Assignment.Kind.RESPONSIBLE)
            .order_by("order", "pk")
            .values_list("item_id", "unit_id", "person__initials", "role__code", "priority")
        )
        by_item_unit = {}
        # A server-side cursor on PostgreSQL: the batch's rows arrive a chunk
        # at a time instead of all being fetched before the first is used.
        for item_id, unit_id, initials, role_code, priority in assignments.iterator(
            chunk_size=ASSIGNMENT_CHUNK
        ):
            by_item_unit.setdefault((item_id, unit_id), []).append(
                Responsible(
                    initials=initials or "",
                    role_code=role_code or "",
                    deputy=priority == Assignment.Priority.DEPUTY,
                )
            )
        blocks = [("", None, "")] if with_wide else []
        blocks += [(unit.slug, unit.pk, unit.name) for unit in batch]
        for slug, unit_id, unit_name in blocks:
            for item in items:
                entries = by_item_unit.get((item.pk, unit_id))
                if unit_id is None and not entries:
                    continue
                yield [
                    slug,
                    item.column.area.name,
                    item.column.name,
                    item.name,
                    format_responsible(entries or []),
                    item.description,
                    item.keywords,
                    YES if item.needs_deputy else "",
                    item.support_kind,
                    unit_name,
                ]


def read_blueprint(source, filename=None):
    """The file's blueprint rows as (row number, ten texts), or raise FileProblems.

    The header must be HEADERS in order, the optional ones at the end (Sökord,
    Kräver ersättare, Lokalt stöd för, Enhetsnamn) may be left out: their
    cells are then None ("leave as it is"). Completely empty
    rows are left out, short rows are padded with empty cells.
    """
    (header_number, header), *rows = read_table(source, filename)
    check_header(header_number, header)
    if not rows:
        raise FileProblems([Problem(_("Filen har rubrikrad men inga rader."))])
    width = header_width(header)
    missing = [None] * (len(HEADERS) - width)
    return [(number, (row + [""] * width)[:width] + missing) for number, row in rows]


def header_width(header):
    """How many of HEADERS the header line has (the optional ones may be left out)."""
    named = [position for position, name in enumerate(header) if name]
    return min(len(HEADERS), named[-1] + 1 if named else 0)


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


def blueprint_filename(unit_slug, *, version="", changed=True, today=None):
    """The export's name, saying what it holds (without the suffix).

    `version` is the version in force; `changed`, whether the register the
    file holds differs from it: ansvarsfordelning-arstaviken-1.4.0 is that
    version, ansvarsfordelning-arstaviken-1.4.0-andrad-2026-12-04 the register
    on that day, changed since 1.4.0 (without a version: only the date).
    """
    parts = ["ansvarsfordelning", unit_slug]
    if version:
        parts.append(version)
    if changed or not version:
        if version:
            parts.append("andrad")
        parts.append((today or timezone.localdate()).isoformat())
    return "-".join(parts)
