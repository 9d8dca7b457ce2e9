"""The one spreadsheet writer and the one file reader of the site (docs/spreadsheets.md).

Every file the site writes (blueprint, coverage, admin exports) goes through
`spreadsheet_chunks`, and every file it reads (blueprint import, seed, admin
imports) through `read_table`, so that one rule holds everywhere:

- A text cell a spreadsheet program would run as a formula (it starts with
  = + - @ tab or CR) is written as text. In csv, which has no cell types, it
  gets an apostrophe in front (OWASP "CSV injection"); in xlsx and ods it is
  a string cell holding the text itself (xlsx also marks it "quote prefix",
  so Excel keeps it text when the cell is edited). The reader removes exactly
  that apostrophe again. A text that itself starts with an apostrophe and one
  of those characters (or a second apostrophe) gets one more apostrophe in
  every format, so whatever was written reads back unchanged.
- Numbers, dates and booleans get typed cells; None an empty cell.
- Nothing is held whole in memory: csv and json are produced row by row,
  xlsx through openpyxl's write-only workbook and ods by streaming its
  content.xml into the zip, both spooled to a temporary file.

This module imports nothing from the apps; both may use it.
"""

import codecs
import csv
import datetime
import decimal
import io
import itertools
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import tablib
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats

WRITE_FORMATS = ("csv", "xlsx", "ods", "json")
READ_FORMATS = ("csv", "xlsx", "ods", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "json": "application/json",
}

# --- Formula escaping --------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
MARKED_STARTS = "".join(FORMULA_STARTS) + TEXT_MARK


def escape_text(text, *, typed):
    """The text as written in a cell: see the module docstring.

    `typed` is True for formats whose cells have a type (xlsx, ods, json),
    where a formula-like text is safe as a string cell and needs no mark.
    """
    if (not typed and text.startswith(FORMULA_STARTS)) or (
        text.startswith(TEXT_MARK) and text[1:2] and text[1] in MARKED_STARTS
    ):
        return TEXT_MARK + text
    return text


def unescape_text(text):
    """Undo escape_text: "'=SUM(A1)" → "=SUM(A1)", "''=x" → "'=x"; other text as written."""
    if text.startswith(TEXT_MARK) and text[1:2] and text[1] in MARKED_STARTS:
        return text[1:]
    return text


# XML 1.0 (inside xlsx and ods) cannot hold these control characters.
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def local_naive(value):
    """Spreadsheets have no time zones: an aware datetime in the site's local time."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


# --- Writing -----------------------------------------------------------------

CHUNK_BYTES = 64 * 1024
# A binary file is built in memory up to this size, then in a temporary file.
SPOOL_BYTES = 4 * 1024 * 1024


def spreadsheet_chunks(rows, *, headers, file_format, title="", bom=True, widths=()):
    """The file as an iterator of bytes; `rows` is any iterable of lists of values.

    Rows are consumed one at a time, never all at once. csv is `;`-separated
    UTF-8 (as Excel in Swedish locale writes it) with a byte-order mark unless
    `bom` is False; `title` names the sheet of xlsx and ods; `widths` are
    xlsx column widths in characters, first column first.
    """
    if file_format == "csv":
        yield from _csv_chunks(rows, headers=headers, bom=bom)
    elif file_format == "json":
        yield from _json_chunks(rows, headers=headers)
    elif file_format in ("xlsx", "ods"):
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as file:
            if file_format == "xlsx":
                _write_xlsx(file, rows, headers=headers, title=title or "Blad1", widths=widths)
            else:
                _write_ods(file, rows, headers=headers, title=title or "Blad1")
            file.seek(0)
            while chunk := file.read(CHUNK_BYTES):
                yield chunk
    else:
        raise ValueError(f"unknown format {file_format!r}")


def spreadsheet_bytes(rows, *, headers, file_format, title="", bom=True, widths=()):
    """The whole file as bytes, for small files (tests, admin exports)."""
    return b"".join(
        spreadsheet_chunks(
            rows, headers=headers, file_format=file_format, title=title, bom=bom, widths=widths
        )
    )


def spreadsheet_response(rows, *, headers, file_format, filename, title="", widths=()):
    """A StreamingHttpResponse that writes the file while it is sent (filename without suffix)."""
    response = StreamingHttpResponse(
        spreadsheet_chunks(
            rows, headers=headers, file_format=file_format, title=title, widths=widths
        ),
        content_type=CONTENT_TYPES[file_format],
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        if isinstance(value, datetime.datetime):
            return local_naive(value).isoformat(sep=" ")
        return value.isoformat()
    return escape_text(str(value), typed=False)


def _csv_chunks(rows, *, headers, bom):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    if bom:
        buffer.write("\ufeff")
    writer.writerow([csv_value(value) for value in headers])
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def json_value(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.time):
        return local_naive(value).isoformat()
    return escape_text(str(value), typed=True)


def _json_chunks(rows, *, headers):
    """A JSON list of objects keyed by the headers, one object a line."""
    keys = [str(header) for header in headers]
    buffer = io.StringIO()
    buffer.write("[")
    separator = "\n"
    for row in rows:
        record = dict(zip(keys, (json_value(value) for value in row), strict=False))
        buffer.write(separator + json.dumps(record, ensure_ascii=False))
        separator = ",\n"
        if buffer.tell() >= CHUNK_BYTES:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    buffer.write("\n]\n")
    yield buffer.getvalue().encode("utf-8")


def _write_xlsx(file, rows, *, headers, title, widths):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width

    def cell(value):
        value = local_naive(value)
        if isinstance(value, str | bytes) or not isinstance(
            value, int | float | decimal.Decimal | datetime.date | datetime.time | type(None)
        ):
            text = escape_text(ILLEGAL_XML.sub("\ufffd", str(value)), typed=True)
            result = WriteOnlyCell(sheet, value=text)
            # openpyxl takes a string starting with "=" for a formula: say it is text.
            result.data_type = "s"
            if text.startswith(FORMULA_STARTS):
                result.quotePrefix = True
            return result
        return WriteOnlyCell(sheet, value=value)

    sheet.append([cell(value) for value in headers])
    for row in rows:
        sheet.append([cell(value) for value in row])
    workbook.save(file)


ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"'
)
ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
# Dates and times need a data style to show as such; cells name them by style.
ODS_STYLES = (
    "<office:automatic-styles>"
    '<number:date-style style:name="date"><number:year number:style="long"/>'
    '<number:text>-</number:text><number:month number:style="long"/>'
    '<number:text>-</number:text><number:day number:style="long"/></number:date-style>'
    '<number:date-style style:name="datetime"><number:year number:style="long"/>'
    '<number:text>-</number:text><number:month number:style="long"/>'
    '<number:text>-</number:text><number:day number:style="long"/><number:text> </number:text>'
    '<number:hours number:style="long"/><number:text>:</number:text>'
    '<number:minutes number:style="long"/></number:date-style>'
    '<style:style style:name="cedate" style:family="table-cell" style:data-style-name="date"/>'
    '<style:style style:name="cedatetime" style:family="table-cell" '
    'style:data-style-name="datetime"/>'
    "</office:automatic-styles>"
)
# ODF collapses runs of spaces in text:p; they are written as <text:s text:c="n"/>.
ODS_SPACES = re.compile(r" {2,}|^ | $")


def ods_paragraph(line):
    text = xml_escape(ILLEGAL_XML.sub("\ufffd", line)).replace("\r", "&#13;")
    text = ODS_SPACES.sub(lambda match: f'<text:s text:c="{len(match.group())}"/>', text)
    return "<text:p>" + text.replace("\t", "<text:tab/>") + "</text:p>"


def ods_cell(value):
    value = local_naive(value)
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        flag = "true" if value else "false"
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{flag}">'
            f"<text:p>{flag}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float | decimal.Decimal):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, datetime.date):
        style = "cedatetime" if isinstance(value, datetime.datetime) else "cedate"
        iso = value.isoformat()
        return (
            f'<table:table-cell table:style-name="{style}" office:value-type="date" '
            f'office:date-value="{iso}"><text:p>{iso}</text:p></table:table-cell>'
        )
    text = escape_text(str(value), typed=True)
    paragraphs = "".join(ods_paragraph(line) for line in text.split("\n"))
    return f'<table:table-cell office:value-type="string">{paragraphs}</table:table-cell>'


def _write_ods(file, rows, *, headers, title):
    """An OpenDocument spreadsheet written row by row (odfpy would build it all in memory)."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # The mimetype comes first and uncompressed, so tools can recognise the file.
        archive.writestr("mimetype", CONTENT_TYPES["ods"], compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST)
        with archive.open("content.xml", "w") as raw:
            content = codecs.getwriter("utf-8")(raw)
            content.write(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<office:document-content {ODS_NAMESPACES} office:version="1.2">'
                f"{ODS_STYLES}<office:body><office:spreadsheet>"
                f"<table:table table:name={quoteattr(title)}>"
            )
            for row in itertools.chain([headers], rows):
                content.write(
                    "<table:table-row>"
                    + "".join(ods_cell(value) for value in row)
                    + "</table:table-row>"
                )
            content.write(
                "</table:table></office:spreadsheet></office:body></office:document-content>"
            )


# --- Reading -----------------------------------------------------------------

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
ZIP_MAGIC = b"PK\x03\x04"
# A zip bomb guard for xlsx/ods: the unpacked file may be this many times the limit.
MAX_UNPACKED_FACTOR = 20
# Guards memory against a tiny ods that repeats one row or cell millions of times.
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000


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
    """The file cannot be read as a table at all."""

    def __init__(self, problems):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def shorten(value, limit=80):
    value = str(value)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def file_format_of(filename):
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in READ_FORMATS:
        raise FileProblems(
            [
                Problem(
                    _("Filtypen ”%(extension)s” stöds inte; använd csv, xlsx, ods eller json.")
                    % {"extension": extension or filename}
                )
            ]
        )
    return extension


def too_large(size):
    return FileProblems(
        [
            Problem(
                _("Filen är %(size)s byte, större än gränsen %(limit)s byte.")
                % {"size": size, "limit": max_bytes()}
            )
        ]
    )


def read_table(source, filename=None):
    """The rows of a csv, xlsx, ods or json file as text, or raise FileProblems.

    `source` is the file's bytes, a path, or an open (uploaded) file; the
    format follows the file name's extension. Returns the non-empty rows as
    (row number, cells), the header row first; a row number is the row's
    number in the spreadsheet (1 = first row). Cells are text, stripped,
    with the writer's formula mark removed (unescape_text).
    """
    if isinstance(source, str | Path):
        path = Path(source)
        filename = filename or path.name
        if path.stat().st_size > max_bytes():
            raise too_large(path.stat().st_size)
        content = path.read_bytes()
    elif hasattr(source, "read"):
        filename = filename or getattr(source, "name", "")
        if (getattr(source, "size", None) or 0) > max_bytes():
            raise too_large(source.size)
        content = source.read(max_bytes() + 1)
    else:
        content = source
    file_format = file_format_of(filename or "")
    if not content:
        raise FileProblems([Problem(_("Filen är tom."))])
    if len(content) > max_bytes():
        raise too_large(len(content))
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
    numbered = []
    for number, row in enumerate(raw, start=1):
        cells = [cell_text(cell) for cell in row]
        if any(cells):
            numbered.append((number, cells))
    if not numbered:
        raise FileProblems([Problem(_("Filen är tom."))])
    return numbered


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        # xlsx has no date type of its own: a date comes back as a datetime at midnight.
        return value.date().isoformat() if value.time() == datetime.time() else str(value)
    return unescape_text(str(value).strip())


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
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    rows = []
    record_start = 0  # index in `lines` of the record being read
    try:
        for row in reader:
            rows.append(row)
            record_start = reader.line_num
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise field_too_long(
                lines[record_start:], delimiter, number=len(rows) + 1, header=rows[:1]
            ) from error
        # Typically a stray quote: "abc"def. The line is the file's, not a row number.
        raise FileProblems(
            [
                Problem(
                    _("Rad %(line)s i filen: citattecknen stämmer inte (%(error)s).")
                    % {"line": reader.line_num, "error": error}
                )
            ]
        ) from error
    return rows


def field_too_long(lines, delimiter, *, number, header):
    """The problem for a csv field over the csv module's limit: which row, which field.

    The csv module only says that some field is too long; this walks the
    record's text (quotes, doubled quotes, separators) to find which one.
    """
    limit = csv.field_size_limit()
    index = length = 0
    quoted = False
    text = "".join(lines)
    position = 0
    while position < len(text) and length <= limit:
        char = text[position]
        if quoted:
            if char == '"' and text[position + 1 : position + 2] == '"':
                length += 1
                position += 1
            elif char == '"':
                quoted = False
            else:
                length += 1
        elif char == '"':
            quoted = True
        elif char == delimiter:
            index, length = index + 1, 0
        elif char in "\r\n":
            break
        else:
            length += 1
        position += 1
    names = header[0] if header else []
    column = names[index] if index < len(names) else _("kolumn %(number)s") % {"number": index + 1}
    return FileProblems(
        [
            Problem(
                _("Fältet är längre än %(limit)s tecken, mer än en cell får rymma. Korta texten.")
                % {"limit": f"{limit:,}".replace(",", " ")},
                row=number,
                column=column.lstrip("\ufeff"),
                value=text[position - length : position - length + 40] if length else "",
            )
        ]
    )


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
        rows = []
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(list(row[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS + 1:
                break
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
                archive.read("mimetype").strip() != CONTENT_TYPES["ods"].encode()
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
        empty = 0  # empty cells not yet added: only those before a value matter
        for cell in row:
            if cell.tag not in (f"{{{TABLE_NS}}}table-cell", f"{{{TABLE_NS}}}covered-table-cell"):
                continue
            repeat = int(cell.get(f"{{{TABLE_NS}}}number-columns-repeated", "1"))
            value = ods_cell_text(cell)
            if not value:
                # LibreOffice pads rows with one empty cell repeated ~16,000 times.
                empty += repeat
                continue
            cells.extend([""] * min(empty, MAX_COLUMNS))
            cells.extend([value] * min(repeat, MAX_COLUMNS))
            empty = 0
            if len(cells) > MAX_COLUMNS:
                break
        repeat = int(row.get(f"{{{TABLE_NS}}}number-rows-repeated", "1"))
        if any(cells):
            rows.extend([cells[:MAX_COLUMNS]] * min(repeat, MAX_ROWS + 1))
        else:
            rows.extend([[]] * min(repeat, MAX_ROWS + 1))
        if len(rows) > MAX_ROWS + 1:
            break
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


# --- django-import-export in admin, through the same writer and reader -------


def dataset_from_table(rows):
    """A tablib.Dataset of read_table's rows: the first is the header."""
    (_number, header), rows = rows[0], rows[1:]
    dataset = tablib.Dataset(headers=header)
    for _number, row in rows:
        dataset.append((row + [""] * len(header))[: len(header)])
    return dataset


class SpreadsheetFormat:
    """An import-export format that writes with spreadsheet_chunks and reads with read_table."""

    FILE_FORMAT = ""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return dataset_from_table(read_table(in_stream, f"upload.{self.FILE_FORMAT}"))

    def export_data(self, dataset, **kwargs):
        return spreadsheet_bytes(
            dataset,
            headers=dataset.headers or [],
            file_format=self.FILE_FORMAT,
            title=dataset.title or "",
        )

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_content_type(self):
        return CONTENT_TYPES[self.FILE_FORMAT]


class CSV(SpreadsheetFormat, base_formats.CSV):
    FILE_FORMAT = "csv"


class XLSX(SpreadsheetFormat, base_formats.XLSX):
    FILE_FORMAT = "xlsx"


class ODS(SpreadsheetFormat, base_formats.ODS):
    FILE_FORMAT = "ods"


class JSON(SpreadsheetFormat, base_formats.JSON):
    FILE_FORMAT = "json"


SPREADSHEET_FORMATS = [CSV, XLSX, ODS, JSON]


class SpreadsheetImportExportMixin(ImportExportMixin):
    """django-import-export's admin with this module's formats, typed cells and messages."""

    formats = SPREADSHEET_FORMATS

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # The library types cells only for its own binary formats; ours type them all.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
        return file_format.export_data(data)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, FileProblems):
            for problem in e.problems:
                form.add_error("import_file", str(problem))
        else:
            super().add_data_read_fail_error_to_form(form, e)
