"""The gates: every condition that blocks a start or a discharge is listed (clinic policy gates-2026.12.1)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ketaflow.domain.charting.gates import CheckInFacts, check_in_gate, discharge_gate, pregnancy_test_needed

READY = CheckInFacts(
    escort_confirmed=True, fasting_hours_solids=8, pre_vitals_recorded=True, pre_pain_nrs=7,
    pregnancy_test_needed=False, pregnancy_test_negative=None, weight_usable=True, weight_reason="",
    screening_may_proceed=True, hours_since_last_session=None, min_interval_h=16, bag_lot="LOT-1",
    bag_concentration_mg_per_ml=1.0, bag_volume_ml=100.0, ordered_concentration_mg_per_ml=1.0,
)  # fmt: skip


def test_a_ready_patient_passes():
    assert check_in_gate(READY).ok


@pytest.mark.parametrize("change,text", [
    ({"escort_confirmed": False}, "Escort"),
    ({"fasting_hours_solids": 5.5}, "Fasting"),
    ({"pre_vitals_recorded": False}, "vital signs"),
    ({"pre_pain_nrs": None}, "pain NRS"),
    ({"pregnancy_test_needed": True}, "pregnancy test"),
    ({"weight_usable": False, "weight_reason": "Weight is 40 days old"}, "40 days old"),
    ({"screening_may_proceed": False}, "Screening"),
    ({"hours_since_last_session": 15.9}, "protocol minimum"),
    ({"bag_lot": " "}, "lot number"),
    ({"bag_concentration_mg_per_ml": 2.0}, "differs from the ordered"),
    ({"screening_age_days": 366}, "366 days old"),
    ({"intake_changed_since_screening": True}, "changed since the last screening"),
])  # fmt: skip
def test_each_failed_condition_blocks_the_start_and_says_why(change, text):
    result = check_in_gate(replace(READY, **change))
    assert not result.ok and any(text in f for f in result.failures)


def test_a_screening_exactly_at_the_policy_age_is_still_valid():
    assert check_in_gate(replace(READY, screening_age_days=365)).ok


def test_exactly_the_minimum_interval_is_enough():
    assert check_in_gate(replace(READY, hours_since_last_session=16.0)).ok


def test_pregnancy_tests_are_asked_for_by_sex_and_age():
    assert pregnancy_test_needed(sex="female", age_years=30)
    assert not pregnancy_test_needed(sex="female", age_years=56)
    assert not pregnancy_test_needed(sex="male", age_years=30)


STOP = datetime(2026, 11, 22, 13, 0, tzinfo=UTC)


def test_discharge_needs_aldrete_9_the_recovery_time_and_the_escort():
    ok = discharge_gate(aldrete_total=9, stopped_at=STOP, now=STOP + timedelta(minutes=60), min_recovery_min=60,
                        escort_present=True)  # fmt: skip
    low = discharge_gate(aldrete_total=8, stopped_at=STOP, now=STOP + timedelta(minutes=60), min_recovery_min=60,
                         escort_present=True)  # fmt: skip
    early = discharge_gate(aldrete_total=10, stopped_at=STOP, now=STOP + timedelta(minutes=59), min_recovery_min=60,
                           escort_present=True)  # fmt: skip
    alone = discharge_gate(aldrete_total=10, stopped_at=STOP, now=STOP + timedelta(minutes=90), min_recovery_min=60,
                           escort_present=False)  # fmt: skip
    assert ok.ok and not low.ok and not early.ok and not alone.ok
    assert "below the discharge minimum 9" in low.failures[0] and "escort" in alone.failures[0]


def test_a_stop_as_completed_before_the_ordered_minutes_have_run_is_refused_and_points_to_stop_early():
    from ketaflow.domain.charting.gates import completed_stop_gate

    early = completed_stop_gate(running_min=1.2, ordered_duration_min=240)
    assert not early.ok and "Only 1 of the ordered 240 min" in early.failures[0] and "Stop early" in early.failures[0]
    assert completed_stop_gate(running_min=235, ordered_duration_min=240).ok  # within the 5-min tolerance
    assert not completed_stop_gate(running_min=234.9, ordered_duration_min=240).ok


def test_a_patient_already_in_a_chair_cannot_be_checked_in_for_another_infusion():
    result = check_in_gate(replace(READY, other_session_in_progress="#1 running", hours_since_last_session=None))
    assert not result.ok and result.failures == (
        "Another infusion for this patient is still in progress (#1 running); discharge or close it first.",)


def test_a_bag_holding_less_than_the_ordered_dose_blocks_the_start_and_says_how_much_to_draw():
    short = check_in_gate(replace(READY, ordered_dose_mg=37.32, bag_volume_ml=20, bag_concentration_mg_per_ml=1.0,
                                  ordered_concentration_mg_per_ml=1.0))  # fmt: skip
    assert not short.ok and short.failures == (
        "Bag holds 20 mg (20 mL × 1 mg/mL), less than the ordered 37.3 mg: draw at least 37.3 mL.",)
    enough = replace(READY, ordered_dose_mg=37.32, bag_volume_ml=37.32, bag_concentration_mg_per_ml=1.0,
                     ordered_concentration_mg_per_ml=1.0)  # fmt: skip
    assert check_in_gate(enough).ok


def test_discharge_waits_until_every_vitals_alert_has_its_response_recorded():
    gate = discharge_gate(aldrete_total=10, stopped_at=STOP, now=STOP + timedelta(minutes=90), min_recovery_min=60,
                          escort_present=True, unanswered_alerts=("20:56 red", "21:13 amber"))  # fmt: skip
    assert not gate.ok and gate.failures == (
        "2 vitals alerts without a recorded response (20:56 red, 21:13 amber): record what was done first.",)
