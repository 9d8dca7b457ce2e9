"""schemathesis against the live OpenAPI document: every operation, with a read-only key and
with a read-write key, answers no 500 and nothing its own schema contradicts."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import key_for

pytestmark = pytest.mark.django_db

# Few examples an operation: the run stays a few seconds per key, and the
# fixed seed makes a failure repeat.
EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Schemathesis's WSGI transport asks for gzip, as `requests` does, but reads the body without
# decoding it: a client over HTTP decodes it (tests/registry/test_compression.py).
PLAIN = {"Accept-Encoding": "identity"}


@pytest.mark.parametrize("read_only", [True, False], ids=["read-only key", "read-write key"])
def test_every_operation_answers_as_its_schema_says(world, read_only, settings_overrides):
    headers = {
        "Authorization": f"Bearer {key_for(world.rektor_a, read_only=read_only)}",
        **PLAIN,
    }
    schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    statuses = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses.append(response.status_code)

        check()
    # Every operation was called, and some calls got through to a 200.
    assert len(statuses) >= 2 * len(operations) and 200 in statuses


def test_writes_that_succeed_answer_as_the_schema_says(world, settings_overrides):
    # Generated bodies seldom name a real item at the rektor's unit: these do.
    headers = {"Authorization": f"Bearer {key_for(world.rektor_a, read_only=False)}", **PLAIN}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), headers=headers)
    assignments = schema["/api/v1/assignments/"]
    one = schema["/api/v1/assignments/{assignment_id}/"]
    body = {"item": world.other_item.pk, "unit": "hemmaskolan", "role": "ITS", "reason": "Test"}
    created = assignments["POST"].Case(body=body).call_and_validate(headers=headers, checks=CHECKS)
    assert created.status_code == 201
    row = {"assignment_id": created.json()["id"]}
    for method, case in (
        ("PATCH", {"body": {"order": 2}}),
        ("PUT", {"body": {**body, "person": world.arne.pk}}),
        ("GET", {}),
        ("DELETE", {"query": {"reason": "Test"}}),
    ):
        response = (
            one[method]
            .Case(path_parameters=row, **case)
            .call_and_validate(headers=headers, checks=CHECKS)
        )
        assert response.status_code in (200, 204), (method, response.content)
    moved = schema["/api/v1/assignments/reassign/"]["POST"].Case(
        body={"from_person": world.aw.pk, "to_person": world.arne.pk, "preview": True}
    )
    assert moved.call_and_validate(headers=headers, checks=CHECKS).status_code == 200


@pytest.fixture
def settings_overrides(settings):
    """Rates and hosts for schemathesis, and Django's WSGI app as the test client runs it."""
    # The run sends a few hundred requests with one key, to schemathesis's WSGI host.
    settings.DIGIANSVAR_API_RATE = "100000/min"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # A request's end closes the database connection, and with it the test's
    # transaction on PostgreSQL: Django's test client keeps it open so, and so here.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)
