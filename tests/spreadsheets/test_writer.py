"""The one writer and reader (digiansvar.spreadsheets.writer and .reader).

Escaping, types, streaming, limits.
"""

import csv
import datetime
import decimal
import io
import json
import weakref
import zipfile

import openpyxl
import pytest

from digiansvar.spreadsheets.reader import FileProblems, read_table
from digiansvar.spreadsheets.writer import (
    spreadsheet_bytes,
    spreadsheet_chunks,
    spreadsheet_response,
)

FORMULAS = ['=HYPERLINK("http://x","y")', "-2+3", "+46 8 123", "@SUM(A1)"]
# Texts that must come back exactly as written, in every format.
TRICKY = [*FORMULAS, "'=x", "''", "'", "'abc", "a  b   c", "rad ett\nrad två", "tab\tmitt"]
FORMATS = ["csv", "xlsx", "ods", "json"]


def round_trip(texts, file_format):
    content = spreadsheet_bytes(
        ([text] for text in texts), headers=["Namn"], file_format=file_format
    )
    header, *rows = read_table(content, f"fil.{file_format}")
    assert header == (1, ["Namn"])
    return [cells[0] for _number, cells in rows]


@pytest.mark.parametrize("file_format", FORMATS)
def test_every_text_reads_back_as_written(file_format):
    assert round_trip(TRICKY, file_format) == TRICKY


def test_csv_marks_formula_like_text_with_an_apostrophe():
    content = spreadsheet_bytes(
        ([text] for text in [*FORMULAS, "'=x", "vanlig"]), headers=["Namn"], file_format="csv"
    )
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [*("'" + text for text in FORMULAS), "''=x", "vanlig"]


def test_xlsx_holds_formula_like_text_in_string_cells_and_types_the_rest():
    when = datetime.date(2026, 11, 30)
    content = spreadsheet_bytes(
        [[text, 3, decimal.Decimal("2.5"), when, None, True] for text in FORMULAS],
        headers=["Namn", "Antal", "Andel", "Datum", "Tom", "Ja"],
        file_format="xlsx",
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == FORMULAS
    assert {row[0].data_type for row in rows} == {"s"}
    assert all(row[0].quotePrefix for row in rows)  # Excel keeps it text when edited
    first = rows[0]
    assert (first[1].value, first[1].data_type) == (3, "n")
    assert (first[2].value, first[2].data_type) == (2.5, "n")
    assert first[3].value == datetime.datetime(2026, 11, 30) and first[3].is_date
    assert (first[4].value, first[5].value) == (None, True)


def test_ods_holds_formula_like_text_in_string_cells_and_types_the_rest():
    content = spreadsheet_bytes(
        [['=HYPERLINK("http://x","y")', 3, datetime.date(2026, 11, 30)]],
        headers=["Namn", "Antal", "Datum"],
        file_format="ods",
    )
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist()[0] == "mimetype"
        xml = archive.read("content.xml").decode()
    assert (
        '<table:table-cell office:value-type="string">'
        "<text:p>=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</text:p>"
        in xml
        or '<table:table-cell office:value-type="string"><text:p>=HYPERLINK("http://x","y")' in xml
    )
    assert "table:formula" not in xml
    assert 'office:value-type="float" office:value="3"' in xml
    assert 'office:value-type="date" office:date-value="2026-11-30"' in xml


def test_json_is_a_list_of_objects_with_typed_values():
    content = spreadsheet_bytes(
        [["=1", 3, datetime.date(2026, 11, 30), None]],
        headers=["Namn", "Antal", "Datum", "Tom"],
        file_format="json",
    )
    assert json.loads(content) == [{"Namn": "=1", "Antal": 3, "Datum": "2026-11-30", "Tom": None}]


class Row(list):
    """A row that can be watched with a weak reference (by identity)."""

    __hash__ = object.__hash__
    __eq__ = object.__eq__


def watched_rows(count, alive, produced):
    for number in range(count):
        row = Row([f"rad {number}", number])
        alive.add(row)
        produced.append(len(alive))
        yield row
        del row


def test_csv_is_written_while_the_rows_are_read():
    produced = []
    rows = watched_rows(100_000, weakref.WeakSet(), produced)
    chunks = spreadsheet_chunks(rows, headers=["Namn", "Nummer"], file_format="csv")
    first = next(chunks)
    # The first chunk leaves before most rows have even been made.
    assert first.startswith("\ufeffNamn;Nummer\n".encode())
    assert 0 < len(produced) < 10_000
    rest = b"".join(chunks)
    assert len(produced) == 100_000
    assert (first + rest).count(b"\n") == 100_001


@pytest.mark.parametrize("file_format", ["xlsx", "ods", "csv", "json"])
def test_writer_holds_no_more_than_a_row_at_a_time(file_format):
    alive, produced = weakref.WeakSet(), []
    content = spreadsheet_bytes(
        watched_rows(5_000, alive, produced), headers=["Namn", "Nummer"], file_format=file_format
    )
    assert len(produced) == 5_000
    # When each row was made, at most the one before it was still held.
    assert max(produced) <= 2
    assert len(read_table(content, f"fil.{file_format}")) == 5_001


def test_response_streams():
    response = spreadsheet_response(
        iter([["a"]]), headers=["Namn"], file_format="xlsx", filename="fil"
    )
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="fil.xlsx"'
    assert response.getvalue()[:2] == b"PK"


def test_csv_field_over_the_csv_modules_limit_is_named_by_row_and_column():
    limit = csv.field_size_limit()
    long = "x" * (limit + 10)
    content = f'Namn;Beskrivning\nkort;kort\nkort;"{long}"\n'.encode()
    with pytest.raises(FileProblems) as problems:
        read_table(content, "fil.csv")
    [problem] = problems.value.problems
    message = str(problem)
    assert message.startswith("Rad 3, kolumn ”Beskrivning”, värde ”xxx")
    assert f"Fältet är längre än {limit:,} tecken".replace(",", " ") in message
    assert "citattecken" not in message


def test_file_type_is_told_by_its_extension():
    with pytest.raises(FileProblems, match="Filtypen ”txt” stöds inte"):
        read_table(b"a;b\n", "fil.txt")
