"""A database outage answers 503 with Retry-After — also when the failing query runs in a middleware
(the API token lookup, the idempotency record), not only in a view. Found by checks/crash_test.py
--kill postgres, which saw only 500s while PostgreSQL was down."""

import json

import pytest
from django.db import OperationalError
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

DOWN = OperationalError("connection failed: connection refused")


def test_an_outage_during_the_api_token_lookup_is_a_503_with_retry_after(staff, monkeypatch):
    from ketaflow.clinic.accounts import middleware

    _, raw = api_token_create(actor=staff["nurse"], name="tablet")

    def down(*args, **kwargs):
        raise DOWN

    monkeypatch.setattr(middleware.ApiToken.objects, "select_related", down)
    response = Client(raise_request_exception=False).get("/api/patients", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["code"] == "database_unavailable"


def test_an_outage_while_storing_an_idempotency_key_is_a_503(staff, monkeypatch):
    from ketaflow.clinic.reliability import middleware

    _, raw = api_token_create(actor=staff["front_desk"], name="tablet")

    def down(*args, **kwargs):
        raise DOWN

    monkeypatch.setattr(middleware.IdempotencyRecord.objects, "filter", down)
    response = Client(raise_request_exception=False).post(
        "/api/patients", json.dumps({"given_name": "X"}), "application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_IDEMPOTENCY_KEY="k-1",
    )  # fmt: skip
    assert response.status_code == 503 and response["Retry-After"] == "5"


def test_an_outage_inside_a_view_is_a_503_page(staff, client_for, monkeypatch):
    from ketaflow.clinic.patients import views

    def down(**kwargs):
        raise DOWN

    monkeypatch.setattr(views, "patient_search", down)
    client = client_for(staff["nurse"], raise_request_exception=False)
    response = client.get("/patients/")
    assert response.status_code == 503 and "briefly unavailable" in response.content.decode()


def test_a_programming_error_is_still_a_500_not_a_503(staff, client_for, monkeypatch):
    from ketaflow.clinic.patients import views

    def bug(**kwargs):
        raise OperationalError("no such column: patients_patient.nonsense")

    monkeypatch.setattr(views, "patient_search", bug)
    assert client_for(staff["nurse"], raise_request_exception=False).get("/patients/").status_code == 500
