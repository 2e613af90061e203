"""The diary schedules API: each protocol's schedule in force with its version; a change with a reason."""

import json

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create

pytestmark = pytest.mark.django_db
BODY = {"post_series_offsets_days": [1, 7, 14, 28], "monthly_every_days": 30, "pgic_offsets_days": [28],
        "weekly_items": [], "post_series_items": ["phq9", "gad7"], "baseline_days": 7, "follow_up_days": 180,
        "why": "booster follow-up for half a year", "based_on": 0}  # fmt: skip
PATH = "/api/diary-schedules/chronic_pain_booster"


def auth(user):
    _, raw = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def put(body, user, path=PATH):
    return Client().put(path, data=json.dumps(body), content_type="application/json", **auth(user))


def test_every_protocol_lists_its_schedule_in_force_as_shipped(staff):
    rows = Client().get("/api/diary-schedules", **auth(staff["nurse"])).json()
    booster = next(r for r in rows if r["protocol_code"] == "chronic_pain_booster")
    assert booster["edit_number"] == 0 and booster["settings"]["post_series_offsets_days"] == [1, 7, 14, 28]
    assert booster["source"]["kind"] == "clinic policy" and booster["version"].startswith("diary-schedule")
    assert {r["protocol_code"] for r in rows} >= {"fibromyalgia_induction", "depression_standard"}


def test_a_prescriber_puts_a_new_schedule_in_force_and_a_stale_change_is_a_409(staff):
    response = put(BODY, staff["prescriber"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["edit_number"] == 1 and body["settings"]["follow_up_days"] == 180
    assert "clinic-edit-1" in body["version"]
    assert put(BODY, staff["prescriber"]).status_code == 409


@pytest.mark.parametrize(("change", "field"), [
    ({"post_series_offsets_days": [0, 7]}, "post_series_offsets_days"),
    ({"follow_up_days": 731}, "follow_up_days"),
    ({"weekly_items": ["pain_nrs_current"]}, "weekly_items"),
    ({"why": ""}, "why"),
    ({"baseline_days": 3}, "baseline_days"),  # shorter than the 7-day baseline window
])  # fmt: skip
def test_a_bad_value_is_a_422_naming_the_field(staff, change, field):
    response = put(BODY | change, staff["prescriber"])
    assert response.status_code == 422
    assert field in json.dumps(response.json()["detail"])


def test_a_nurse_cannot_change_a_schedule_and_an_unknown_protocol_is_404(staff):
    assert put(BODY, staff["nurse"]).status_code == 403
    assert put(BODY, staff["admin"], path="/api/diary-schedules/no_such").status_code == 404
