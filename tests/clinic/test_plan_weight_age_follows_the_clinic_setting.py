"""KETAFLOW_WEIGHT_MAX_AGE_DAYS governs the plan's dose check as it governs the infusion check-in: a weight
older than the clinic's setting needs a prescriber's reason, and the stored check names the setting."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ketaflow.clinic.patients.models import BodyMeasurement
from ketaflow.clinic.plans.services import plan_create
from tests.clinic.scheduling_fixtures import screened

pytestmark = pytest.mark.django_db


def _plan(staff, patient):
    return plan_create(actor=staff["prescriber"], patient=patient, protocol="fibromyalgia_induction", n_sessions=6,
                       start_dose="0.3", duration_min=120, series_window_days=21, start_date=timezone.localdate(),
                       bag_concentration_mg_per_ml="1")  # fmt: skip


def _weight_age_violations(plan) -> list[dict]:
    return [v for s in plan.dose_check["sessions"] for v in s["violations"] if v["name"] == "weight_age_days"]


@pytest.fixture
def ana(staff, patients):
    ana = screened(staff, patients["ana"])
    BodyMeasurement.objects.filter(patient=ana).update(measured_on=timezone.localdate() - timedelta(days=12))
    return ana


def test_a_twelve_day_old_weight_passes_the_default_thirty_days(staff, ana):
    assert _weight_age_violations(_plan(staff, ana)) == []


def test_a_clinic_that_wants_weights_within_ten_days_is_asked_for_a_reason(staff, ana, settings):
    settings.KETAFLOW_WEIGHT_MAX_AGE_DAYS = 10
    plan = _plan(staff, ana)
    violations = _weight_age_violations(plan)
    assert violations and {v["status"] for v in violations} == {"soft_violation"}
    assert "clinic setting: 10 days" in violations[0]["source"]["citation"]
    assert "weight_age_days" in plan.dose_check["soft_limits"]
    assert plan.dose_check["policy_version"].endswith("+weight-age-10d")
