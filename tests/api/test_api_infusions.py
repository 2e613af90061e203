"""The charting API: every action the tablet page offers, with the same order limits, gates, version checks
and witness; refusals are 4xx naming what failed, and the medication record is exact."""

import datetime as dt
import json

import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.infusions.models import InfusionSession
from tests.clinic.infusion_fixtures import PASSWORD, signed_plan

pytestmark = pytest.mark.django_db


def bearer(user):
    _, raw = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


class Chart:
    """A nurse's API client for one session, carrying the version from each answer to the next write."""

    def __init__(self, user, session_id: int, version: int = 1):
        self.client, self.headers, self.id, self.version = Client(), bearer(user), session_id, version

    def post(self, endpoint: str, **body):
        body.setdefault("expected_version", self.version)
        response = self.client.post(f"/api/infusions/{self.id}/{endpoint}", data=json.dumps(body),
                                    content_type="application/json", **self.headers)  # fmt: skip
        if response.status_code == 200:
            self.version = response.json()["version"]
        return response

    def get(self):
        return self.client.get(f"/api/infusions/{self.id}", **self.headers).json()


PRE_VITALS = {"systolic_mmhg": 128, "diastolic_mmhg": 80, "heart_rate_per_min": 72, "spo2_percent": 98}
CHECK_IN = {"escort_confirmed": True, "escort_name": "Rita", "fasting_hours_solids": "8",
            "pregnancy_test_negative": True, "pre_pain_nrs": 7, "bag_lot": "LOT-42",
            "bag_concentration_mg_per_ml": "1", "bag_volume_ml": "100"} | PRE_VITALS  # fmt: skip


@pytest.fixture
def chart(staff, patients):
    plan = signed_plan(staff, patients["ana"])
    response = Client().post(f"/api/plans/{plan.pk}/infusions", data=json.dumps({"index": 1}),
                             content_type="application/json", **bearer(staff["nurse"]))  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "scheduled" and response.json()["session_number"] == 1
    return Chart(staff["nurse"], response.json()["id"])


def _back_in_time(session_id: int, minutes: int):
    """Move the charted times back, as if the infusion had run for `minutes` (the API stamps the real now)."""
    session = InfusionSession.objects.get(pk=session_id)
    delta = dt.timedelta(minutes=minutes)
    for event in session.rate_events.all():
        event.at -= delta
        event.save(update_fields=["at"])
    InfusionSession.objects.filter(pk=session_id).update(started_at=session.started_at - delta)


def test_a_whole_session_is_charted_through_the_api_and_the_delivered_dose_is_exact(staff, chart):
    assert chart.post("check-in", **CHECK_IN).status_code == 200
    started = chart.post("rate", action="start", rate_value="0.3", rate_unit="mg/kg/h")
    assert started.status_code == 200, started.content
    event = started.json()["rate_events"][0]
    assert event["rate_mg_per_kg_per_h"] == "0.3000" and started.json()["status"] == "running"
    # the pump rate in mL/h is reported beside the dose rate: 0.3 mg/kg/h × 70 kg ÷ 1 mg/mL = 21 mL/h
    assert float(event["pump_rate_ml_per_h"]) == pytest.approx(0.3 * float(started.json()["dosing_weight_kg"]))
    _back_in_time(chart.id, 60)
    halfway = chart.post("rate", action="stop")  # 'ordered time complete' after 60 of the ordered 120 min
    assert halfway.status_code == 422 and "Stop early" in " ".join(halfway.json()["failures"])
    assert chart.get()["ordered_minutes_left"] == pytest.approx(60, abs=0.1)
    assert chart.get()["delivered_so_far"]["dose_mg_per_kg"] == pytest.approx(0.3, rel=1e-3)
    stopped = chart.post("rate", action="stop_early", stop_reason="Nausea despite ondansetron")
    assert stopped.status_code == 200 and stopped.json()["status"] == "stopped_early"
    delivered = stopped.json()["delivered"]
    weight = float(stopped.json()["dosing_weight_kg"])
    assert delivered["dose_mg_per_kg"] == pytest.approx(0.3, rel=1e-3)  # 60 min at 0.3 mg/kg/h (± the request time)
    assert delivered["dose_mg"] == pytest.approx(0.3 * weight, rel=1e-3)
    # compared with the order: 60 of the ordered 120 minutes
    assert delivered["percent_of_order"] == pytest.approx(50, rel=1e-3)


def test_a_red_reading_carries_its_alert_and_the_response_is_recorded_once(staff, chart):
    chart.post("check-in", **CHECK_IN)
    chart.post("rate", action="start", rate_value="0.3")
    red = chart.post("vitals", systolic_mmhg=186, diastolic_mmhg=104)
    assert red.status_code == 200
    reading = red.json()["vitals"][-1]
    assert reading["level"] == "red" and "Pause the infusion" in reading["alerts"][0]["suggested_action"]
    path = f"/api/infusions/{chart.id}/vitals/{reading['id']}/response"
    answer = chart.client.post(path, data=json.dumps({"response_taken": "Paused, called Dr Reyes"}),
                               content_type="application/json", **chart.headers)  # fmt: skip
    assert answer.status_code == 200 and answer.json()["vitals"][-1]["response_taken"] == "Paused, called Dr Reyes"
    again = chart.client.post(path, data=json.dumps({"response_taken": "again"}), content_type="application/json",
                              **chart.headers)  # fmt: skip
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == "response_taken"


def test_an_over_limit_rate_is_refused_and_a_soft_limit_needs_a_reason(staff, chart):
    chart.post("check-in", **CHECK_IN)
    chart.post("rate", action="start", rate_value="0.3")
    hard = chart.post("rate", action="change_rate", rate_value="5", rate_unit="mg/kg/h")
    assert hard.status_code == 422 and hard.json()["needs_reason"] is False and hard.json()["failures"]
    soft = chart.post("rate", action="change_rate", rate_value="0.4")
    assert soft.status_code == 422 and soft.json()["needs_reason"] is True
    reasoned = chart.post("rate", action="change_rate", rate_value="0.4", override_reason="Dr Reyes: pain uncontrolled")
    assert reasoned.status_code == 200 and len(reasoned.json()["rate_events"]) == 2


def test_a_failed_check_in_lists_every_failure_and_saves_nothing(staff, chart):
    no_vitals = {k: v for k, v in CHECK_IN.items() if k not in PRE_VITALS}
    response = chart.post("check-in", **(no_vitals | {"escort_confirmed": False, "bag_lot": ""}))
    assert response.status_code == 422
    failures = " ".join(response.json()["failures"]).lower()
    assert "escort" in failures and "lot" in failures and "vital" in failures
    assert chart.get()["status"] == "scheduled" and chart.get()["vitals"] == []


def test_a_stale_version_is_a_conflict_not_an_overwrite(staff, chart):
    chart.post("check-in", **CHECK_IN)
    stale = chart.post("rate", action="start", rate_value="0.3", expected_version=1)
    assert stale.status_code == 409 and stale.json()["current_version"] == chart.version


def test_discharge_waits_for_the_recovery_time_then_the_waste_is_witnessed(staff, chart, django_user_model):
    chart.post("check-in", **CHECK_IN)
    chart.post("rate", action="start", rate_value="0.3")
    _back_in_time(chart.id, 120)
    assert chart.post("rate", action="stop").status_code == 200
    recovery = chart.post("recovery", post_pain_nrs=3, current_systolic_mmhg=126, activity="2", respiration="2",
                          consciousness="2", oxygen_saturation="2")  # fmt: skip
    assert recovery.status_code == 200 and recovery.json()["aldrete"]["total"] == 10
    early = chart.post("discharge", escort_present=True)
    assert early.status_code == 422 and any("60" in f for f in early.json()["failures"])
    stopped_at = InfusionSession.objects.get(pk=chart.id).stopped_at
    InfusionSession.objects.filter(pk=chart.id).update(stopped_at=stopped_at - dt.timedelta(minutes=61))
    assert chart.post("discharge", escort_present=True).status_code == 200
    own = chart.post("waste", witness_username=staff["nurse"].username, witness_password=PASSWORD)
    assert own.status_code == 422 and own.json()["detail"][0]["field"] == "witness"
    witnessed = chart.post("waste", witness_username=staff["prescriber"].username, witness_password=PASSWORD)
    assert witnessed.status_code == 200, witnessed.content
    record = witnessed.json()
    assert record["status"] == "discharged" and record["waste_witness"] == staff["prescriber"].username
    assert float(record["wasted_ml"]) == pytest.approx(100 - record["delivered"]["volume_ml"], abs=1e-3)


def test_roles_without_charting_get_403_and_bad_input_names_the_field(staff, patients, chart):
    desk = Client().get(f"/api/infusions/{chart.id}", **bearer(staff["front_desk"]))
    assert desk.status_code == 403
    assert Client().get(f"/api/infusions/{chart.id}", **bearer(patients["ana_user"])).status_code == 403
    bad = chart.post("side-effects", kind="nausea_vomiting", grade="extreme")
    assert bad.status_code == 422 and "grade" in json.dumps(bad.json())
    too_much = chart.post("administrations", drug="midazolam", dose_mg="5", route="iv")
    assert too_much.status_code == 422 and too_much.json()["detail"][0]["field"] == "dose_mg"


def test_a_sedation_and_a_dissociation_scale_are_scored_by_their_instruments(staff, chart):
    chart.post("check-in", **CHECK_IN)
    chart.post("rate", action="start", rate_value="0.3")
    rass = chart.post("scales", instrument_id="rass", answers={"rass": "drowsy"})
    assert rass.status_code == 200, rass.content
    effect = rass.json()["side_effects"][-1]
    assert effect["kind"] == "sedation" and effect["scale_result"]["total"] == -1
    cadss = chart.post("scales", instrument_id="cadss6", answers={k: "1" for k in
                       ("cadss_1", "cadss_2", "cadss_6", "cadss_7", "cadss_15", "cadss_22")})  # fmt: skip
    assert cadss.status_code == 200, cadss.content
    assert cadss.json()["side_effects"][-1]["scale_result"]["total"] == 6
    bad = chart.post("scales", instrument_id="rass", answers={"rass": "asleep"})
    assert bad.status_code == 422 and "rass" in json.dumps(bad.json())


def test_a_blank_cancel_reason_is_refused_naming_the_reason_field_and_a_real_one_cancels(staff, chart):
    blank = chart.post("cancel", reason="   ")
    assert blank.status_code == 422 and blank.json()["detail"][0]["field"] == "reason"
    cancelled = chart.post("cancel", reason="Patient unwell (flu)")
    assert cancelled.status_code == 200 and cancelled.json()["cancel_reason"] == "Patient unwell (flu)"


def test_a_paused_infusion_resumes_through_the_api_at_a_new_rate_or_at_the_last_one(staff, chart):
    chart.post("check-in", **CHECK_IN)
    chart.post("rate", action="start", rate_value="0.3")
    chart.post("rate", action="pause")
    halved = chart.post("rate", action="resume", rate_value="0.15", rate_unit="mg/kg/h")
    assert halved.status_code == 200 and halved.json()["rate_events"][-1]["rate_mg_per_kg_per_h"] == "0.1500"
    chart.post("rate", action="pause")
    again = chart.post("rate", action="resume")
    assert again.status_code == 200 and again.json()["rate_events"][-1]["rate_mg_per_kg_per_h"] == "0.1500"


def test_a_late_vitals_entry_through_the_api_keeps_its_time_and_a_time_without_offset_or_before_check_in_is_refused(
    staff, chart
):
    chart.post("check-in", **CHECK_IN)
    chart.post("rate", action="start", rate_value="0.3")
    checked_in = InfusionSession.objects.get(pk=chart.id).checked_in_at
    late = chart.post("vitals", heart_rate_per_min=81, at=checked_in.isoformat())
    assert late.status_code == 200
    reading = next(v for v in late.json()["vitals"] if v["heart_rate_per_min"] == 81)
    assert abs(dt.datetime.fromisoformat(reading["at"]) - checked_in) < dt.timedelta(milliseconds=1)
    naive = chart.post("vitals", heart_rate_per_min=82, at="2026-12-07T10:00:00")
    assert naive.status_code == 422 and "at" in json.dumps(naive.json())
    before = chart.post("vitals", heart_rate_per_min=83, at=(checked_in - dt.timedelta(hours=1)).isoformat())
    assert before.status_code == 422 and before.json()["detail"][0]["field"] == "at"


def test_the_chart_read_through_the_api_carries_the_check_in_answers_and_who_charted_each_row(staff, chart):
    chart.post("check-in", **CHECK_IN)
    chart.post("rate", action="start", rate_value="0.3")
    record = chart.get()
    nurse = staff["nurse"].username
    assert record["escort_name"] == "Rita" and record["fasting_hours_solids"] == "8.0"
    assert record["pregnancy_test_negative"] is True and record["checked_in_by"] == nurse
    assert record["rate_events"][0]["recorded_by"] == nurse and record["vitals"][0]["recorded_by"] == nurse
    assert record["discharged_by"] is None and record["waste_recorded_by"] is None


def test_a_chart_opened_through_the_api_keeps_the_booked_time_as_the_page_does(staff, patients):
    from ketaflow.clinic.scheduling.services import booking_propose, booking_series_accept

    plan = signed_plan(staff, patients["ana"])
    booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(booking_propose(plan=plan).slots))
    first = plan.sessions.get(index=1).bookings.get()
    opened = Client().post(f"/api/plans/{plan.pk}/infusions", data=json.dumps({"index": 1}),
                           content_type="application/json", **bearer(staff["nurse"]))  # fmt: skip
    assert opened.status_code == 201
    assert dt.datetime.fromisoformat(opened.json()["scheduled_for"]) == first.start
