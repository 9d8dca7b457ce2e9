from io import StringIO

import pytest
from django.core.management import call_command

from organisation.models import Appointment, ITCouncil, Person, Position, Unit
from registry.models import Area, Assignment, Blueprint, Item, Role

pytestmark = pytest.mark.django_db


def responsible_at_arstaviken(item_name, column=None):
    """The item's responsible as the poster writes them, in order: ["A.W ITS", "LÄR"]."""
    items = Item.objects.filter(name=item_name)
    if column:
        items = items.filter(column__name=column)
    item = items.get()
    return [
        " ".join(part for part in (a.person_initials, a.role_code) if part)
        for a in item.assignments.filter(unit__slug="arstaviken")
        .select_related("person", "role")
        .order_by("order")
    ]


def test_seed_loads_twice_without_duplicates(seed):
    counts = (Item.objects.count(), Assignment.objects.count(), Person.objects.count())
    call_command("load_seed", verbosity=0)
    assert (Item.objects.count(), Assignment.objects.count(), Person.objects.count()) == counts
    assert counts == (150, 164, 9)


def history_counts():
    """Rows in every history table (simple_history's registered models)."""
    from simple_history.models import registered_models

    return {
        model._meta.label: model.history.count()
        for model in registered_models.values()
        if hasattr(model, "history")
    }


def test_seed_loaded_again_on_an_unchanged_database_writes_no_history(seed):
    before = history_counts()
    assert before["registry.Item"] == 150 and before["registry.Assignment"] == 164
    call_command("load_seed", verbosity=0)
    assert history_counts() == before


def test_seed_goes_through_the_blueprint_import(db):
    """The seed's items and assignments carry the import's history reason."""
    call_command("load_seed", verbosity=0)
    reasons = set(Item.history.values_list("history_change_reason", flat=True))
    assert reasons == {"Import från blueprint-arstaviken.csv"}
    budget = Item.objects.get(name="Budget")
    budget.description = "Ändrad"
    budget.save()
    call_command("load_seed", "--update", interactive=False, verbosity=0)
    budget.refresh_from_db()
    assert budget.description == ""  # the seed's value wins, through the import


def load_seed(*args, **options):
    out = StringIO()
    call_command("load_seed", *args, stdout=out, **options)
    return out.getvalue()


def skrivare_given_to_the_caretaker():
    """As an administrator does in admin: Skrivare from A.W · ITS to E.M · VAKT, with history."""
    row = Assignment.objects.get(item__name="Skrivare", unit__slug="arstaviken")
    row.person = Person.objects.get(initials="E.M")
    row.role = Role.objects.get(code="VAKT")
    row._change_reason = "Ändrad i admin"
    row.save()


def test_load_seed_on_a_fresh_database_loads_it_and_then_leaves_it(db):
    assert load_seed() == "Seed loaded: 150 new items, 164 new assignments.\n"
    assert load_seed().startswith("Seed already loaded: nothing changed.")


def test_load_seed_on_an_edited_register_changes_nothing_and_says_so(seed):
    """`make run` and an upgrade run load_seed again: what administrators changed stays."""
    skrivare_given_to_the_caretaker()
    before = history_counts()
    out = load_seed()
    assert out.startswith("Seed already loaded: nothing changed.")
    assert "load_seed --update" in out
    assert responsible_at_arstaviken("Skrivare") == ["E.M VAKT"]
    assert history_counts() == before


def test_load_seed_update_lists_what_it_would_put_back_then_applies_it(seed):
    skrivare_given_to_the_caretaker()
    budget = Item.objects.get(name="Budget")
    budget.description = "Ändrad"
    budget.save()
    before = history_counts()
    listed = [
        "The seed would make 2 changes:",
        "  arstaviken · Skrivare (ändrad): responsible E.M VAKT → E.M VAKT; A.W ITS",
        "  arstaviken · Budget (ändrad): description 'Ändrad' → ''",
    ]
    out = load_seed("--update", "--dry-run")
    assert out.splitlines() == [*listed, "Dry run: nothing was saved."]
    assert history_counts() == before
    assert responsible_at_arstaviken("Skrivare") == ["E.M VAKT"]

    out = load_seed("--update", interactive=False)
    assert out.splitlines() == [*listed, "Seed loaded: 0 new items, 1 new assignments."]
    assert responsible_at_arstaviken("Skrivare") == ["E.M VAKT", "A.W ITS"]
    assert Item.objects.get(name="Budget").description == ""
    added = Assignment.history.filter(history_type="+").latest("history_date")
    assert (added.person.initials, added.history_user) == ("A.W", None)
    assert load_seed("--update").startswith("The register holds everything the seed does")


def test_load_seed_update_asks_before_applying(seed, monkeypatch):
    skrivare_given_to_the_caretaker()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    out = load_seed("--update")
    assert "responsible E.M VAKT → E.M VAKT; A.W ITS" in out
    assert out.endswith("Nothing changed.\n")
    assert responsible_at_arstaviken("Skrivare") == ["E.M VAKT"]
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert load_seed("--update").endswith("1 new assignments.\n")
    assert responsible_at_arstaviken("Skrivare") == ["E.M VAKT", "A.W ITS"]


def test_load_seed_update_lists_the_organisation_rows_it_puts_back(seed):
    Person.objects.filter(initials="A.W").update(name="Anna W")
    Unit.objects.filter(slug="arstaviken").update(name="Årstavikens skola")
    out = load_seed("--update", "--dry-run")
    assert "  enhet Årstavikens skola: namn 'Årstavikens skola' → 'Årstaviken'" in out
    assert "  person A.W – Anna W: namn 'Anna W' → ''" in out


def test_seed_has_the_posters_areas_in_order_with_item_counts(seed):
    areas = [
        (
            area.name,
            area.subtitle,
            area.columns.count(),
            Item.objects.filter(column__area=area).count(),
        )
        for area in Area.objects.all()
    ]
    assert areas == [
        ("HYGIEN", "Infrastruktur och resurser", 1, 23),
        ("ADMINISTRATION", "Allmänna administrativa system", 1, 65),
        ("PEDAGOGIK", "Närmast elevernas lärande och användande", 3, 62),
    ]
    assert list(
        Item.objects.filter(column__area__slug="pedagogik")
        .values_list("column__name")
        .distinct()
        .order_by("column__order")
    ) == [("Pedagogisk administration",), ("Undervisning",), ("Elevens lärande och vardag",)]


def test_seed_keeps_the_posters_order(seed):
    hygien = list(Item.objects.filter(column__area__slug="hygien").values_list("name", flat=True))
    assert hygien[:3] == [
        "AD-Konton",
        "Ansvar för sin egna professionella utveckling",
        "AV-utrustning",
    ]
    assert hygien[-1] == "WiFi / Nätverk"


@pytest.mark.parametrize(
    ("item", "column", "expected"),
    [
        ("WiFi / Nätverk", None, ["A.W ITS"]),
        ("AD-Konton", None, ["A.W ITS", "Resp chef"]),
        ("Helpdesk | Agent", None, ["R.A ITP", "A.W ITS", "VAKT"]),
        ("Budget", None, ["V.G ADM", "K.E REK"]),
        ("Schema | Löpande uppdateringar", None, ["R.A ITP", "P.HAR BIT"]),
        (
            "Ansvar för sin egna professionella utveckling",
            None,
            ["ITP", "ITS", "SEK", "VAKT", "Resp chef", "LÄR", "SPE"],
        ),
        ("Fortbildning | Producent – Handledare", None, ["R.A ITP"]),
        ("Digitala läromedel | Kontohantering | Administratör", None, ["R.A ITP"]),
        ("Support lokalt", None, ["A.W ITS"]),
        ("Säkerhetskåp / förvaring", None, ["E.M VAKT"]),
        ("LiSA", None, ["BIT"]),
        ("Skolplattform | Betygssättning", None, ["LÄR", "K.E REK"]),
        ("InfoTV innehåll – Årstaviken", None, ["A.L"]),
        ("Utvecklingssamtal – Ansvar process IUP Omdömen", None, ["S.v.d.K BIT"]),
        ("Beställning och hantering av SL-kort och biljetter", None, ["J.S SEK"]),
        ("Digitala anpassningar", "Pedagogisk administration", ["SPE"]),
        ("Digitala anpassningar", "Elevens lärande och vardag", ["MEN", "SPE"]),
        ("Insatt i styrdokument | Leda digitalisering", None, ["BIT", "K.E REK"]),
    ],
)
def test_seed_assignments_match_the_poster(seed, item, column, expected):
    assert responsible_at_arstaviken(item, column) == expected


def test_same_name_in_two_columns_is_two_items(seed):
    assert set(
        Item.objects.filter(name="Analysstöd").values_list("column__area__slug", flat=True)
    ) == {
        "administration",
        "pedagogik",
    }
    assert Item.objects.filter(name="Support och stöd").count() == 2


def test_multiline_item_is_one_item_with_its_list_as_description(seed):
    item = Item.objects.get(name="Centralt innehåll och kursplaner")
    assert item.description.startswith("Programmering, Multimodalitet, Informationssökning")
    assert "3D-skisser och modeller" in item.description
    assert responsible_at_arstaviken(item.name) == ["LÄR"]


def test_group_is_taken_from_the_pipe_prefix(seed):
    assert Item.objects.get(name="Skolplattform | Bedömning").group == "Skolplattform"
    assert Item.objects.get(name="BER | Förfrågan av placering").group == "BER"
    assert Item.objects.get(name="WiFi / Nätverk").group == ""
    assert Item.objects.filter(group="Skolplattform").count() == 23


def test_ocr_damage_is_repaired(seed):
    assert not Person.objects.filter(initials__endswith=".").exists()
    assert not Item.objects.filter(name__contains="]").exists()
    assert not Item.objects.filter(name__regex=r"[a-zå][A-Z]\.[A-Z]").exists()


def test_seed_has_the_organisation_positions_roles_and_councils(seed):
    assert Unit.objects.get(slug="arstaviken").name == "Årstaviken"
    # The decision's positions, and one for each of the poster's individual roles.
    assert set(Position.Code.values) < set(Position.objects.values_list("code", flat=True))
    assert Role.objects.get(code="Resp chef").name == "Respektive chef"
    assert Role.objects.get(code="REK").position.code == "rektor"
    individual = Role.objects.filter(kind=Role.Kind.INDIVIDUAL)
    assert not individual.filter(position__isnull=True).exists()
    assert set(Role.objects.exclude(kind=Role.Kind.INDIVIDUAL).values_list("code", "kind")) == {
        ("LÄR", "kollektiv"),
        ("MEN", "kollektiv"),
        ("HÄL", "kollektiv"),
        ("Resp chef", "relativ"),
    }
    assert Appointment.objects.get(position__code="rektor").person.initials == "K.E"
    # Who holds the poster's roles at Årstaviken is recorded once, as appointments.
    assert Appointment.objects.get(position__role__code="ITS").person.initials == "A.W"
    assert list(ITCouncil.objects.values_list("name", flat=True)) == [
        "IT-råd förskola",
        "IT-råd skola",
    ]
    blueprint = Blueprint.objects.get()
    assert (blueprint.version, blueprint.published.isoformat()) == ("1.4.0", "2021-10-21")
