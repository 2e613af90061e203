"""The diary API: the schedule's status with its rule version, and today's ratings recorded once."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from ketaflow.clinic.accounts.services import api_token_create
from tests.clinic.infusion_fixtures import signed_plan

pytestmark = pytest.mark.django_db
ANSWERS = {"pain_nrs_average_24h": {"pain": "4"}, "sleep_quality_nrs": {"rating": "6"}}


def bearer(user):
    _, raw = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def ana(staff, patients):
    from ketaflow.clinic.scheduling.services import booking_propose, booking_series_accept

    plan = signed_plan(staff, patients["ana"])
    booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(booking_propose(plan=plan).slots))
    return patients["ana"]


def post(path, body, user):
    return Client().post(path, data=json.dumps(body), content_type="application/json", **bearer(user))


def test_the_patient_records_today_and_the_status_shows_it_done(ana, patients):
    path = f"/api/patients/{ana.pk}/diary"
    before = Client().get(path, **bearer(patients["ana_user"])).json()
    assert {i["instrument"] for i in before["open_items"]} >= {"pain_nrs_average_24h", "sleep_quality_nrs"}
    assert before["rule_version"].startswith("diary-schedule")
    created = post(path, {"day": timezone.localdate().isoformat(), "answers": ANSWERS}, patients["ana_user"])
    assert created.status_code == 201, created.content
    done = {i["instrument"] for i in created.json()["items"] if i["status"] == "done"}
    assert {"pain_nrs_average_24h", "sleep_quality_nrs"} <= done
    assert {e["instrument_id"]: e["total"] for e in created.json()["entries"]}["pain_nrs_average_24h"] == 4
    again = post(path, {"day": timezone.localdate().isoformat(), "answers": ANSWERS}, patients["ana_user"])
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == "pain_nrs_average_24h"  # the item already rated


def test_bad_diary_input_names_the_field_and_other_patients_get_404(ana, patients):
    path = f"/api/patients/{ana.pk}/diary"
    yesterday = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    late = post(path, {"day": yesterday, "answers": ANSWERS}, patients["ana_user"])
    assert late.status_code == 422 and late.json()["detail"][0]["field"] == "day"
    wrong = post(path, {"day": timezone.localdate().isoformat(), "answers": {"fiqr": {"x": "1"}}}, patients["ana_user"])
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["field"] == "instrument_id"
    out_of_range = post(path, {"day": timezone.localdate().isoformat(), "answers": {"fatigue_nrs": {"rating": "12"}}},
                        patients["ana_user"])  # fmt: skip
    assert out_of_range.status_code == 422
    assert Client().get(path, **bearer(patients["ben_user"])).status_code == 404


def test_diary_entries_can_be_asked_for_from_a_day_and_with_a_limit_and_a_bad_limit_is_a_422(ana, patients):
    from ketaflow.clinic.assessments.services import assessment_record
    from ketaflow.clinic.diaries.models import DiaryDay

    today = timezone.localdate()
    for back in range(5):  # five past days of pain, as the portal would have stored them
        day = today - timezone.timedelta(days=back)
        a = assessment_record(actor=patients["ana_user"], patient=ana, instrument_id="pain_nrs_average_24h",
                              answers={"pain": str(back)}, stored_context={"diary_day": day.isoformat()})  # fmt: skip
        DiaryDay.objects.create(patient=ana, instrument_id="pain_nrs_average_24h", day=day, assessment=a, due_day=day)
    path = f"/api/patients/{ana.pk}/diary"
    since = (today - timezone.timedelta(days=2)).isoformat()
    recent = Client().get(f"{path}?since={since}", **bearer(patients["ana_user"])).json()["entries"]
    assert [e["day"] for e in recent] == [(today - timezone.timedelta(days=b)).isoformat() for b in range(3)]
    assert len(Client().get(f"{path}?limit=2", **bearer(patients["ana_user"])).json()["entries"]) == 2
    too_many = Client().get(f"{path}?limit=100000", **bearer(patients["ana_user"]))
    assert too_many.status_code == 422 and "limit" in json.dumps(too_many.json()["detail"])
