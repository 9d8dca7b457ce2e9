"""The accessibility statement holds what DIGG's model statement holds.

Where to report a problem (an address, by default too), within how long it is
answered, the WCAG 2.1 success criteria of each shortcoming, and when the
statement was published and last reviewed. The pages it vouches for are
checked by axe in tests/browser/test_accessibility.py.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from digiansvar.accessibility import CRITERIA, PUBLISHED, REVIEWED, SHORTCOMINGS
from organisation.models import ServiceAgreement
from organisation.services import unit_grant
from tests.factories import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


def statement(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200  # public: no login
    return response.content.decode()


def test_the_statement_gives_the_configured_address_for_reports(client, settings):
    settings.DIGIANSVAR_ACCESSIBILITY_CONTACT = "tillganglighet@example.se"
    assert 'href="mailto:tillganglighet@example.se"' in statement(client)


def test_without_a_configured_address_the_statement_gives_the_it_units_address(
    client, settings, django_user_model
):
    settings.DIGIANSVAR_ACCESSIBILITY_CONTACT = ""
    agreement = ServiceAgreement.objects.create(
        organisation=OrganisationFactory(),
        it_unit_name="Kommunens IT",
        it_unit_email="it@example.se",
    )
    ServiceAgreement.objects.create(
        organisation=OrganisationFactory(slug="annan", name="Annan"),
        it_unit_name="Annans IT",
        it_unit_email="it@annan.example",
    )
    # A visitor who is not signed in learns no huvudman's address.
    assert "it@example.se" not in statement(client)
    reader = django_user_model.objects.create_user("läsare")
    unit_grant(user=reader, unit=UnitFactory(organisation=agreement.organisation), role="läsare")
    client.force_login(reader)
    page = statement(client)
    assert 'Kommunens IT: <a href="mailto:it@example.se">it@example.se</a>' in page
    assert "it@annan.example" not in page


def test_the_statement_says_within_how_many_working_days_a_report_is_answered(client, settings):
    assert "Vi svarar inom 5 arbetsdagar." in statement(client)
    settings.DIGIANSVAR_ACCESSIBILITY_RESPONSE_DAYS = 1
    assert "Vi svarar inom 1 arbetsdag." in statement(client)


def test_every_shortcoming_names_the_wcag_success_criteria_it_fails(client):
    page = statement(client)
    listed = re.search(r'<ul class="shortcomings">(.*?)</ul>', page, flags=re.S)
    assert listed, "the statement lists no shortcomings"
    items = re.findall(r"<li>(.*?)</li>", listed.group(1), flags=re.S)
    assert len(items) == len(SHORTCOMINGS) > 0
    for item, shortcoming in zip(items, SHORTCOMINGS, strict=True):
        assert re.search(r"WCAG 2\.1: \d\.\d\.\d+ \w", item), item
        for number in shortcoming.criteria:
            assert f"{number} {CRITERIA[number]}" in item


def test_the_statement_says_when_it_was_published_and_last_reviewed(client):
    page = statement(client)
    assert PUBLISHED <= REVIEWED <= date.today()
    assert f'publicerades den <time datetime="{PUBLISHED:%Y-%m-%d}">' in page
    assert f'granskades och uppdaterades senast den <time datetime="{REVIEWED:%Y-%m-%d}">' in page
