"""Amending a signed consultation through the API, with the same rules as the page."""

import json

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.patients.models import Consultation
from ketaflow.clinic.patients.services import consultation_record
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

NOTE = {"occurred_on": "2026-11-20", "reason_for_referral": "FM", "history": "ten years", "findings": "",
        "plan_discussed": ""}  # fmt: skip


@pytest.fixture
def signed(staff, patients):
    return consultation_record(
        actor=staff["prescriber"], patient=patients["ana"], today=TODAY, occurred_on=TODAY,
        reason_for_referral="FM", history="ten years",
    )  # fmt: skip


def _amend(user, patient, consultation_id, body):
    _, raw = api_token_create(actor=user, name="t")
    return Client().post(
        f"/api/patients/{patient.pk}/consultations/{consultation_id}/amend", data=json.dumps(body),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}",
    )  # fmt: skip


def test_a_prescriber_amends_and_the_original_is_kept_unchanged(staff, patients, signed):
    response = _amend(staff["prescriber"], patients["ana"], signed.pk,
                      NOTE | {"history": "ten years; migraine", "amendment_reason": "added migraine"})  # fmt: skip
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["amends"] == signed.pk and data["amendment_reason"] == "added migraine"
    signed.refresh_from_db()
    assert signed.history == "ten years"


def test_only_the_latest_version_can_be_amended(staff, patients, signed):
    first = _amend(staff["prescriber"], patients["ana"], signed.pk, NOTE | {"amendment_reason": "one"})
    again = _amend(staff["prescriber"], patients["ana"], signed.pk, NOTE | {"amendment_reason": "two"})
    assert first.status_code == 201 and again.status_code == 422
    assert again.json()["detail"][0]["field"] == "consultation"
    assert Consultation.objects.count() == 2


def test_an_amendment_needs_a_reason_and_a_date_not_in_the_future(staff, patients, signed):
    assert _amend(staff["prescriber"], patients["ana"], signed.pk, NOTE).status_code == 422
    future = _amend(staff["prescriber"], patients["ana"], signed.pk, NOTE | {"occurred_on": "2099-01-01",
                                                                            "amendment_reason": "x"})  # fmt: skip
    assert future.status_code == 422 and future.json()["detail"][0]["field"] == "occurred_on"
    assert Consultation.objects.count() == 1


def test_another_patients_consultation_is_not_found_and_a_nurse_may_not_amend(staff, patients, signed):
    assert _amend(staff["prescriber"], patients["ben"], signed.pk, NOTE | {"amendment_reason": "x"}).status_code == 404
    assert _amend(staff["nurse"], patients["ana"], signed.pk, NOTE | {"amendment_reason": "x"}).status_code == 403
