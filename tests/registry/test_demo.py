import pytest
from django.core.management import CommandError, call_command

from organisation.models import Appointment, ITCouncilMembership, Person, Position, Unit
from registry.coverage import coverage_counts
from registry.coverage.store import coverage_store_counts, coverage_store_refresh
from registry.models import Assignment, Item
from registry.seed.demo import demo_organisation_generate

pytestmark = pytest.mark.django_db


def snapshot():
    units = list(Unit.objects.filter(organisation__slug="demokommunen").values_list("name", "kind"))
    people = list(
        Person.objects.filter(organisation__slug="demokommunen")
        .order_by("initials")
        .values_list("initials", "name")
    )
    assignments = sorted(
        Assignment.objects.filter(unit__organisation__slug="demokommunen").values_list(
            "unit__slug", "item__name", "role__code", "person__initials", "priority"
        ),
        key=str,
    )
    return units, people, assignments


def test_generate_demo_builds_a_municipality_with_gaps(seed):
    result = demo_organisation_generate(units=12, seed=7)
    assert result["created"] and result["units"] == 12
    units = Unit.objects.filter(organisation__slug="demokommunen")
    assert {unit.kind for unit in units} == {Unit.Kind.SCHOOL, Unit.Kind.PRESCHOOL}
    # Every unit has a rektor; the developers cover all four focuses.
    assert Appointment.objects.filter(unit__in=units, position__code="rektor").count() == 12
    focuses = set(
        Appointment.objects.filter(
            person__organisation__slug="demokommunen", position__code="verksamhetsutvecklare"
        ).values_list("focus", flat=True)
    )
    assert focuses == {"pedagogik", "system", "teknik", "webb"}
    for code in ("it-strateg", "ekonom", "chef-verksamhetsutvecklare"):
        assert Appointment.objects.filter(
            person__organisation__slug="demokommunen", position__code=code
        ).exists()
    assert (
        ITCouncilMembership.objects.filter(
            council__organisation__slug="demokommunen", is_leader=True
        ).count()
        == 2
    )
    # Around 300 assignments per unit, like Årstaviken's 164 plus deputies.
    assert 250 * 12 < Assignment.objects.filter(unit__in=units).count() < 330 * 12

    # The poster's individual roles are held through appointments at each unit.
    coordinators = Appointment.objects.filter(unit__in=units, position__code="it-samordnare")
    assert coordinators.values("unit").distinct().count() == 12
    counts = coverage_counts(units=units)
    assert counts["missing_positions"] and counts["items_without_responsible"]
    assert counts["overloaded_people"]
    # The seed marks six items as needing a deputy; the demo names one on most.
    marked = Item.objects.filter(needs_deputy=True).count()
    assert marked == 6 and 0 < counts["missing_deputies"] < marked * len(units)


def test_generate_demo_is_deterministic_and_leaves_an_existing_demo_alone(seed):
    demo_organisation_generate(units=4, seed=3)
    first = snapshot()
    again = demo_organisation_generate(units=9, seed=99)
    assert not again["created"] and again["units"] == 4
    assert snapshot() == first

    demo_organisation_generate(units=4, seed=3, reset=True)
    assert snapshot() == first
    demo_organisation_generate(units=4, seed=4, reset=True)
    assert snapshot() != first


def test_generate_demo_command_reports_counts(seed, capsys):
    call_command("generate_demo", "--units", "3", "--seed", "1")
    assert "3 enheter" in capsys.readouterr().out
    call_command("generate_demo", "--units", "3", "--seed", "1")
    assert "--reset" in capsys.readouterr().out
    # The seed's own unit is untouched.
    assert Unit.objects.filter(slug="arstaviken").exists()
    assert Position.objects.filter(code="hanteringsansvarig").exists()


def test_the_demo_has_a_history_so_editing_one_entry_counts_one_unit_again(seed):
    demo_organisation_generate(units=6, seed=3)
    demo = Assignment.objects.filter(unit__organisation__slug="demokommunen")
    assert Assignment.history.filter(id__in=demo.values("pk"), history_type="+").count() == (
        demo.count()
    )
    assert coverage_store_refresh() == Unit.objects.count()
    entry = demo.filter(priority=Assignment.Priority.DEPUTY).first()
    entry.priority = Assignment.Priority.PRIMARY
    entry.save()
    assert coverage_store_refresh() == 1
    assert coverage_store_counts(units=Unit.objects.all()) == coverage_counts(
        units=Unit.objects.all()
    )


def test_generate_demo_does_not_put_back_the_seed_units_removed_assignments(seed):
    """The demo copies Årstaviken; with its rows removed it stops instead of reloading the seed."""
    Assignment.objects.filter(unit__slug="arstaviken").delete()
    with pytest.raises(CommandError, match="load_seed --update"):
        call_command("generate_demo", "--units", "2")
    assert not Assignment.objects.filter(unit__slug="arstaviken").exists()
