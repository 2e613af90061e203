"""A retried write (same Idempotency-Key) answers the first answer again and writes nothing twice."""

import json
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.audit.verify import audit_verify
from ketaflow.clinic.patients.models import Allergy, Patient
from ketaflow.clinic.reliability.models import IdempotencyRecord

pytestmark = pytest.mark.django_db

BODY = {
    "given_name": "Cora", "family_name": "Vance", "date_of_birth": "1984-03-09", "sex": "female",
    "weight_kg": "72.0", "height_cm": "168", "measured_on": "2026-11-20", "escort_name": "Max Vance",
}  # fmt: skip


def bearer(user):
    _, raw = api_token_create(actor=user, name="tablet")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_json(path, body, key=None, method="post", **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return getattr(Client(), method)(path, data=json.dumps(body), content_type="application/json", **headers)


def test_the_same_key_and_body_twice_through_the_api_creates_one_patient_and_answers_the_same(staff):
    headers, key = bearer(staff["front_desk"]), str(uuid.uuid4())
    first = post_json("/api/patients", BODY, key, **headers)
    creates_before = AuditEntry.objects.filter(action="patient.create").count()
    again = post_json("/api/patients", BODY, key, **headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert Patient.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    assert AuditEntry.objects.filter(action="patient.create").count() == creates_before == 1
    assert AuditEntry.objects.filter(action="request.replayed").count() == 1
    assert audit_verify().ok


def test_the_same_body_reencoded_with_other_whitespace_and_key_order_is_the_same_request(staff):
    headers, key = bearer(staff["front_desk"]), "tablet-7:0001"
    first = post_json("/api/patients", BODY, key, **headers)
    reordered = json.dumps(dict(reversed(list(BODY.items()))), indent=2)
    again = Client().post("/api/patients", reordered, "application/json", HTTP_IDEMPOTENCY_KEY=key, **headers)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Patient.objects.count() == 1


def test_the_same_key_with_a_different_body_is_a_422_and_writes_nothing(staff):
    headers, key = bearer(staff["front_desk"]), str(uuid.uuid4())
    assert post_json("/api/patients", BODY, key, **headers).status_code == 201
    other = post_json("/api/patients", BODY | {"given_name": "Dora"}, key, **headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert list(Patient.objects.values_list("given_name", flat=True)) == ["Cora"]


def test_the_same_key_on_another_endpoint_is_a_422(staff, patients):
    headers, key = bearer(staff["nurse"]), str(uuid.uuid4())
    base = f"/api/patients/{patients['ana'].pk}"
    assert post_json(f"{base}/allergies", {"substance": "Latex"}, key, **headers).status_code == 201
    other = post_json(f"{base}/medications", {"name": "Duloxetine", "drug_class": "snri"}, key, **headers)
    assert other.status_code == 422 and patients["ana"].medications.count() == 0


def test_keys_belong_to_their_user_so_two_users_may_pick_the_same_key(staff):
    key = "shared-key"
    a = post_json("/api/patients", BODY, key, **bearer(staff["front_desk"]))
    b = post_json("/api/patients", BODY | {"given_name": "Dora"}, key, **bearer(staff["nurse"]))
    assert a.status_code == b.status_code == 201 and a.json()["id"] != b.json()["id"]
    assert Patient.objects.count() == 2


def test_a_rejected_request_leaves_the_key_free_for_the_corrected_retry(staff):
    headers, key = bearer(staff["front_desk"]), str(uuid.uuid4())
    bad = post_json("/api/patients", BODY | {"weight_kg": "7.2"}, key, **headers)
    assert bad.status_code == 422 and IdempotencyRecord.objects.count() == 0
    good = post_json("/api/patients", BODY, key, **headers)
    assert good.status_code == 201 and Patient.objects.count() == 1
    assert post_json("/api/patients", BODY, key, **headers).json()["id"] == good.json()["id"]


def test_a_denied_request_does_not_take_the_key(staff):
    key = str(uuid.uuid4())
    assert post_json("/api/patients", BODY, key, **bearer(staff["analyst"])).status_code == 403
    assert IdempotencyRecord.objects.count() == 0


def test_a_put_with_a_key_is_replayed_instead_of_answering_409_on_the_retry(staff, patients):
    ana, headers, key = patients["ana"], bearer(staff["nurse"]), str(uuid.uuid4())
    body = {
        "given_name": "Ana",
        "family_name": "Lopez",
        "date_of_birth": "1980-05-17",
        "sex": "female",
        "version": 1,
    }
    first = post_json(f"/api/patients/{ana.pk}", body | {"phone": "555-0199"}, key, method="put", **headers)
    retry = post_json(f"/api/patients/{ana.pk}", body | {"phone": "555-0199"}, key, method="put", **headers)
    assert first.status_code == retry.status_code == 200 and retry.json()["version"] == 2
    ana.refresh_from_db()
    assert ana.version == 2


def test_a_malformed_key_is_a_400_and_runs_nothing(staff):
    response = post_json("/api/patients", BODY, "not a key with spaces", **bearer(staff["front_desk"]))
    assert response.status_code == 400 and Patient.objects.count() == 0


def test_a_write_without_a_key_still_works_and_stores_no_record(staff):
    assert post_json("/api/patients", BODY, **bearer(staff["front_desk"])).status_code == 201
    assert IdempotencyRecord.objects.count() == 0


def test_a_server_error_rolls_back_the_write_and_the_key(staff, monkeypatch):
    from ketaflow.clinic.patients import services

    real = services.patient_register

    def register_then_fail(**kwargs):
        real(**kwargs)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "patient_register", register_then_fail)
    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/patients",
        json.dumps(BODY),
        "application/json",
        HTTP_IDEMPOTENCY_KEY="k-500",
        **bearer(staff["front_desk"]),
    )
    assert response.status_code == 500
    assert Patient.objects.count() == 0 and IdempotencyRecord.objects.count() == 0
    assert not AuditEntry.objects.filter(action="patient.create").exists()


FORM = {k: v for k, v in BODY.items()}


def _form_key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', html)
    assert match, "the form carries no idempotency key"
    return match.group(1)


def test_the_register_page_puts_a_fresh_key_in_its_form(staff, client_for):
    client = client_for(staff["front_desk"])
    first = _form_key(client.get(reverse("patients:register")).content.decode())
    second = _form_key(client.get(reverse("patients:register")).content.decode())
    assert first != second


def test_posting_the_register_form_twice_with_its_key_creates_one_patient(staff, client_for):
    client = client_for(staff["front_desk"])
    key = _form_key(client.get(reverse("patients:register")).content.decode())
    first = client.post(reverse("patients:register"), FORM | {"idempotency_key": key})
    again = client.post(reverse("patients:register"), FORM | {"idempotency_key": key})
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Patient.objects.count() == 1


def test_the_form_key_ignores_the_csrf_token_but_not_the_fields(staff, client_for):
    client = client_for(staff["front_desk"])
    key = str(uuid.uuid4())
    client.post(
        reverse("patients:register"), FORM | {"idempotency_key": key, "csrfmiddlewaretoken": "a" * 64}
    )
    same = client.post(
        reverse("patients:register"), FORM | {"idempotency_key": key, "csrfmiddlewaretoken": "b" * 64}
    )
    other = client.post(reverse("patients:register"), FORM | {"idempotency_key": key, "given_name": "Dora"})
    assert same.status_code == 302 and other.status_code == 422
    assert Patient.objects.count() == 1


def test_every_chart_section_form_carries_a_key_and_an_htmx_repost_adds_one_allergy(
    staff, patients, client_for
):
    client = client_for(staff["nurse"])
    chart = client.get(reverse("patients:chart", args=[patients["ana"].pk])).content.decode()
    forms = re.findall(r"<form method=\"post\".*?</form>", chart, flags=re.S)
    sections = ("measurements", "allergies", "medications", "conditions", "therapies")
    writing = [f for f in forms if any(f'/{s}/"' in f.split(">", 1)[0] for s in sections)]
    assert len(writing) == 5 and all('name="idempotency_key"' in f for f in writing)
    in_error = [f for f in forms if "/entered-in-error/" in f.split(">", 1)[0]]
    assert in_error and all('name="idempotency_key"' in f for f in in_error)
    key = str(uuid.uuid4())
    url = reverse("patients:allergy_add", args=[patients["ana"].pk])
    data = {"substance": "Latex", "severity": "mild", "idempotency_key": key}
    first = client.post(url, data, HTTP_HX_REQUEST="true")
    again = client.post(url, data, HTTP_HX_REQUEST="true")
    assert first.status_code == again.status_code == 200 and again.content == first.content
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again["X-Frame-Options"] == "DENY"
    assert Allergy.objects.filter(patient=patients["ana"]).count() == 1
