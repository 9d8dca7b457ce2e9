import pytest

from provisioning.services import scim_token_create
from tests.factories import OrganisationFactory


@pytest.fixture
def huvudmän(db):
    """Two huvudmän, each with its provider's SCIM token: (organisation, token) pairs."""
    first = OrganisationFactory(name="Norrkommunen", slug="norrkommunen")
    second = OrganisationFactory(name="Söderkommunen", slug="soderkommunen")
    return [
        (org, scim_token_create(organisation=org, name="Entra ID")[1]) for org in (first, second)
    ]
