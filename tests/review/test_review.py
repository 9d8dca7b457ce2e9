"""The yearly review: opening a round, the checklist, signing off, status and reminders."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from organisation.services import unit_grant
from registry import versions
from review import services
from review.models import ReviewRound, UnitReview
from tests.factories import (
    AssignmentFactory,
    ItemFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def user_in(django_user_model, name, group, email=None):
    user = django_user_model.objects.create_user(
        name, email=email or f"{name}@example.org", password=f"pw-{name}-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def world(django_user_model):
    organisation = OrganisationFactory()
    norra = UnitFactory(organisation=organisation, slug="norra", name="Norra skolan")
    sodra = UnitFactory(organisation=organisation, slug="sodra", name="Södra skolan")
    vastra = UnitFactory(organisation=organisation, slug="vastra", name="Västra skolan")
    its = RoleFactory(code="ITS", name="IT-samordnare")
    wifi = ItemFactory(name="WiFi")
    no_login = PersonFactory(organisation=organisation, initials="N.L", name="Utan Konto")
    for unit in (norra, sodra, vastra):
        AssignmentFactory(item=wifi, unit=unit, role=its, person=no_login)
    version = versions.blueprint_publish(
        organisation=organisation, version="1.0.0", published=date(2026, 8, 1), title="T"
    )
    users = {}
    for name, unit in (("rektor_norra", norra), ("rektor_sodra", sodra), ("rektor_vastra", vastra)):
        users[name] = django_user_model.objects.create_user(
            name, email=f"{name}@example.org", password=f"pw-{name}-1"
        )
        unit_grant(user=users[name], unit=unit, role="rektor")
    users["lasare"] = django_user_model.objects.create_user("lasare", password="pw-lasare-1")
    unit_grant(user=users["lasare"], unit=norra, role="läsare")
    users["strateg"] = user_in(django_user_model, "strateg", "IT-strateg")
    users["admin"] = user_in(django_user_model, "admin", "administratör")
    round = services.review_round_open(
        organisation=organisation, title="Läsår 2026/27", deadline=date(2026, 10, 1),
        user=users["admin"],
    )  # fmt: skip
    return {
        "organisation": organisation,
        "norra": norra,
        "sodra": sodra,
        "vastra": vastra,
        "wifi": wifi,
        "its": its,
        "version": version,
        "round": round,
        **users,
    }


def review_url(world, unit):
    return reverse("review:unit_review", args=[world["round"].pk, unit.slug])


def test_opening_a_round_gives_every_unit_a_review(world):
    reviews = world["round"].unit_reviews.order_by("unit__name")
    assert [(r.unit.slug, r.status) for r in reviews] == [
        ("norra", "pending"),
        ("sodra", "pending"),
        ("vastra", "pending"),
    ]
    assert world["round"].history.get().history_user == world["admin"]


@pytest.mark.parametrize("who", ["rektor_norra", "lasare", "strateg"])
def test_only_administrators_open_rounds(world, client, who):
    with pytest.raises(PermissionDenied):
        services.review_round_open(
            organisation=world["organisation"], title="X", deadline=date(2027, 1, 1),
            user=world[who],
        )  # fmt: skip
    client.force_login(world[who])
    response = client.post(
        reverse("admin:review_reviewround_add"),
        {"organisation": world["organisation"].pk, "title": "X", "deadline": "2027-01-01"},
    )
    assert response.status_code in (302, 403)
    assert response.status_code == 403 or "/login/" in response["Location"]
    assert ReviewRound.objects.count() == 1


def test_administrator_opens_a_round_in_admin(world, client):
    client.force_login(world["admin"])
    response = client.post(
        reverse("admin:review_reviewround_add"),
        {"organisation": world["organisation"].pk, "title": "Läsår 2027/28",
         "deadline": "2027-10-01"},
    )  # fmt: skip
    assert response.status_code == 302
    assert ReviewRound.objects.get(title="Läsår 2027/28").unit_reviews.count() == 3


def test_rektor_signs_own_unit_with_a_comment(world, client):
    client.force_login(world["rektor_norra"])
    response = client.post(
        review_url(world, world["norra"]), {"decision": "sign", "comment": "Genomgånget."}
    )
    assert response.status_code == 302
    review = UnitReview.objects.get(round=world["round"], unit=world["norra"])
    assert (review.status, review.comment, review.decided_by) == (
        "signed",
        "Genomgånget.",
        world["rektor_norra"],
    )
    assert review.version == world["version"]
    assert review.history.first().history_user == world["rektor_norra"]
    page = client.get(review_url(world, world["norra"])).content.decode()
    assert "Godkänd" in page and "Genomgånget." in page


def test_rektor_cannot_sign_another_unit(world, client):
    client.force_login(world["rektor_norra"])
    response = client.post(review_url(world, world["sodra"]), {"decision": "sign"})
    assert response.status_code == 404
    sodra = UnitReview.objects.get(round=world["round"], unit=world["sodra"])
    with pytest.raises(PermissionDenied):
        services.unit_review_decide(review=sodra, user=world["rektor_norra"], status="signed")
    sodra.refresh_from_db()
    assert sodra.status == "pending"


def test_reader_sees_the_checklist_but_cannot_sign(world, client):
    client.force_login(world["lasare"])
    page = client.get(review_url(world, world["norra"]))
    assert page.status_code == 200
    assert "Godkänn enhetens ansvarsfördelning" not in page.content.decode()
    assert client.post(review_url(world, world["norra"]), {"decision": "sign"}).status_code == 403
    assert UnitReview.objects.get(round=world["round"], unit=world["norra"]).status == "pending"


def test_returning_needs_questions(world, client):
    client.force_login(world["rektor_norra"])
    response = client.post(review_url(world, world["norra"]), {"decision": "return"})
    assert response.status_code == 400
    assert "Skriv dina frågor" in response.content.decode()
    response = client.post(
        review_url(world, world["norra"]), {"decision": "return", "comment": "Vem har WiFi?"}
    )
    assert response.status_code == 302
    review = UnitReview.objects.get(round=world["round"], unit=world["norra"])
    assert (review.status, review.comment) == ("returned", "Vem har WiFi?")


def test_checklist_lists_findings_changes_and_people(world, client, django_user_model):
    gone = django_user_model.objects.create_user("gone", is_active=False)
    left = PersonFactory(organisation=world["organisation"], initials="L.L", user=gone)
    AssignmentFactory(item=world["wifi"], unit=world["norra"], role=None, person=left)
    client.force_login(world["rektor_norra"])
    page = client.get(review_url(world, world["norra"])).content.decode()
    assert "1 ändring sedan version 1.0.0" in page
    assert f"?from={world['version'].pk}&amp;unit=norra" in page
    assert "Saknar inloggning" in page and "N.L – Utan Konto" in page
    assert "Har slutat" in page and "L.L" in page
    # Coverage: the unit has no IT-handledare or hanteringsansvarig appointed.
    assert "Brister i täckningen" in page


def test_changes_count_from_the_last_sign_off(world):
    norra = UnitReview.objects.get(round=world["round"], unit=world["norra"])
    services.unit_review_decide(review=norra, user=world["rektor_norra"], status="signed")
    AssignmentFactory(item=world["wifi"], unit=world["norra"], role=None,
                      person=PersonFactory(organisation=world["organisation"]))  # fmt: skip
    newer = versions.blueprint_publish(
        organisation=world["organisation"], version="2.0.0", published=date(2027, 8, 1), title="T"
    )
    next_round = services.review_round_open(
        organisation=world["organisation"], title="Läsår 2027/28", deadline=date(2027, 10, 1),
        user=world["admin"],
    )  # fmt: skip
    from review.queries import unit_checklist

    checklist = unit_checklist(next_round.unit_reviews.get(unit=world["norra"]))
    assert checklist.baseline == world["version"]
    assert len(checklist.changes) == 1
    # A unit never signed off counts from the version in force.
    checklist = unit_checklist(next_round.unit_reviews.get(unit=world["sodra"]))
    assert checklist.baseline == newer
    assert len(checklist.changes) == 0


def test_status_page_for_the_it_strategist_only(world, client):
    norra = UnitReview.objects.get(round=world["round"], unit=world["norra"])
    services.unit_review_decide(review=norra, user=world["rektor_norra"], status="signed")
    url = reverse("review:round_status", args=[world["round"].pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for who in ("rektor_norra", "lasare"):
        client.force_login(world[who])
        assert client.get(url).status_code == 403
    client.force_login(world["strateg"])
    page = client.get(url).content.decode()
    assert "Godkänd: 1 (33 %)" in page
    assert "Ej granskad: 2 (67 %)" in page
    assert 'width="33"' in page
    assert page.count('class="review-status review-status--pending"') == 2


def test_reminders_go_only_to_rektorer_of_unsigned_units(world, client):
    norra = UnitReview.objects.get(round=world["round"], unit=world["norra"])
    services.unit_review_decide(review=norra, user=world["rektor_norra"], status="signed")
    sodra = UnitReview.objects.get(round=world["round"], unit=world["sodra"])
    services.unit_review_decide(
        review=sodra, user=world["rektor_sodra"], status="returned", comment="Frågor"
    )
    client.force_login(world["strateg"])
    response = client.post(reverse("review:round_remind", args=[world["round"].pk]))
    assert response.status_code == 302
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["rektor_sodra@example.org", "rektor_vastra@example.org"]
    vastra_mail = next(m for m in mail.outbox if m.to == ["rektor_vastra@example.org"])
    assert "Västra skolan" in vastra_mail.body and "Norra" not in vastra_mail.body
    assert "/granskning/" in vastra_mail.body
    norra.refresh_from_db()
    assert norra.reminded_at is None
    assert UnitReview.objects.get(pk=sodra.pk).reminded_at is not None


def test_a_rektor_of_two_unsigned_units_gets_one_reminder(world):
    unit_grant(user=world["rektor_norra"], unit=world["sodra"], role="rektor")
    sent = services.review_round_remind(round=world["round"], user=world["strateg"])
    assert sent == 3
    (message,) = [m for m in mail.outbox if m.to == ["rektor_norra@example.org"]]
    assert "Norra skolan" in message.body and "Södra skolan" in message.body


@pytest.mark.parametrize("who", ["rektor_norra", "lasare"])
def test_only_the_it_strategist_sends_reminders(world, client, who):
    client.force_login(world[who])
    response = client.post(reverse("review:round_remind", args=[world["round"].pk]))
    assert response.status_code == 403
    assert mail.outbox == []


def test_round_list_shows_the_users_units(world, client):
    client.force_login(world["rektor_norra"])
    page = client.get(reverse("review:round_list")).content.decode()
    assert "Läsår 2026/27" in page and "Norra skolan" in page and "Södra skolan" not in page
    assert "Alla enheters status" not in page


def test_query_counts_do_not_grow_with_units(world, client, django_assert_max_num_queries):
    client.force_login(world["strateg"])
    status_url = reverse("review:round_status", args=[world["round"].pk])
    client.get(status_url)
    with django_assert_max_num_queries(10):
        client.get(status_url)
    client.force_login(world["rektor_norra"])
    # The checklist's coverage: one statement per check and one per kind of name.
    with django_assert_max_num_queries(34):
        client.get(review_url(world, world["norra"]))
    for n in range(15):
        unit = UnitFactory(organisation=world["organisation"], slug=f"extra-{n}")
        UnitReview.objects.create(round=world["round"], unit=unit)
        AssignmentFactory(item=world["wifi"], unit=unit, role=world["its"])
    client.force_login(world["strateg"])
    with django_assert_max_num_queries(10):
        client.get(status_url)
    client.force_login(world["rektor_norra"])
    with django_assert_max_num_queries(34):
        client.get(review_url(world, world["norra"]))


def test_invalid_decision_is_refused(world):
    review = UnitReview.objects.get(round=world["round"], unit=world["norra"])
    with pytest.raises(ValidationError):
        services.unit_review_decide(review=review, user=world["rektor_norra"], status="pending")


def open_round(world, title, days_left):
    return services.review_round_open(
        organisation=world["organisation"],
        title=title,
        deadline=timezone.localdate() + timedelta(days=days_left),
        user=world["admin"],
    )


def test_a_unit_created_while_a_round_runs_joins_it(world, client):
    running, past = open_round(world, "Läsår 2027/28", 30), open_round(world, "Förra året", -1)
    ostra = UnitFactory(organisation=world["organisation"], slug="ostra", name="Östra skolan")
    other = OrganisationFactory(slug="annan", name="Annan huvudman")
    UnitFactory(organisation=other, slug="annan", name="Annan huvudmans skola")
    client.force_login(world["strateg"])
    rows = UnitReview.history.count()
    page = client.get(reverse("review:round_status", args=[running.pk])).content.decode()
    assert "Östra skolan" in page and "Annan huvudmans skola" not in page
    # A GET never writes: the new unit is pending until it is decided or reminded.
    client.get(reverse("review:round_list"))
    assert not running.unit_reviews.filter(unit=ostra).exists()
    assert UnitReview.history.count() == rows
    # A round whose deadline has passed stays as it was.
    page = client.get(reverse("review:round_status", args=[past.pk])).content.decode()
    assert "Östra skolan" not in page
    # Reminding (a POST) writes the missing reviews.
    client.post(reverse("review:round_remind", args=[running.pk]))
    assert {r.unit.slug for r in running.unit_reviews.all()} == {
        "norra",
        "sodra",
        "vastra",
        "ostra",
    }
    assert not past.unit_reviews.filter(unit=ostra).exists()


def test_the_rektor_of_a_new_unit_finds_and_signs_its_review(world, client, django_user_model):
    running = open_round(world, "Läsår 2027/28", 30)
    ostra = UnitFactory(organisation=world["organisation"], slug="ostra", name="Östra skolan")
    rektor = django_user_model.objects.create_user("rektor_ostra")
    unit_grant(user=rektor, unit=ostra, role="rektor")
    client.force_login(rektor)
    url = reverse("review:unit_review", args=[running.pk, "ostra"])
    assert client.get(url).status_code == 200
    client.post(url, {"decision": "sign", "comment": ""})
    assert running.unit_reviews.get(unit=ostra).status == UnitReview.Status.SIGNED
    assert url in client.get(reverse("review:round_list")).content.decode()
