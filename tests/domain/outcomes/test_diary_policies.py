"""The diary schedule per protocol: a labelled clinic-policy table over the default; what is open to fill."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import INSTRUMENTS
from ketaflow.domain.outcomes.diary_policies import TABLE, diary_policy_for, policy_from_overrides
from ketaflow.domain.outcomes.diary_schedule import DAILY_ITEMS, diary_schedule, diary_status

SERIES = [[date(2026, 3, d) for d in (2, 4, 6, 9, 11, 13)]]


def test_every_scheduled_item_is_an_instrument_the_clinic_can_score():
    for code in [None, *TABLE["protocols"]]:
        policy = diary_policy_for(code)
        for instrument in {i for i, _ in diary_schedule(SERIES, policy)}:
            assert instrument in INSTRUMENTS, (code, instrument)
    assert set(DAILY_ITEMS) <= set(INSTRUMENTS)


def test_an_unlisted_protocol_gets_the_labelled_default():
    policy = diary_policy_for("not_a_protocol")
    assert policy.post_series_offsets_days == (1, 3, 7, 14, 28)
    assert policy.source.kind == "clinic policy"
    assert policy.version.endswith(":default") and TABLE["version"] in policy.version


def test_the_booster_protocol_asks_for_phq9_on_its_own_days_and_says_so_in_its_source():
    policy = diary_policy_for("chronic_pain_booster")
    last = date(2026, 3, 13)
    phq9 = [d for i, d in diary_schedule(SERIES, policy) if i == "phq9"]
    assert [(d - last).days for d in phq9[:4]] == [1, 7, 14, 28]
    assert "chronic_pain_booster" in policy.version and "post_series_offsets_days" in policy.source.citation


def test_a_depression_plan_has_no_weekly_fiqr():
    policy = diary_policy_for("depression_standard")
    assert not [d for i, d in diary_schedule(SERIES, policy) if i == "fiqr"]


def test_an_unknown_setting_is_refused_naming_it():
    with pytest.raises(DomainValidationError) as err:
        policy_from_overrides({"weekly_itms": []}, label="x", table_version="t")
    assert err.value.field == "weekly_itms"


@given(st.lists(st.integers(min_value=-5, max_value=800), min_size=1, max_size=6))
def test_offsets_outside_0_to_730_days_are_refused_and_others_are_kept_as_given(offsets):
    overrides = {"post_series_offsets_days": offsets}
    if all(0 <= d <= 730 for d in offsets):
        assert policy_from_overrides(overrides, label="x", table_version="t").post_series_offsets_days == tuple(offsets)
    else:
        with pytest.raises(DomainValidationError):
            policy_from_overrides(overrides, label="x", table_version="t")


@given(st.integers(min_value=0, max_value=120))
def test_open_items_are_exactly_the_due_and_overdue_ones(day_offset):
    now = datetime(2026, 2, 21, 12, tzinfo=UTC) + timedelta(days=day_offset)
    status = diary_status(SERIES, (), now=now, zone_name="UTC", patient_ref="p")
    assert set(status.open_items) == {i for i in status.items if i.status in ("due", "overdue")}
    assert all(i.due_day <= status.today for i in status.open_items)
