"""A method the operation does not take is a 405 (or 404 for no route), whatever Idempotency-Key it carries;
a key already used for another request does not turn it into a 422 (found by checks/fuzz_api.py)."""

import json
import uuid

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.reliability.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def test_an_undeclared_method_with_a_reused_key_is_405_not_422(staff):
    _, raw = api_token_create(actor=staff["nurse"], name="t")
    client, key = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())), None
    first = client.post("/api/patients/search", json.dumps({"q": "", "page": 1}), "application/json")
    assert first.status_code == 200 and IdempotencyRecord.objects.count() == 1
    wrong = client.put("/api/patients/search", json.dumps({"q": "", "page": 1}), "application/json")
    assert wrong.status_code == 405
    missing = client.post("/api/no-such-thing", json.dumps({}), "application/json")
    assert missing.status_code == 404 and key is None


def test_the_declared_method_with_a_reused_key_for_another_body_is_still_422(staff):
    _, raw = api_token_create(actor=staff["nurse"], name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert client.post("/api/patients/search", json.dumps({"q": "a"}), "application/json").status_code == 200
    assert client.post("/api/patients/search", json.dumps({"q": "b"}), "application/json").status_code == 422
