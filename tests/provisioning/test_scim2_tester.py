"""scim2-tester, the protocol's own checker, against the live /scim/v2/ with a bearer token:
every check it runs for Users passes (docs/scim.md lists the ones it skips and why)."""

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from organisation.models import Person


@pytest.mark.django_db(transaction=True)
def test_every_check_scim2_tester_offers_for_users_passes(live_server, huvudmän):
    (organisation, key), (other, _other_key) = huvudmän
    http = httpx2.Client(
        base_url=f"{live_server.url}/scim/v2/", headers={"Authorization": f"Bearer {key}"}
    )
    results = check_server(SyncSCIMClient(http), resource_types=["User"])

    failed = [
        (r.title, r.status, r.reason)
        for r in results
        if r.status not in (Status.SUCCESS, Status.SKIPPED)
    ]
    assert not failed, "\n".join(map(str, failed))
    # None skipped: Groups, Bulk and the rest are not published, so not offered (docs/scim.md).
    assert not [r.title for r in results if r.status == Status.SKIPPED]
    ran = {r.title for r in results}
    assert {
        "object_creation",
        "object_query",
        "object_replacement",
        "object_deletion",
        "check_add_attribute",
        "check_remove_attribute",
        "check_replace_attribute",
        "search_with_attributes",
    } <= ran
    # The checker's people are the token's huvudman's.
    assert not Person.objects.filter(organisation=other).exists()
