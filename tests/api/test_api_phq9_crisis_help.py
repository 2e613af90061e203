"""A patient who answers PHQ-9 item 9 above 0 through the API gets the same crisis help the portal page shows."""

import json

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.assessments.catalogue import CRISIS_HELP

pytestmark = pytest.mark.django_db


def post_phq9(user, patient, item9):
    _, raw = api_token_create(actor=user, name="test")
    answers = {f"phq9_{i}": "not_at_all" for i in range(1, 9)} | {"phq9_9": item9}
    return Client().post(f"/api/patients/{patient.pk}/assessments", content_type="application/json",
                         data=json.dumps({"instrument_id": "phq9", "answers": answers}),
                         HTTP_AUTHORIZATION=f"Bearer {raw}")  # fmt: skip


def test_item_9_above_zero_returns_the_crisis_help(patients):
    body = post_phq9(patients["ana_user"], patients["ana"], "several_days").json()
    assert body["crisis_help"] == list(CRISIS_HELP) and any("988" in line for line in body["crisis_help"])


def test_item_9_at_zero_returns_no_crisis_help(patients):
    assert post_phq9(patients["ana_user"], patients["ana"], "not_at_all").json()["crisis_help"] is None
