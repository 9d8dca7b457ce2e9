"""The one spreadsheet writer of the site (docs/spreadsheets.md).

Every file the site writes (blueprint, coverage, changelog, admin exports)
goes through `spreadsheet_chunks`, so that one rule decides how every cell is
written, whichever export it is:

- A text cell a spreadsheet program would run as a formula (it starts with
  = + - @ tab or CR) is written as text. In csv, which has no cell types, it
  gets an apostrophe in front (OWASP "CSV injection"); in xlsx and ods it is
  a string cell holding the text itself (xlsx also marks it "quote prefix",
  so Excel keeps it text when the cell is edited). A text that itself starts
  with an apostrophe and one of those characters (or a second apostrophe)
  gets one more apostrophe in every format. `unescape_text`, here next to
  `escape_text` so the two cannot drift apart, removes exactly that
  apostrophe again: the reader (digiansvar.spreadsheets.reader) calls it, so
  whatever was written reads back unchanged.
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
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from django.http import StreamingHttpResponse
from django.utils import timezone

WRITE_FORMATS = ("csv", "xlsx", "ods", "json")
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
