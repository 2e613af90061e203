"""A clinic replaces the labelled default vitals thresholds with its own policy; a bad row is refused whole."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaflow.domain.charting.vitals import (
    DEFAULT_THRESHOLDS,
    PARAMETERS,
    VitalsReading,
    assess_vitals,
    thresholds_from_policy,
)
from ketaflow.domain.errors import DomainValidationError

STRICTER = [{"parameter": "systolic_mmhg", "level": "red", "comparator": ">", "value": 160, "note": "SBP > 160"},
            {"parameter": "systolic_mmhg", "level": "amber", "comparator": ">=", "value": 150}]  # fmt: skip


def test_a_clinic_policy_turns_a_default_amber_reading_red_and_names_itself_as_the_source():
    reading = VitalsReading(systolic_mmhg=168, diastolic_mmhg=90)
    assert assess_vitals(reading).level == "amber"
    policy = thresholds_from_policy(STRICTER, version="clinic-2026-11")
    assessed = assess_vitals(reading, policy)
    assert assessed.level == "red"
    assert assessed.alerts[0].source.kind == "clinic policy" and assessed.alerts[0].source.version == "clinic-2026-11"
    assert "SBP > 160" in assessed.alerts[0].source.citation


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ({"parameter": "temperature", "level": "red", "comparator": ">", "value": 38}, "thresholds[0].parameter"),
        ({"parameter": "spo2_percent", "level": "orange", "comparator": "<", "value": 90}, "thresholds[0].level"),
        ({"parameter": "spo2_percent", "level": "red", "comparator": "=<", "value": 90}, "thresholds[0].comparator"),
        ({"parameter": "spo2_percent", "level": "red", "comparator": "<", "value": 120}, "thresholds[0].value"),
        ({"parameter": "spo2_percent", "level": "red", "comparator": "<", "value": True}, "thresholds[0].value"),
    ],
)
def test_a_bad_policy_row_is_an_error_naming_the_row_and_field(row, field):
    with pytest.raises(DomainValidationError) as exc:
        thresholds_from_policy([row], version="v")
    assert exc.value.field == field


def test_an_empty_policy_is_refused_rather_than_silently_disabling_alerts():
    with pytest.raises(DomainValidationError):
        thresholds_from_policy([], version="v")


@given(st.sampled_from(DEFAULT_THRESHOLDS))
def test_the_defaults_written_out_as_a_policy_give_the_same_alerts(threshold):
    rows = [{"parameter": t.parameter, "level": t.level, "comparator": t.comparator, "value": t.value}
            for t in DEFAULT_THRESHOLDS]  # fmt: skip
    policy = thresholds_from_policy(rows, version="v")
    low, high = PARAMETERS[threshold.parameter][1]
    for value in (low, int(threshold.value) - 1, int(threshold.value), int(threshold.value) + 1, high):
        if not low <= value <= high:
            continue
        extra = {"diastolic_mmhg": 20} if threshold.parameter == "systolic_mmhg" and value > 20 else {}
        if threshold.parameter == "diastolic_mmhg":
            extra = {"systolic_mmhg": 300}
        reading = VitalsReading(**({threshold.parameter: value} | extra))
        assert assess_vitals(reading, policy).level == assess_vitals(reading).level
