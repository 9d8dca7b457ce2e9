import csv
import io
import subprocess
import time
import tracemalloc
import zipfile

import pytest
from django.contrib.auth.models import Permission

from digiansvar.spreadsheets.reader import FileProblems, read_table
from digiansvar.spreadsheets.writer import spreadsheet_bytes
from organisation.models import Unit
from registry.blueprint_file import blueprint_import
from registry.blueprint_file.format import HEADERS, blueprint_rows
from registry.models import Assignment, Item
from registry.seed.load import SEED_BLUEPRINT
from tests.factories import UnitFactory
from tests.spreadsheets.helpers import csv_with, database_state, seed_text

pytestmark = pytest.mark.django_db

WIFI = ["arstaviken", "HYGIEN", "Infrastruktur och resurser", "WiFi / Nätverk", "A.W ITS", ""]
BUDGET = ["arstaviken", "ADMINISTRATION", "Administration", "Budget", "V.G ADM; K.E REK", ""]


def seed_export(file_format):
    rows = blueprint_rows(units=Unit.objects.all(), items=Item.objects.all())
    return spreadsheet_bytes(rows, headers=HEADERS, file_format=file_format, bom=False)


def run(content, filename="blueprint.csv", **options):
    return blueprint_import(content=content, filename=filename, **options)


# --- Round trips --------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods", "json"])
def test_exported_seed_reimports_as_no_changes(seed, file_format):
    before = database_state()
    result = run(seed_export(file_format), f"seed.{file_format}")
    assert result.errors == []
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 150, "removed": 0}
    assert not result.has_changes
    assert database_state() == before


def libreoffice_save_as(soffice, path, file_format):
    """The file at `path` opened and saved as `file_format` by LibreOffice Calc."""
    resaved_dir = path.parent / "resaved"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{path.parent}/profile",
            "--headless",
            "--convert-to",
            file_format,
            "--outdir",
            str(resaved_dir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (resaved_dir / f"{path.stem}.{file_format}").read_bytes()


@pytest.mark.parametrize(
    ("exported", "saved_as"),
    [("xlsx", "xlsx"), ("ods", "ods"), ("xlsx", "ods")],
    ids=["xlsx", "ods", "xlsx-saved-as-ods"],
)
def test_export_resaved_by_libreoffice_reimports_as_no_changes(
    seed, soffice, tmp_path, exported, saved_as
):
    """Staff open the exported file in LibreOffice Calc and save it, also as .ods."""
    path = tmp_path / f"seed.{exported}"
    path.write_bytes(seed_export(exported))
    resaved = libreoffice_save_as(soffice, path, saved_as)
    assert resaved != path.read_bytes()  # really written by LibreOffice
    before = database_state()
    result = run(resaved, f"seed.{saved_as}")
    assert result.errors == []
    assert result.counts["unchanged"] == 150 and not result.has_changes
    assert database_state() == before


def test_csv_as_excel_writes_it_with_bom_commas_and_crlf_reimports_as_no_changes(seed):
    text = seed_text()
    rows = [line.split(";") for line in text.splitlines()]
    import csv

    stream = io.StringIO()
    csv.writer(stream, delimiter=",", lineterminator="\r\n").writerows(
        [cell.strip('"') for cell in row] for row in rows
    )
    # Rows whose Ansvariga held a ";" were split above; rebuild from the real file instead.
    stream = io.StringIO()
    csv.writer(stream, delimiter=",", lineterminator="\r\n").writerows(
        csv.reader(io.StringIO(text), delimiter=";")
    )
    result = run(("\ufeff" + stream.getvalue()).encode("utf-8"))
    assert result.errors == []
    assert result.counts["unchanged"] == 150


def test_the_seed_file_itself_is_no_change_after_loading_it(seed):
    result = run(SEED_BLUEPRINT.read_bytes(), "blueprint-arstaviken.csv")
    assert (result.errors, result.has_changes) == ([], False)


# --- Changes, preview and replace mode -------------------------------------------


def test_dry_run_previews_the_change_and_writes_nothing(seed):
    before = database_state()
    changed = [*WIFI[:4], "A.W ITS; LÄR", "Nytt <b>nät</b>"]
    result = run(csv_with(changed), dry_run=True)
    assert result.errors == []
    [row] = result.rows
    assert (row.number, row.status) == (2, "changed")
    assert (row.before, row.after) == ("A.W ITS", "A.W ITS; LÄR")
    assert (row.description_before, row.description_after) == ("", "Nytt <b>nät</b>")
    assert result.assignments_created == 1 and not result.applied
    assert database_state() == before


def test_import_adds_and_updates_and_keeps_history(seed, superuser):
    result = run(
        csv_with([*WIFI[:4], "A.W ITS; LÄR (ersättare)", "<script>x</script>"]),
        user=superuser,
    )
    assert result.applied and result.assignments_created == 1 and result.items_updated == 1
    item = Item.objects.get(name="WiFi / Nätverk")
    assert item.description == "<script>x</script>"  # stored as text, escaped on display
    deputy = item.assignments.get(role__code="LÄR")
    assert (deputy.priority, deputy.order, deputy.unit.slug) == ("deputy", 1, "arstaviken")
    record = deputy.history.get()
    assert (record.history_type, record.history_user) == ("+", superuser)
    assert record.history_change_reason == "Import från blueprint.csv"
    assert (
        run(csv_with([*WIFI[:4], "A.W ITS; LÄR (ersättare)", "<script>x</script>"])).counts[
            "unchanged"
        ]
        == 1
    )


def test_default_mode_keeps_assignments_the_file_does_not_list(seed):
    result = run(csv_with([*BUDGET[:4], "K.E REK", ""]))
    assert result.counts["unchanged"] == 1
    assert result.rows[0].after == "V.G ADM; K.E REK"
    assert Item.objects.get(name="Budget").assignments.count() == 2


def test_replace_mode_removes_what_the_file_no_longer_lists(seed):
    result = run(csv_with([*BUDGET[:4], "K.E REK", ""]), replace=True, dry_run=True)
    budget = result.rows[0]
    assert (budget.status, budget.before) == ("changed", "V.G ADM; K.E REK")
    assert budget.after == "K.E REK"
    removed = [row for row in result.rows if row.status == "removed"]
    assert len(removed) == 149  # every other item of arstaviken is left out of the file
    assert removed[0].item == "AD-Konton" and removed[0].before == "A.W ITS; Resp chef"
    assert Assignment.objects.count() == 164

    result = run(csv_with([*BUDGET[:4], "K.E REK", ""]), replace=True)
    assert result.assignments_deleted == 164 - 1
    assert list(Assignment.objects.values_list("person__initials", "role__code")) == [
        ("K.E", "REK")
    ]
    assert Assignment.history.filter(history_type="-").count() == 163


def test_replace_mode_only_touches_the_files_units(seed):
    other = UnitFactory(slug="annan", organisation=Unit.objects.get().organisation)
    budget = Item.objects.get(name="Budget")
    budget.assignments.create(unit=other, role=budget.assignments.first().role)
    run(csv_with([*BUDGET[:4], "K.E REK", ""]), replace=True)
    assert budget.assignments.filter(unit=other).count() == 1


def test_new_item_in_a_known_column_is_created(seed):
    row = ["arstaviken", "HYGIEN", "Infrastruktur och resurser", "Skrivare | Toner", "VAKT", ""]
    result = run(csv_with(row))
    assert result.rows[0].status == "new" and result.items_created == 1
    item = Item.objects.get(name="Skrivare | Toner")
    assert item.group == "Skrivare"
    assert item.order > Item.objects.exclude(pk=item.pk).order_by("-order").first().order


def test_cells_starting_with_formula_characters_are_stored_as_text(seed):
    rows = [
        ["arstaviken", "HYGIEN", "Infrastruktur och resurser", "=HYPERLINK(1)", "ITS", "@x"],
        ["arstaviken", "HYGIEN", "Infrastruktur och resurser", "'+46 8", "ITS", "'-2"],
    ]
    run(csv_with(*rows))
    assert Item.objects.get(name="=HYPERLINK(1)").description == "@x"
    assert Item.objects.get(name="+46 8").description == "-2"
    exported = seed_export("csv").decode()
    assert "'=HYPERLINK(1)" in exported and ";'+46 8;" in exported


def test_a_failing_write_leaves_nothing_half_written(seed, monkeypatch):
    import registry.blueprint_file.apply

    before = database_state()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry.blueprint_file.apply, "bulk_update_with_history", broken)
    new_row = ["arstaviken", "HYGIEN", "Infrastruktur och resurser", "Ny sak", "ITS", ""]
    with pytest.raises(RuntimeError):
        run(csv_with([*WIFI[:4], "A.W ITS", "ändrad"], new_row))
    assert database_state() == before


# --- Bad input: a message naming row, column and value; nothing changed ----------


def assert_rejected(content, filename, expected, **options):
    before = database_state()
    try:
        result = run(content, filename, **options)
    except FileProblems as problems:
        messages = [str(problem) for problem in problems.problems]
    else:
        assert not result.applied
        messages = [str(problem) for problem in result.errors]
    assert any(expected in message for message in messages), messages
    assert database_state() == before
    return messages


ROW_CASES = {
    "unknown unit": (
        ["okand", *WIFI[1:]],
        "Rad 3, kolumn ”Enhet”, värde ”okand”: Okänd enhet.",
    ),
    "unknown area": (
        ["arstaviken", "HYGIENE", *WIFI[2:]],
        "Rad 3, kolumn ”Område”, värde ”HYGIENE”: Okänt område",
    ),
    "unknown column": (
        ["arstaviken", "HYGIEN", "Infrastruktur", *WIFI[3:]],
        "Rad 3, kolumn ”Kolumn”, värde ”Infrastruktur”: Okänd kolumn i området HYGIEN",
    ),
    "unknown role": (
        [*WIFI[:4], "A.W ITX", ""],
        "Rad 3, kolumn ”Ansvariga”, värde ”A.W ITX”: ”A.W ITX” kan inte läsas: "
        "”ITX” är ingen känd roll.",
    ),
    "unknown person": (
        [*WIFI[:4], "X.Y ITS", ""],
        "Rad 3, kolumn ”Ansvariga”, värde ”X.Y ITS”: Okänd person ”X.Y”",
    ),
    "unparsable responsible": (
        [*WIFI[:4], "A.W ITS; (ersättare)", ""],
        "Rad 3, kolumn ”Ansvariga”, värde ”A.W ITS; (ersättare)”: ”(ersättare)” saknar "
        "initialer och roll.",
    ),
    "same responsible twice": (
        [*WIFI[:4], "A.W ITS; A.W ITS", ""],
        "Rad 3, kolumn ”Ansvariga”, värde ”A.W ITS; A.W ITS”: ”A.W ITS” står två gånger.",
    ),
    "duplicate row": (
        BUDGET,
        "Rad 3, kolumn ”Ansvarsområde”, värde ”Budget”: Raden finns redan på rad 2",
    ),
}


@pytest.mark.parametrize("case", ROW_CASES)
def test_bad_row_is_reported_and_nothing_is_imported(seed, case):
    bad_row, expected = ROW_CASES[case]
    # The first row is a valid change, which must not be saved either.
    first = [*BUDGET[:4], "V.G ADM; K.E REK; LÄR", ""]
    assert_rejected(csv_with(first, bad_row), "blueprint.csv", expected)


def test_every_bad_row_is_reported_at_once(seed):
    messages = assert_rejected(
        csv_with(["okand", *WIFI[1:]], [*WIFI[:4], "X.Y ITS", ""]),
        "blueprint.csv",
        "Rad 2",
    )
    assert [message[:5] for message in messages] == ["Rad 2", "Rad 3"]


def test_rows_for_a_unit_the_user_may_not_edit_are_errors(seed, django_user_model):
    own = UnitFactory(slug="egen", organisation=Unit.objects.get(slug="arstaviken").organisation)
    user = django_user_model.objects.create_user("rektor")
    from guardian.shortcuts import assign_perm

    assign_perm("organisation.manage_unit", user, own)
    # A unit the user may not see is unknown; one they may only read is refused.
    assert_rejected(
        csv_with([*WIFI[:4], "A.W ITS; LÄR", ""]),
        "blueprint.csv",
        "Rad 2, kolumn ”Enhet”, värde ”arstaviken”: Okänd enhet.",
        user=user,
    )
    assign_perm("organisation.view_unit", user, Unit.objects.get(slug="arstaviken"))
    user = type(user).objects.get(pk=user.pk)
    assert_rejected(
        csv_with([*WIFI[:4], "A.W ITS; LÄR", ""]),
        "blueprint.csv",
        "Rad 2, kolumn ”Enhet”, värde ”arstaviken”: Du får inte ändra den här enhetens ansvar.",
        user=user,
    )
    result = run(csv_with(["egen", *WIFI[1:4], "LÄR", ""]), user=user)
    assert result.applied and result.assignments_created == 1


def test_rows_for_another_unit_than_the_chosen_one_are_errors(seed):
    other = UnitFactory(slug="annan", organisation=Unit.objects.get().organisation)
    assert_rejected(
        csv_with([*WIFI[:4], "A.W ITS; LÄR", ""]),
        "blueprint.csv",
        "Rad 2, kolumn ”Enhet”, värde ”arstaviken”: Importen gäller bara enheten ”annan”.",
        unit=other,
    )


def test_organisation_wide_rows_need_organisation_wide_permission(seed, django_user_model):
    user = django_user_model.objects.create_user("rektor")
    from guardian.shortcuts import assign_perm

    assign_perm("organisation.manage_unit", user, Unit.objects.get())
    assert_rejected(
        csv_with(["", *WIFI[1:]]),
        "blueprint.csv",
        "Rad 2, kolumn ”Enhet”, värde ””: Du får inte ändra ansvar för hela huvudmannen",
        user=user,
    )
    # An unchanged organisation-wide row (as in the rektor's own export) is fine.
    unchanged = run(csv_with(["", *WIFI[1:4], "", ""], WIFI), user=user)
    assert (unchanged.errors, unchanged.has_changes) == ([], False)

    user.user_permissions.add(Permission.objects.get(codename="manage_unit"))
    user = django_user_model.objects.get(pk=user.pk)
    result = run(csv_with(["", *WIFI[1:]]), user=user)
    assert result.applied
    assert Item.objects.get(name="WiFi / Nätverk").assignments.filter(unit=None).count() == 1


HEADER = "Enhet;Område;Kolumn;Ansvarsområde;Ansvariga;Beskrivning"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Enhet;Omrade;Kolumn;Ansvarsområde;Ansvariga;Beskrivning",
            "Rad 1, kolumn ”kolumn 2”, värde ”Omrade”: Rubriken ska vara ”Område”",
        ),
        (
            "Enhet;Område;Kolumn;Ansvarsområde;Ansvariga",
            "Rad 1, kolumn ”kolumn 6”, värde ””: Rubriken ska vara ”Beskrivning”",
        ),
        (
            HEADER + ";Kommentar",
            "Rad 1, kolumn ”kolumn 7”, värde ”Kommentar”: Rubriken ska vara ”Sökord”",
        ),
        (
            HEADER + ";Sökord;Kommentar",
            "Rad 1, kolumn ”kolumn 8”, värde ”Kommentar”: Rubriken ska vara ”Kräver ersättare”",
        ),
        (
            HEADER + ";Sökord;Kräver ersättare;Lokalt stöd för;Kommentar",
            "Rad 1, kolumn ”kolumn 10”, värde ”Kommentar”: Rubriken ska vara ”Enhetsnamn”",
        ),
        (
            HEADER + ";Sökord;Kräver ersättare;Lokalt stöd för;Enhetsnamn;Kommentar",
            "Rad 1, kolumn ”kolumn 11”, värde ”Kommentar”: Okänd kolumn",
        ),
    ],
    ids=["renamed", "missing", "not-keywords", "not-deputy", "not-unit-name", "extra"],
)
def test_missing_or_renamed_headers_are_rejected(seed, header, expected):
    assert_rejected(csv_with(WIFI, header=header), "blueprint.csv", expected)


def test_keywords_column_sets_keywords_and_a_file_without_it_leaves_them(seed):
    item = Item.objects.get(name="WiFi / Nätverk")
    old = item.keywords
    result = run(csv_with(WIFI))  # six columns: no Sökord
    assert result.applied
    item.refresh_from_db()
    assert item.keywords == old
    preview = run(csv_with([*WIFI, "wifi, eduroam, accesspunkt"]), dry_run=True)
    (row,) = preview.rows
    assert row.status == "changed" and row.keywords_changed
    assert (row.keywords_before, row.keywords_after) == (old, "wifi, eduroam, accesspunkt")
    result = run(csv_with([*WIFI, "wifi, eduroam, accesspunkt"]))
    assert result.applied and result.items_updated == 1
    item.refresh_from_db()
    assert item.keywords == "wifi, eduroam, accesspunkt"
    # The search column followed the bulk update.
    from registry.search import item_search

    assert item_search("accesspunkten")[0].item == item


def test_rektor_may_not_change_keywords(seed, django_user_model):
    from guardian.shortcuts import assign_perm

    from organisation.models import Unit

    user = django_user_model.objects.create_user("rektor-sok", password="x")
    assign_perm("organisation.manage_unit", user, Unit.objects.get(slug="arstaviken"))
    assert_rejected(
        csv_with([*WIFI, "annat"]),
        "blueprint.csv",
        "Du får inte ändra ansvarsområdets sökord",
        user=user,
    )


def test_empty_file_is_rejected(seed):
    assert_rejected(b"", "blueprint.csv", "Filen är tom.")
    assert_rejected(b"\n;;;;;\n", "blueprint.csv", "Filen är tom.")
    header_only = (HEADER + "\n").encode()
    assert_rejected(header_only, "blueprint.csv", "Filen har rubrikrad men inga rader.")


def test_wrong_text_encoding_is_rejected(seed):
    content = csv_with([*WIFI[:4], "A.W ITS", "Förnyad"]).decode().encode("cp1252")
    assert_rejected(
        content,
        "blueprint.csv",
        "Rad 1, värde ”",  # the header's "Område" is where the first non-UTF-8 byte is
    )
    messages = assert_rejected(content, "blueprint.csv", "Filen är inte UTF-8-kodad")
    assert "Rad 1" in messages[0]


def test_utf16_text_is_rejected(seed):
    content = csv_with(WIFI).decode().encode("utf-16")
    assert_rejected(content, "blueprint.csv", "Filen är ingen textfil (csv)")


def test_truncated_xlsx_is_rejected(seed):
    content = seed_export("xlsx")
    assert_rejected(
        content[: len(content) // 2],
        "blueprint.xlsx",
        "xlsx-filen är trasig eller ofullständig och kan inte läsas.",
    )


def test_corrupt_ods_is_rejected(seed):
    content = seed_export("ods")
    broken = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(broken, "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.xml":
                data = data[: len(data) // 2]
            target.writestr(info, data)
    assert_rejected(
        broken.getvalue(),
        "blueprint.ods",
        "ods-filen är trasig eller ofullständig och kan inte läsas.",
    )


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "blueprint.xlsx", "Filen är ingen xlsx-fil"),
        (SEED_BLUEPRINT.read_bytes(), "blueprint.ods", "Filen är ingen ods-fil"),
        (None, "blueprint.csv", "Filen är ingen textfil (csv)"),
        (None, "blueprint.ods", "Filen är ingen ods-fil"),
        (b"Enhet;Omr", "blueprint.txt", "Filtypen ”txt” stöds inte"),
    ],
    ids=["pdf-as-xlsx", "csv-as-ods", "xlsx-as-csv", "xlsx-as-ods", "txt"],
)
def test_other_file_types_with_a_spreadsheet_extension_are_rejected(
    seed, content, filename, expected
):
    assert_rejected(content or seed_export("xlsx"), filename, expected)


def test_file_over_the_size_limit_is_rejected(seed, settings):
    settings.DIGIANSVAR_IMPORT_MAX_BYTES = 1000
    content = SEED_BLUEPRINT.read_bytes()
    assert_rejected(
        content,
        "blueprint.csv",
        f"Filen är {len(content)} byte, större än gränsen 1000 byte.",
    )


def test_without_catalogue_rights_items_cannot_be_added_or_described(seed, django_user_model):
    from guardian.shortcuts import assign_perm

    user = django_user_model.objects.create_user("rektor")
    assign_perm("organisation.manage_unit", user, Unit.objects.get(slug="arstaviken"))
    assert_rejected(
        csv_with(["arstaviken", "HYGIEN", "Infrastruktur och resurser", "Ny sak", "ITS", ""]),
        "blueprint.csv",
        "Rad 2, kolumn ”Ansvarsområde”, värde ”Ny sak”: Okänt ansvarsområde i kolumnen "
        "Infrastruktur och resurser; du får inte lägga till nya.",
        user=user,
    )
    assert_rejected(
        csv_with([*WIFI[:4], "A.W ITS", "Ny text"]),
        "blueprint.csv",
        "Rad 2, kolumn ”Beskrivning”, värde ”Ny text”: Du får inte ändra ansvarsområdets "
        "beskrivning",
        user=user,
    )
    user.user_permissions.add(Permission.objects.get(codename="change_item"))
    user = django_user_model.objects.get(pk=user.pk)
    assert run(csv_with([*WIFI[:4], "A.W ITS", "Ny text"]), user=user).applied


@pytest.mark.parametrize("file_format", ["xlsx", "ods", "csv"])
def test_formula_like_text_survives_a_round_trip_as_text(seed, file_format):
    item = Item.objects.get(name="Budget")
    item.description = "=cmd|' /C calc'!A0"
    item.save()
    content = seed_export(file_format)
    if file_format == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    result = run(content, f"seed.{file_format}")
    assert (result.errors, result.has_changes) == ([], False)


def test_file_with_too_many_rows_is_rejected(seed, monkeypatch):
    import digiansvar.spreadsheets.reader

    monkeypatch.setattr(digiansvar.spreadsheets.reader, "MAX_ROWS", 100)
    assert_rejected(SEED_BLUEPRINT.read_bytes(), "blueprint.csv", "Filen har fler än 100 rader.")


def ods_with_rows_appended(rows_xml):
    """The seed's ods export with table rows (content.xml text) added at the sheet's end."""
    stream = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(seed_export("ods"))) as source,
        zipfile.ZipFile(stream, "w") as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "content.xml":
                data = data.replace(b"</table:table>", rows_xml.encode() + b"</table:table>")
            target.writestr(info, data)
    return stream.getvalue()


# As LibreOffice ends a sheet: every remaining row of 16,384 empty cells, repeated.
EMPTY_ROWS = (
    '<table:table-row table:number-rows-repeated="{rows}">'
    '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
)


def test_ods_with_a_million_empty_rows_at_the_end_imports_without_expanding_them(seed):
    content = ods_with_rows_appended(EMPTY_ROWS.format(rows=1_048_424))
    assert len(content) < 100_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        rows = read_table(content, "seed.ods")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5
    assert peak < 20 * 1024 * 1024
    assert len(rows) == 151 and rows[-1][0] == 151
    result = run(content, "seed.ods")
    assert (result.errors, result.has_changes) == ([], False)


def test_ods_empty_rows_between_rows_keep_the_row_numbers(seed):
    wifi = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p></table:table-cell>'
        for cell in [*WIFI[:4], "A.W ITS; LÄR"]
    )
    content = ods_with_rows_appended(
        EMPTY_ROWS.format(rows=1000) + f"<table:table-row>{wifi}</table:table-row>"
        + EMPTY_ROWS.format(rows=1_000_000)
    )  # fmt: skip
    *_, (number, cells) = read_table(content, "seed.ods")
    assert (number, cells[3]) == (1152, "WiFi / Nätverk")


def test_ods_with_too_many_real_rows_is_still_rejected(seed):
    """Only empty rows are free: one real row repeated a million times is too many."""
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{cell}</text:p></table:table-cell>'
        for cell in WIFI
    )
    content = ods_with_rows_appended(
        f'<table:table-row table:number-rows-repeated="1000000">{cells}</table:table-row>'
    )
    assert_rejected(content, "seed.ods", "Filen har fler än 200 000 rader.")


def test_csv_with_broken_quotes_is_rejected(seed):
    content = (HEADER + '\narstaviken;HYGIEN;Infrastruktur och resurser;"Wifi"x;ITS;\n').encode()
    assert_rejected(content, "blueprint.csv", "Rad 2 i filen: citattecknen stämmer inte")


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods", "json"])
def test_formula_like_item_names_round_trip_losslessly(seed, file_format):
    column = Item.objects.get(name="Budget").column
    names = ['=HYPERLINK("http://x","y")', "-x", "+1", "@a", "'=x", "''"]
    for name in names:
        Item.objects.create(column=column, name=name, description=name)
    before = database_state()
    result = run(seed_export(file_format), f"seed.{file_format}")
    assert (result.errors, result.has_changes) == ([], False)
    assert {row.item for row in result.rows} >= set(names)
    assert database_state() == before


# --- Kräver ersättare and Lokalt stöd för (issue 11) ----------------------------


def test_seed_marks_local_support_and_deputies(seed):
    marked = dict(Item.objects.exclude(support_kind="").values_list("name", "support_kind"))
    assert marked == {
        "Support lokalt": "teknik",
        "Support och stöd": "pedagogik",
        "Skolplattform | Skoladministratör": "system",
    }
    assert Item.objects.filter(support_kind="pedagogik").count() == 2
    assert set(Item.objects.filter(needs_deputy=True).values_list("name", flat=True)) == {
        "Brandlarm",
        "Inbrottslarm",
        "Support lokalt",
        "WiFi / Nätverk",
        "Skolplattform | Betygsadministratör",
        "Lönesystem",
    }


def test_export_writes_the_marks_and_a_round_trip_keeps_them(seed):
    text = seed_export("csv").decode("utf-8")
    header, *lines = text.splitlines()
    assert header.endswith(";Sökord;Kräver ersättare;Lokalt stöd för;Enhetsnamn")
    support = next(line for line in lines if ";Support lokalt;" in line)
    assert support.endswith(";ja;teknik;Årstaviken")
    assert run(text.encode("utf-8")).has_changes is False


def test_the_unit_is_read_from_its_slug_and_the_name_column_is_not_read(seed):
    (line,) = [line for line in seed_text().splitlines() if ";WiFi / Nätverk;" in line]
    row = next(csv.reader([line], delimiter=";"))
    assert row[-1] == "Årstaviken"
    # Enhetsnamn is for the reader: another name changes nothing, and no error.
    row[-1] = "Någon annan skola"
    result = run(csv_with(row))
    assert result.errors == [] and result.counts["unchanged"] == 1
    # A file written before the column (nine columns) reads as before.
    assert run(csv_with(row[:9])).errors == []


def test_file_without_the_mark_columns_leaves_the_marks(seed):
    support = ["arstaviken", "HYGIEN", "Infrastruktur och resurser", "Support lokalt", "A.W ITS"]
    result = run(csv_with([*support, "", ""]))  # seven columns: up to Sökord
    assert result.applied
    item = Item.objects.get(name="Support lokalt")
    assert (item.needs_deputy, item.support_kind) == (True, "teknik")


def test_marks_are_set_and_cleared_with_a_preview(seed):
    keywords = Item.objects.get(name="WiFi / Nätverk").keywords
    preview = run(csv_with([*WIFI, keywords, "nej", "Teknik"]), dry_run=True)
    (row,) = preview.rows
    assert row.status == "changed" and row.marks_changed
    assert (row.marks_before, row.marks_after) == (
        "Kräver ersättare: ja",
        "Lokalt stöd för: teknik",
    )
    result = run(csv_with([*WIFI, keywords, "", "teknik"]))
    assert result.applied and result.items_updated == 1
    item = Item.objects.get(name="WiFi / Nätverk")
    assert (item.needs_deputy, item.support_kind) == (False, "teknik")
    assert item.history.first().history_change_reason == "Import från blueprint.csv"


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (
            ["kanske", ""],
            "Rad 3, kolumn ”Kräver ersättare”, värde ”kanske”: Skriv ”ja”, ”nej” eller lämna tomt.",
        ),
        (
            ["ja", "hårdvara"],
            "Rad 3, kolumn ”Lokalt stöd för”, värde ”hårdvara”: "
            "Skriv teknik, system eller pedagogik, eller lämna tomt.",
        ),
    ],
    ids=["deputy", "support"],
)
def test_bad_marks_are_rejected_and_nothing_changes(seed, cells, expected):
    # The first row is good: a bad row anywhere stops the whole file.
    good = [*BUDGET, "budget", "ja", ""]
    assert_rejected(csv_with(good, [*WIFI, "wifi", *cells]), "blueprint.csv", expected)


def test_rows_of_one_item_must_agree_on_the_marks(seed):
    other = ["", *WIFI[1:]]
    assert_rejected(
        csv_with([*WIFI, "wifi", "ja", ""], [*other, "wifi", "", ""]),
        "blueprint.csv",
        "Rad 3, kolumn ”Kräver ersättare”, värde ””: Värdet skiljer sig från rad 2",
    )


def test_rektor_may_not_change_marks(seed, django_user_model):
    from guardian.shortcuts import assign_perm

    user = django_user_model.objects.create_user("rektor-markering", password="x")
    assign_perm("organisation.manage_unit", user, Unit.objects.get(slug="arstaviken"))
    keywords = Item.objects.get(name="WiFi / Nätverk").keywords
    assert_rejected(
        csv_with([*WIFI, keywords, "ja", "system"]),
        "blueprint.csv",
        "Rad 2, kolumn ”Lokalt stöd för”, värde ”system”: "
        "Du får inte ändra ansvarsområdets ”Lokalt stöd för” (nu ””).",
        user=user,
    )
