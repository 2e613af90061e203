"""QA of issue 3 through the API: a bad answer is a 422 naming the item and its allowed values, whatever its
JSON type, and every bad item is listed in one response."""

import json

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.assessments.models import Assessment

pytestmark = pytest.mark.django_db

PHQ9 = {f"phq9_{i}": 0 for i in range(1, 10)}


def create(staff, patient, instrument_id, answers, context=None):
    headers = {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=staff, name="t")[1]}
    body = {"instrument_id": instrument_id, "answers": answers, "context": context or {}}
    return Client().post(f"/api/patients/{patient.pk}/assessments", json.dumps(body), "application/json", **headers)


def test_a_fractional_answer_names_the_item_and_the_allowed_values(staff, patients):
    response = create(staff["nurse"], patients["ana"], "phq9", PHQ9 | {"phq9_3": 2.5})
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["field"] == "phq9_3" and "0, 1, 2, 3" in problem["allowed"]


def test_every_bad_item_is_listed_in_one_422(staff, patients):
    response = create(staff["nurse"], patients["ana"], "phq9", {"phq9_1": 4, "phq9_2": "often"})
    fields = [p["field"] for p in response.json()["detail"]]
    assert response.status_code == 422 and Assessment.objects.count() == 0
    assert fields[:2] == ["phq9_1", "phq9_2"] and {f"phq9_{i}" for i in range(3, 10)} <= set(fields)


def test_a_fiqr_the_rules_cannot_score_names_the_missing_items(staff, patients):
    answers = {f"fiqr_function_{i}": 5 for i in range(3, 10)} | {"fiqr_overall_1": 5, "fiqr_overall_2": 5}
    answers |= {f"fiqr_symptom_{s}": 5 for s in ("pain", "energy", "stiffness", "sleep", "depression", "memory",
                                                  "anxiety", "tenderness", "balance", "environmental_sensitivity")}
    (problem,) = create(staff["nurse"], patients["ana"], "fiqr", answers).json()["detail"]
    assert "cannot be scored" in problem["message"]
    assert "fiqr_function_1" in problem["allowed"] and "fiqr_function_2" in problem["allowed"]


def test_the_aldrete_through_the_api_is_scored_against_the_baseline(staff, patients):
    answers = {"activity": 2, "respiration": 2, "consciousness": 2, "oxygen_saturation": 2}
    response = create(staff["nurse"], patients["ana"], "modified_aldrete", answers,
                      {"baseline_systolic_mmhg": 100, "current_systolic_mmhg": 150})  # fmt: skip
    result = response.json()["result"]
    assert response.status_code == 201 and result["subscores"]["circulation"] == "0" and result["total_exact"] == "8"
    assert result["flags"][0]["code"] == "discharge_criteria_not_met"
