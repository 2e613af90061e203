"""Registering through the API with the intake lists in the same request: all or nothing."""

import json

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.patients.models import Allergy, MedicationStatement, Patient

pytestmark = pytest.mark.django_db

BODY = {
    "given_name": "Cora", "family_name": "Vance", "date_of_birth": "1984-03-09", "sex": "female",
    "weight_kg": "72.0", "height_cm": "168", "measured_on": "2026-11-20",
    "allergies": [{"substance": "Penicillin", "reaction": "rash", "severity": "moderate"}],
    "medications": [{"name": "Duloxetine", "drug_class": "snri", "dose_text": "60 mg daily"},
                    {"name": "Pregabalin", "drug_class": "gabapentinoid"}],
    "conditions": [{"code": "fibromyalgia"}, {"code": "migraine", "note": "monthly"}],
    "prior_therapies": [{"therapy": "snri", "outcome": "partial", "duration_weeks": 12}],
}  # fmt: skip


def _create(user, body):
    _, raw = api_token_create(actor=user, name="t")
    return Client().post("/api/patients", data=json.dumps(body), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {raw}")  # fmt: skip


def test_a_registration_carries_its_intake_lists_and_each_entry_is_audited(staff):
    response = _create(staff["front_desk"], BODY)
    assert response.status_code == 201, response.content
    data = response.json()
    assert [m["name"] for m in data["medications"]] == ["Duloxetine", "Pregabalin"]
    assert {c["code"] for c in data["conditions"]} == {"fibromyalgia", "migraine"}
    assert data["allergies"][0]["substance"] == "Penicillin" and data["prior_therapies"][0]["outcome"] == "partial"
    assert AuditEntry.objects.filter(patient_id=data["id"], action="medication.create").count() == 2


def test_one_bad_entry_is_a_422_naming_its_place_and_nothing_is_saved(staff):
    body = BODY | {"medications": [BODY["medications"][0], {"name": "X", "drug_class": "witchcraft"}]}
    response = _create(staff["front_desk"], body)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "medications[1].drug_class" and "drug_classes" in detail["allowed"]
    assert Patient.objects.count() == 0 and MedicationStatement.objects.count() == 0 and Allergy.objects.count() == 0


def test_registration_without_intake_lists_still_works(staff):
    body = {k: v for k, v in BODY.items() if k not in ("allergies", "medications", "conditions", "prior_therapies")}
    response = _create(staff["front_desk"], body)
    assert response.status_code == 201 and response.json()["medications"] == []
