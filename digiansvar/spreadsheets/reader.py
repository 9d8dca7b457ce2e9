"""The one file reader of the site (docs/spreadsheets.md).

Every file the site reads (blueprint import, seed, admin imports) goes
through `read_table`, so that every file is read one way, whoever uploads it:

- The format follows the file name's extension (csv, xlsx, ods, json); the
  size is checked before reading where it is known (DIGIANSVAR_IMPORT_MAX_BYTES),
  an xlsx or ods may unpack to at most MAX_UNPACKED_FACTOR times that (zip
  bombs), and at most MAX_ROWS rows and MAX_COLUMNS columns are kept.
- csv is UTF-8 with or without a byte-order mark, separated by `;` or `,`
  (whichever the header line has more of); xlsx and ods give their first
  sheet, json a list of objects keyed by the header.
- Cells come back as stripped text with the writer's formula mark removed
  (digiansvar.spreadsheets.writer.unescape_text), so whatever the writer
  wrote reads back unchanged; empty rows are dropped and the others keep
  their row number in the spreadsheet.
- A file that cannot be read as a table raises FileProblems: a list of
  Problem, each a Swedish message naming the row, column and value where
  it can.

This module imports nothing from the apps; both may use it.
"""

import csv
import datetime
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

from digiansvar.spreadsheets.writer import CONTENT_TYPES, unescape_text

READ_FORMATS = ("csv", "xlsx", "ods", "json")

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
    # Empty rows not yet added: only those before a row with a value count.
    # LibreOffice pads a sheet with a million repeated empty rows, which must
    # neither be expanded nor count towards MAX_ROWS.
    empty_rows = 0
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
        if not any(cells):
            empty_rows += repeat
            continue
        # Past MAX_ROWS + 1 the file is refused (read_table): add no more than that.
        room = MAX_ROWS + 2 - len(rows)
        rows.extend([[]] * min(empty_rows, room))
        rows.extend([cells[:MAX_COLUMNS]] * min(repeat, max(room - empty_rows, 0)))
        empty_rows = 0
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
