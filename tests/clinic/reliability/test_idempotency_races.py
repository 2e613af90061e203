"""PostgreSQL: requests racing with one key write once (the second waits on the unique index, then
replays the first answer). SQLite serialises writers and is covered against a real server in
test_concurrent_writers.py."""

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.patients.models import Patient
from ketaflow.clinic.reliability.models import IdempotencyRecord

pytestmark = pytest.mark.django_db(transaction=True)

BODY = {
    "given_name": "Race", "family_name": "Vance", "date_of_birth": "1984-03-09", "sex": "female",
    "weight_kg": "72.0", "measured_on": "2026-11-20",
}  # fmt: skip


def test_twelve_requests_racing_with_one_key_create_one_patient_on_postgresql(staff):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot serve threads; see test_concurrent_writers.py")
    _, raw = api_token_create(actor=staff["front_desk"], name="race")
    key, barrier = str(uuid.uuid4()), threading.Barrier(12)

    def send(_):
        from django.db import connections

        try:
            barrier.wait()
            response = Client().post(
                "/api/patients", json.dumps(BODY), "application/json",
                HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_IDEMPOTENCY_KEY=key,
            )  # fmt: skip
            return response.status_code, response.json().get("id")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(send, range(12)))
    assert {status for status, _ in answers} == {201}
    assert len({patient_id for _, patient_id in answers}) == 1
    assert Patient.objects.filter(given_name="Race").count() == 1
    assert IdempotencyRecord.objects.filter(key=key).count() == 1
