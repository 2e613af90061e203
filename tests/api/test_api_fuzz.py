"""Schemathesis over the whole API, in-process, once per role: no 5xx, only declared status codes and
content types, bodies matching their schemas; and a wrong token is refused (401) everywhere it matters.

Short by design (a few examples per operation and role, ~a minute at most); checks/fuzz_api.sh runs the
long version against a real server.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

_handler = WSGIHandler()


def app(environ, start_response):
    """Django's WSGI handler, but, like Django's test client, without closing the test's database
    connection when a request starts or finishes (the body is read and closed inside that window)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = _handler(environ, start_response)
        body = b"".join(result)
        result.close()
        return [body]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.fixture
def role_tokens(db, staff, patients):
    from ketaflow.clinic.accounts.services import api_token_create

    users = dict(staff) | {"patient": patients["ana_user"]}
    return {role: api_token_create(actor=user, name="fuzz")[1] for role, user in users.items()}


def _wrong_token_is_refused(case):
    if case.operation.definition.raw.get("security", schema.raw_schema.get("security")):
        wrong = case.call(headers={"Authorization": "Bearer kf_not-a-real-token"})
        assert wrong.status_code == 401, (case.method, case.path, wrong.status_code)


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.generate],
)
def test_no_role_gets_a_server_error_or_an_undeclared_answer(case, role_tokens):
    for token in role_tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
    _wrong_token_is_refused(case)


@schema.parametrize()
@settings(
    max_examples=1,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_boundary_values_get_no_server_error_for_the_broadest_writer(case, role_tokens):
    """Schemathesis' coverage examples (each field at and beyond its limits, missing, wrong type) as a
    prescriber, who may use most write operations."""
    case.call_and_validate(headers={"Authorization": f"Bearer {role_tokens['prescriber']}"}, checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[null, null]", "[]", '"x"', "5", "null"])
def test_a_json_body_that_is_not_an_object_is_refused_with_400(staff, body):
    """Found by checks/fuzz_api.py: the search answered 200 to `[null, null]`."""
    from django.test import Client

    from ketaflow.clinic.accounts.services import api_token_create

    _, raw = api_token_create(actor=staff["nurse"], name="fuzz")
    response = Client().post(
        "/api/patients/search", body, "application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 400
