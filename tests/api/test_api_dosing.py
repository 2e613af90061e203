"""The dosing API: an order checked against its protocol's limits (with sources and versions), and a PK
simulation labelled as a model prediction, with named input ranges and a cap on the output size."""

import json

import numpy as np
import pytest
from django.test import Client

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.domain import units
from ketaflow.domain.pk import PREDICTION_LABEL, predict, program_from_segments

pytestmark = pytest.mark.django_db

CHECK = "/api/dosing/order-check"
SIMULATE = "/api/dosing/simulations"


def post(path, body, user):
    _, raw = api_token_create(actor=user, name="test")
    return Client().post(path, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")


def order(**overrides):
    body = {"protocol": "fibromyalgia_induction", "segments": [{"duration_min": 120, "amount": 0.5, "unit": "mg/kg/h"}],
            "bag_concentration_mg_per_ml": 1}  # fmt: skip
    return body | overrides


def result(data, name):
    return next(r for r in data["results"] if r["name"] == name)


def detail(response) -> str:
    return json.dumps(response.json()["detail"], ensure_ascii=False)


def test_an_order_for_a_recorded_patient_passes_with_sources_versions_and_a_labelled_prediction(staff, patients):
    ana = patients["ana"]  # 68.5 kg measured on TODAY (tests/conftest.py)
    response = post(CHECK, order(patient_id=str(ana.pk)), staff["prescriber"])
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["protocol_code"] == "fibromyalgia_induction" and data["protocol_version"] and data["policy_version"]
    assert data["weight_source"] == "record" and data["dosing_weight_kg"] == 68.5
    assert data["session_dose_mg"] == pytest.approx(68.5) and data["pump_rates_ml_per_h"] == [pytest.approx(34.25)]
    rate = result(data, "rate_mg_per_kg_per_h")
    assert rate["status"] == "pass" and rate["source"]["citation"] and rate["bounds"]["hard_max"] is not None
    assert all(r["source"] is None or r["source"]["version"] for r in data["results"])
    prediction = data["prediction"]
    assert prediction["label"] == PREDICTION_LABEL and prediction["model"]["code"] == "kamp2020"
    assert "arterial" in prediction["model"]["prediction_site"] and prediction["cmax_ng_per_ml"] > 0
    assert AuditEntry.objects.filter(action="dosing.order_check", patient_id=str(ana.pk)).count() == 1


def test_a_rate_over_the_hard_limit_blocks_the_order_and_names_the_bound_and_its_source(staff, patients):
    body = order(patient_id=str(patients["ana"].pk), segments=[{"duration_min": 120, "amount": 5, "unit": "mg/kg/h"}])
    data = post(CHECK, body, staff["prescriber"]).json()
    rate = result(data, "rate_mg_per_kg_per_h")
    assert data["status"] == "hard_violation" and data["blocked"] is True
    assert rate["status"] == "hard_violation" and rate["bound_kind"] == "hard_max" and rate["value"] == 5
    assert rate["source"]["citation"] and rate["message"]


def test_a_soft_violation_asks_for_a_prescriber_reason_and_does_not_block(staff, patients):
    from ketaflow.clinic.plans.catalogue import profile_for

    limit = profile_for("fibromyalgia_induction").limit("rate_mg_per_kg_per_h")
    between = (limit.soft_max + limit.hard_max) / 2
    body = order(patient_id=str(patients["ana"].pk), segments=[{"duration_min": 60, "amount": between, "unit": "mg/kg/h"}])
    data = post(CHECK, body, staff["nurse"]).json()
    assert data["blocked"] is False and "rate_mg_per_kg_per_h" in data["reasons_needed"]
    assert result(data, "rate_mg_per_kg_per_h")["status"] == "soft_violation"


def test_a_stated_weight_without_a_patient_is_checked_and_nothing_patient_related_is_audited(staff):
    data = post(CHECK, order(dosing_weight_kg=80), staff["prescriber"]).json()
    assert data["weight_source"] == "stated" and data["dosing_weight_kg"] == 80 and data["status"] == "pass"
    assert data["session_dose_mg"] == pytest.approx(80)
    assert not AuditEntry.objects.filter(action="dosing.order_check").exists()


def test_without_a_patient_or_a_weight_a_weight_based_order_is_blocked_not_guessed(staff):
    data = post(CHECK, order(), staff["prescriber"]).json()
    assert data["blocked"] and result(data, "weight_recorded")["status"] == "hard_violation"
    assert data["session_dose_mg"] is None and data["prediction"] is None


def test_a_weight_typed_in_pounds_is_caught_against_the_record(staff, patients):
    body = order(patient_id=str(patients["ana"].pk), dosing_weight_kg=151)  # 68.5 kg × 2.2
    data = post(CHECK, body, staff["prescriber"]).json()
    assert data["blocked"] and "pounds" in result(data, "weight_kg")["message"]


def test_a_pump_rate_in_ml_per_h_is_converted_with_the_bag_concentration(staff):
    body = order(dosing_weight_kg=70, bag_concentration_mg_per_ml=2, segments=[{"duration_min": 60, "amount": 17.5, "unit": "mL/h"}])
    data = post(CHECK, body, staff["prescriber"]).json()
    assert data["rates_mg_per_h"] == [pytest.approx(35.0)] and result(data, "rate_mg_per_kg_per_h")["value"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"segments": [{"duration_min": 0, "amount": 0.5, "unit": "mg/kg/h"}]}, "duration_min"),
        ({"segments": [{"duration_min": 60, "amount": -1, "unit": "mg/kg/h"}]}, "amount"),
        ({"segments": [{"duration_min": 60, "amount": 0.5, "unit": "mg/kg/hr"}]}, "unit"),
        ({"segments": []}, "segments"),
        ({"protocol": "propofol"}, "protocol"),
        ({"bag_concentration_mg_per_ml": 0}, "bag_concentration_mg_per_ml"),
        ({"dosing_weight_kg": 1e6}, "dosing_weight_kg"),
        ({"planned_start_at": "2026-11-23T09:00:00"}, "planned_start_at"),
        ({"plan_id": 1}, "plan_id"),
    ],
)
def test_bad_order_input_is_a_422_naming_the_field(staff, change, field):
    response = post(CHECK, order(**change), staff["prescriber"])
    assert response.status_code == 422 and field in detail(response)


def test_roles_outside_prescriber_and_nurse_may_not_check_orders_and_an_unknown_patient_is_404(staff, patients):
    assert post(CHECK, order(dosing_weight_kg=70), staff["front_desk"]).status_code == 403
    assert post(CHECK, order(dosing_weight_kg=70), patients["ana_user"]).status_code == 403
    missing = post(CHECK, order(patient_id="00000000-0000-0000-0000-000000000000"), staff["nurse"])
    assert missing.status_code == 404


def simulation(**overrides):
    body = {"model": "domino", "weight_kg": 70, "segments": [{"duration_min": 240, "amount": 0.5, "unit": "mg/kg/h"}]}
    return body | overrides


def test_a_simulation_returns_the_engines_exact_curve_labelled_as_a_model_prediction(staff):
    response = post(SIMULATE, simulation(), staff["analyst"])
    assert response.status_code == 200, response.content
    data = response.json()
    program = program_from_segments([(240, units.Quantity(0.5, units.MG_PER_KG_PER_H))])
    expected = predict(program, weight_kg=70, model="domino", end_min=360, step_min=1.0)
    assert data["label"] == PREDICTION_LABEL and data["model"]["code"] == "domino" and data["model"]["citation"]["citation"]
    assert data["n_points"] == 361 == len(data["t_min"]) == len(data["conc_plasma_ng_per_ml"])
    np.testing.assert_allclose(data["conc_plasma_ng_per_ml"], expected.conc_plasma_ng_per_ml, rtol=1e-6, atol=1e-4)
    assert data["tmax_min"] == 240 and data["effect_bands"] and all(b["source"]["citation"] for b in data["effect_bands"])


def test_boluses_and_ml_amounts_need_and_use_the_bag_concentration(staff):
    body = simulation(segments=[{"duration_min": 60, "amount": 35, "unit": "mL/h"}], boluses=[{"t_min": 0, "dose": 10, "unit": "mg"}])
    refused = post(SIMULATE, body, staff["nurse"])
    assert refused.status_code == 422 and "bag_concentration_mg_per_ml" in detail(refused)
    answered = post(SIMULATE, body | {"bag_concentration_mg_per_ml": 1}, staff["nurse"]).json()
    assert answered["conc_plasma_ng_per_ml"][0] > 0  # the bolus at t = 0


def test_the_output_size_is_capped_with_a_message_naming_the_step(staff):
    response = post(SIMULATE, simulation(end_min=2880, step_min=0.25), staff["prescriber"])
    assert response.status_code == 422 and "step_min" in detail(response) and "2881" in detail(response)
    assert post(SIMULATE, simulation(end_min=2880, step_min=1), staff["prescriber"]).json()["n_points"] == 2881


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"weight_kg": 20}, "weight_kg"),
        ({"weight_kg": 301}, "weight_kg"),
        ({"model": "schnider"}, "model"),
        ({"segments": []}, "segments"),
        ({"step_min": 0}, "step_min"),
        ({"end_min": 5000}, "end_min"),
        ({"segments": [{"duration_min": 1440, "amount": 1, "unit": "mg/kg/h"}] * 3}, "end_min"),
        ({"boluses": [{"t_min": 0, "dose": 1, "unit": "mg/h"}]}, "unit"),
        ({"effect_site": "yes"}, "effect_site"),
    ],
)
def test_bad_simulation_input_is_a_422_naming_the_field(staff, change, field):
    response = post(SIMULATE, simulation(**change), staff["prescriber"])
    assert response.status_code == 422 and field in detail(response)


def test_front_desk_and_patients_may_not_simulate(staff, patients):
    assert post(SIMULATE, simulation(), staff["front_desk"]).status_code == 403
    assert post(SIMULATE, simulation(), patients["ana_user"]).status_code == 403


def test_the_course_given_under_a_plan_and_the_last_infusion_count_in_the_check(staff, patients):
    import datetime as dt

    from django.utils import timezone

    from ketaflow.clinic.infusions.models import InfusionSession
    from ketaflow.clinic.infusions.services import session_create
    from ketaflow.clinic.plans.models import Plan
    from ketaflow.clinic.plans.services import plan_create

    ana = patients["ana"]
    plan = plan_create(actor=staff["prescriber"], patient=ana, protocol="fibromyalgia_induction", n_sessions=6,
                       start_dose="0.5", duration_min=120, series_window_days=21, start_date=timezone.localdate(),
                       bag_concentration_mg_per_ml="1")  # fmt: skip
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SIGNED)
    plan.refresh_from_db()
    session = session_create(actor=staff["nurse"], plan_session=plan.sessions.first())
    ended = timezone.now() - dt.timedelta(hours=2)
    InfusionSession.objects.filter(pk=session.pk).update(
        started_at=ended - dt.timedelta(hours=2), stopped_at=ended, delivered={"dose_mg": 68.5}
    )
    data = post(CHECK, order(patient_id=str(ana.pk), plan_id=plan.pk), staff["prescriber"]).json()
    assert data["course_sessions_given"] == 1
    interval = result(data, "interval_between_sessions_h")
    assert interval["status"] in ("soft_violation", "hard_violation") and interval["value"] == pytest.approx(2, abs=0.01)
    other = post(CHECK, order(patient_id=str(patients["ben"].pk), plan_id=plan.pk), staff["prescriber"])
    assert other.status_code == 404  # the plan must be this patient's


def test_a_depression_order_in_mg_per_kg_over_forty_minutes_is_checked_as_a_session_dose(staff):
    body = order(protocol="depression_standard", dosing_weight_kg=70,
                 segments=[{"duration_min": 40, "amount": 0.5, "unit": "mg/kg"}])  # fmt: skip
    data = post(CHECK, body, staff["prescriber"]).json()
    assert data["session_dose_mg"] == pytest.approx(35) and data["session_dose_mg_per_kg"] == pytest.approx(0.5)
    assert data["status"] == "pass" and data["prediction"]["tmax_min"] == 40


def test_a_dose_typed_as_a_rate_unit_is_caught_for_a_mg_per_kg_protocol(staff):
    """Unit mix-up: 0.5 mg/kg/h over 40 min is a third of the ordered 0.5 mg/kg."""
    body = order(protocol="depression_standard", dosing_weight_kg=70,
                 segments=[{"duration_min": 40, "amount": 0.5, "unit": "mg/kg/h"}])  # fmt: skip
    data = post(CHECK, body, staff["prescriber"]).json()
    assert data["status"] != "pass" and data["session_dose_mg_per_kg"] == pytest.approx(0.5 * 40 / 60)


def test_an_amended_plan_counts_the_sessions_given_under_the_version_it_replaced(staff, patients):
    import datetime as dt

    from django.utils import timezone

    from ketaflow.clinic.infusions.models import InfusionSession
    from ketaflow.clinic.infusions.services import session_create
    from ketaflow.clinic.plans.models import Plan
    from ketaflow.clinic.plans.services import plan_create

    ana = patients["ana"]
    args = dict(protocol="fibromyalgia_induction", n_sessions=6, start_dose="0.5", duration_min=120,
                series_window_days=21, start_date=timezone.localdate(), bag_concentration_mg_per_ml="1")  # fmt: skip
    first = plan_create(actor=staff["prescriber"], patient=ana, **args)
    Plan.objects.filter(pk=first.pk).update(status=Plan.Status.SIGNED)
    first.refresh_from_db()
    session = session_create(actor=staff["nurse"], plan_session=first.sessions.first())
    ended = timezone.now() - dt.timedelta(days=3)
    InfusionSession.objects.filter(pk=session.pk).update(started_at=ended - dt.timedelta(hours=2), stopped_at=ended,
                                                         delivered={"dose_mg": 68.5})  # fmt: skip
    amended = plan_create(actor=staff["prescriber"], patient=ana, amends=first, amendment_reason="longer", **args)
    data = post(CHECK, order(patient_id=str(ana.pk), plan_id=amended.pk), staff["prescriber"]).json()
    assert data["course_sessions_given"] == 1
