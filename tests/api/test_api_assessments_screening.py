"""Instruments, assessments, tasks and screening through the API, with the pages' rules."""

import json

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

PHQ9 = {f"phq9_{i}": 0 for i in range(1, 10)}


def bearer(user):
    return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, name="t")[1]}


def post(path, body, headers):
    return Client().post(path, json.dumps(body), "application/json", **headers)


def test_instrument_definitions_are_served_as_data(staff):
    specs = Client().get("/api/instruments", **bearer(staff["nurse"])).json()
    fiqr = next(s for s in specs if s["id"] == "fiqr")
    assert len(fiqr["items"]) == 21 and fiqr["source"]["citation"]


def test_a_patient_sees_only_the_portal_questionnaires(patients):
    ids = {s["id"] for s in Client().get("/api/instruments", **bearer(patients["ana_user"])).json()}
    assert ids == {"pain_nrs_current", "pain_nrs_average_7d", "fiqr", "acr_fm_2016", "phq9", "gad7"}


def test_scoring_through_the_api_returns_the_stored_result(staff, patients):
    response = post(f"/api/patients/{patients['ana'].pk}/assessments",
                    {"instrument_id": "phq9", "answers": PHQ9 | {"phq9_9": 2}}, bearer(staff["nurse"]))  # fmt: skip
    assert response.status_code == 201
    result = response.json()["result"]
    assert result["total_exact"] == "2" and any(f["code"] == "suicide_risk" for f in result["flags"])
    tasks = Client().get("/api/tasks", **bearer(staff["prescriber"])).json()
    assert len(tasks) == 1 and tasks[0]["severity"] == "critical"
    ack = post(f"/api/tasks/{tasks[0]['id']}/acknowledge", {"note": "Called"}, bearer(staff["prescriber"]))
    assert ack.status_code == 200 and ack.json()["acknowledged_at"]


def test_bad_answers_are_a_422_naming_the_item(staff, patients):
    response = post(f"/api/patients/{patients['ana'].pk}/assessments",
                    {"instrument_id": "phq9", "answers": PHQ9 | {"phq9_4": 7}}, bearer(staff["nurse"]))  # fmt: skip
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "phq9_4"


def test_an_unscorable_fiqr_is_a_422_with_the_reason(staff, patients):
    response = post(f"/api/patients/{patients['ana'].pk}/assessments",
                    {"instrument_id": "fiqr", "answers": {"fiqr_function_1": 3}}, bearer(staff["nurse"]))  # fmt: skip
    assert response.status_code == 422 and "cannot be scored" in response.json()["detail"][0]["message"]


def test_screening_runs_and_overrides_through_the_api(staff, patients):
    run = post(f"/api/patients/{patients['ana'].pk}/screenings", {"indication": "fibromyalgia"}, bearer(staff["nurse"]))
    assert run.status_code == 201
    record = run.json()
    assert record["outcome"] in ("eligible", "needs_review", "not_eligible") and record["reasons"]
    listed = Client().get(f"/api/patients/{patients['ana'].pk}/screenings", **bearer(staff["prescriber"])).json()
    assert listed[0]["id"] == record["id"]
    nurse_override = post(f"/api/screenings/{record['id']}/overrides", {"reason": "x"}, bearer(staff["nurse"]))
    assert nurse_override.status_code == 403


def test_an_unknown_indication_is_a_422(staff, patients):
    run = post(f"/api/patients/{patients['ana'].pk}/screenings", {"indication": "toothache"}, bearer(staff["nurse"]))
    assert run.status_code == 422 and run.json()["detail"][0]["field"] == "indication"
