import io

import pytest
from django.core.management import CommandError, call_command

from registry.models import Assignment, Item
from registry.seed.load import SEED_BLUEPRINT
from tests.factories import UnitFactory
from tests.spreadsheets.helpers import csv_with, database_state

pytestmark = pytest.mark.django_db

WIFI = ["arstaviken", "HYGIEN", "Infrastruktur och resurser", "WiFi / Nätverk"]


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_writes_csv_to_stdout_exactly_as_the_seed_file(seed):
    out, _err = run("export_blueprint")
    assert out.encode("utf-8") == SEED_BLUEPRINT.read_bytes()


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "ods", "json"])
def test_export_to_a_file_and_import_it_again_changes_nothing(seed, tmp_path, file_format):
    target = tmp_path / f"ansvar.{file_format}"
    run("export_blueprint", "--unit", "arstaviken", "-o", str(target))
    before = database_state()
    out, _err = run("import_blueprint", str(target), "--unit", "arstaviken")
    assert "150 rader: 0 nya, 0 ändrade, 150 oförändrade, 0 borttagna" in out
    assert database_state() == before


def test_export_of_one_unit_leaves_other_units_out(seed):
    UnitFactory(slug="annan")
    out, _err = run("export_blueprint", "--unit", "annan")
    lines = out.splitlines()
    assert len(lines) == 151 and {line.split(";")[0] for line in lines[1:]} == {"annan"}
    everything, _err = run("export_blueprint")
    assert len(everything.splitlines()) == 301


def test_export_refuses_binary_output_to_the_terminal(seed):
    with pytest.raises(CommandError, match="give a file with -o"):
        run("export_blueprint", "--format", "xlsx")


def test_import_dry_run_reports_and_saves_nothing(seed, tmp_path):
    path = tmp_path / "ansvar.csv"
    path.write_bytes(csv_with([*WIFI, "A.W ITS; LÄR", ""]))
    before = database_state()
    out, _err = run("import_blueprint", str(path), "--dry-run", "-v", "2")
    assert "1 rader: 0 nya, 1 ändrade" in out and "Ansvariga: 1 tillagda" in out
    assert "Dry run: nothing was saved." in out
    assert "A.W ITS → A.W ITS; LÄR" in out
    assert database_state() == before
    run("import_blueprint", str(path))
    assert Item.objects.get(name="WiFi / Nätverk").assignments.count() == 2


def test_import_errors_exit_non_zero_and_name_row_column_value(seed, tmp_path):
    path = tmp_path / "ansvar.csv"
    path.write_bytes(csv_with([*WIFI, "A.W ITS; LÄR", ""], ["okand", *WIFI[1:], "ITS", ""]))
    before = database_state()
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 errors; nothing was imported"):
        call_command("import_blueprint", str(path), stdout=io.StringIO(), stderr=err)
    assert "Rad 3, kolumn ”Enhet”, värde ”okand”: Okänd enhet." in err.getvalue()
    assert database_state() == before


def test_import_of_an_unreadable_file_exits_non_zero(seed, tmp_path):
    path = tmp_path / "ansvar.xlsx"
    path.write_bytes(b"not a spreadsheet")
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_blueprint", str(path), stdout=io.StringIO(), stderr=err)
    assert "Filen är ingen xlsx-fil" in err.getvalue()


def test_import_replace_removes_unlisted_assignments(seed, tmp_path):
    path = tmp_path / "ansvar.csv"
    path.write_bytes(csv_with([*WIFI, "A.W ITS", ""]))
    out, _err = run("import_blueprint", str(path), "--replace")
    assert "149 borttagna" in out
    assert Assignment.objects.count() == 1


def test_import_as_a_user_is_limited_to_their_units(seed, tmp_path, django_user_model):
    from guardian.shortcuts import assign_perm

    user = django_user_model.objects.create_user("rektor")
    assign_perm("organisation.manage_unit", user, UnitFactory(slug="egen"))
    path = tmp_path / "ansvar.csv"
    path.write_bytes(csv_with([*WIFI, "A.W ITS; LÄR", ""]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 errors"):
        call_command(
            "import_blueprint", str(path), "--user", "rektor", stdout=io.StringIO(), stderr=err
        )
    # Neither the unit nor the person of another huvudman is known to the user.
    assert "värde ”arstaviken”: Okänd enhet." in err.getvalue()
    assert "Okänd person ”A.W”" in err.getvalue()
