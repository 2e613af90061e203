"""Vital-sign alerts at every default threshold edge (clinic policy vitals-2026.12.1, clinical.md §2.4)."""

from datetime import UTC, datetime, timedelta

import pytest

from ketaflow.domain.charting.vitals import VitalsReading, assess_vitals, vitals_cadence
from ketaflow.domain.errors import DomainValidationError


@pytest.mark.parametrize("sbp,level", [(164, "normal"), (165, "amber"), (180, "amber"), (181, "red"), (90, "normal"), (89, "red")])
def test_systolic_edges(sbp, level):
    assert assess_vitals(VitalsReading(systolic_mmhg=sbp, diastolic_mmhg=60)).level == level


@pytest.mark.parametrize("spo2,level", [(94, "normal"), (93, "amber"), (90, "amber"), (89, "red")])
def test_spo2_edges(spo2, level):
    assert assess_vitals(VitalsReading(spo2_percent=spo2)).level == level


@pytest.mark.parametrize("rr,level", [(10, "normal"), (9, "red"), (30, "normal"), (31, "red")])
def test_respiratory_rate_edges(rr, level):
    assert assess_vitals(VitalsReading(respiratory_rate_per_min=rr)).level == level


def test_a_red_parameter_is_not_also_reported_amber_and_carries_the_action_and_source():
    result = assess_vitals(VitalsReading(systolic_mmhg=190, diastolic_mmhg=95))
    assert [(a.parameter, a.level) for a in result.alerts] == [("systolic_mmhg", "red")]
    alert = result.alerts[0]
    assert "Pause the infusion" in alert.suggested_action and "WestJEM" in alert.source.citation


@pytest.mark.parametrize("field,value", [("heart_rate_per_min", 300), ("spo2_percent", 101), ("systolic_mmhg", 12)])
def test_implausible_readings_are_refused_with_the_field_named(field, value):
    with pytest.raises(DomainValidationError) as err:
        VitalsReading(**{field: value})
    assert err.value.field == field


def test_diastolic_must_be_below_systolic():
    with pytest.raises(DomainValidationError, match="lower than the systolic"):
        VitalsReading(systolic_mmhg=100, diastolic_mmhg=100)


def test_an_empty_reading_is_refused():
    with pytest.raises(DomainValidationError):
        VitalsReading()


def test_the_next_reading_is_due_one_interval_after_the_last_and_then_overdue():
    start = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    readings = (start + timedelta(minutes=14),)
    on_time = vitals_cadence(started_at=start, reading_times=readings, interval_min=15, now=start + timedelta(minutes=29))
    late = vitals_cadence(started_at=start, reading_times=readings, interval_min=15, now=start + timedelta(minutes=35))
    assert on_time.next_due_at == start + timedelta(minutes=29) and not on_time.overdue
    assert late.overdue and late.minutes_overdue == pytest.approx(6)


def test_an_alert_message_names_the_vital_sign_in_words_with_its_unit_and_threshold():
    alert = assess_vitals(VitalsReading(systolic_mmhg=186, diastolic_mmhg=90)).alerts[0]
    assert alert.message == "Systolic BP 186 mmHg (RED: > 180 mmHg). Pause the infusion and call the prescriber."
    assert alert.as_dict()["label"] == "Systolic BP"


def test_after_an_amber_or_red_reading_the_next_is_due_at_the_5_minute_recheck_not_the_full_interval():
    start = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
    reading = (start + timedelta(minutes=15),)
    amber = vitals_cadence(started_at=start, reading_times=reading, interval_min=15, now=start + timedelta(minutes=21),
                           last_level="amber")  # fmt: skip
    assert amber.recheck and amber.next_due_at == start + timedelta(minutes=20) and amber.overdue
    normal = vitals_cadence(started_at=start, reading_times=reading, interval_min=15, now=start + timedelta(minutes=21))
    assert not normal.recheck and normal.next_due_at == start + timedelta(minutes=30) and not normal.overdue
