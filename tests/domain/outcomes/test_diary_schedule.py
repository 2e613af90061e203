"""Diary schedule relative to infusion days; due/overdue/missed at `now`; reminders never repeat."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.diary_schedule import (
    CompletedEntry,
    DiarySchedulePolicy,
    diary_schedule,
    diary_status,
)

SERIES = [[date(2026, 3, d) for d in (2, 4, 6, 9, 11, 13)]]  # last infusion 13 March
ZONE = "Europe/Berlin"


def days_of(schedule, instrument):
    return [d for i, d in schedule if i == instrument]


def status_at(now, completed=(), sent=(), series=SERIES):
    return diary_status(series, completed, now=now, zone_name=ZONE, patient_ref="p1", already_sent_keys=sent)


def test_phq9_is_due_on_days_1_3_7_14_28_after_the_series_then_monthly():
    phq9 = days_of(diary_schedule(SERIES), "phq9")
    last = date(2026, 3, 13)
    assert phq9[:7] == [last + timedelta(days=d) for d in (1, 3, 7, 14, 28, 58, 88)]
    assert days_of(diary_schedule(SERIES), "gad7") == phq9


def test_daily_items_start_with_the_seven_day_baseline_window():
    daily = days_of(diary_schedule(SERIES), "pain_nrs_average_24h")
    assert daily[0] == date(2026, 2, 23)
    assert days_of(diary_schedule(SERIES), "sleep_quality_nrs")[0] == date(2026, 2, 23)


def test_fiqr_is_weekly_from_the_first_infusion():
    assert days_of(diary_schedule(SERIES), "fiqr")[:3] == [
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
    ]


def test_pgic_follows_each_series():
    assert days_of(diary_schedule(SERIES), "pgic") == [date(2026, 3, 14), date(2026, 4, 10)]


def test_a_booster_series_restarts_the_offsets_and_ends_the_monthly_run_before_it():
    booster = [date(2026, 6, 1)]
    phq9 = days_of(diary_schedule(SERIES + [booster]), "phq9")
    first_series = [d for d in phq9 if d < date(2026, 6, 1)]
    assert first_series[-1] == date(
        2026, 5, 10
    )  # 13 Mar + 58 days; the next monthly (9 Jun) is after the booster
    assert [d for d in phq9 if d >= date(2026, 6, 1)][:3] == [
        date(2026, 6, 2),
        date(2026, 6, 4),
        date(2026, 6, 8),
    ]


def test_an_unanswered_phq9_is_due_then_overdue_then_missed():
    due_day = date(2026, 3, 14)

    def phq9_status(day):
        now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        return next(i.status for i in status_at(now).items if i.instrument == "phq9" and i.due_day == due_day)

    assert phq9_status(date(2026, 3, 14)) == "due"
    assert phq9_status(date(2026, 3, 17)) == "due"  # 3 grace days
    assert phq9_status(date(2026, 3, 18)) == "overdue"
    assert phq9_status(date(2026, 3, 21)) == "overdue"
    assert phq9_status(date(2026, 3, 22)) == "missed"


def test_a_completed_entry_marks_the_item_done_and_is_used_only_once():
    now = datetime(2026, 3, 17, 12, tzinfo=UTC)
    result = status_at(now, completed=[CompletedEntry("phq9", date(2026, 3, 16))])
    phq9 = [i for i in result.items if i.instrument == "phq9"]
    assert [(i.due_day, i.status) for i in phq9] == [(date(2026, 3, 14), "done"), (date(2026, 3, 16), "due")]


def test_yesterdays_daily_diary_is_missed_not_overdue():
    now = datetime(2026, 3, 3, 12, tzinfo=UTC)
    result = status_at(now)
    yesterday = [i for i in result.items if i.due_day == date(2026, 3, 2) and i.instrument == "fatigue_nrs"]
    assert yesterday[0].status == "missed"


def test_local_midnight_decides_the_day_not_utc():
    # 23:30 UTC on 13 March is already 14 March in Berlin: the day-1 PHQ-9 is due.
    result = status_at(datetime(2026, 3, 13, 23, 30, tzinfo=UTC))
    assert result.today == date(2026, 3, 14)
    assert ("phq9", date(2026, 3, 14)) in [(i.instrument, i.due_day) for i in result.with_status("due")]


def test_daily_items_share_one_reminder_per_day_and_keys_are_stable():
    now = datetime(2026, 3, 14, 8, tzinfo=UTC)
    first = status_at(now)
    daily = [r for r in first.reminders if r.group == "daily"]
    assert [r.key for r in daily] == ["diary:p1:daily:2026-03-14:due"]
    assert status_at(now).reminders == first.reminders


def test_a_reminder_already_sent_is_never_offered_again():
    now = datetime(2026, 3, 14, 8, tzinfo=UTC)
    keys = [r.key for r in status_at(now).reminders]
    assert status_at(now, sent=keys).reminders == ()
    later = status_at(datetime(2026, 3, 18, 8, tzinfo=UTC), sent=keys)
    assert "diary:p1:phq9:2026-03-14:overdue" in [r.key for r in later.reminders]


def test_naive_now_is_refused():
    with pytest.raises(DomainValidationError) as error:
        status_at(datetime(2026, 3, 14, 8))
    assert error.value.field == "now"


def test_policy_offsets_are_editable_and_labelled():
    policy = DiarySchedulePolicy(post_series_offsets_days=(2, 10), monthly_every_days=60)
    phq9 = days_of(diary_schedule(SERIES, policy), "phq9")
    assert phq9[:3] == [date(2026, 3, 15), date(2026, 3, 23), date(2026, 5, 22)]
    assert policy.source.kind == "clinic policy"


def test_no_series_means_no_schedule():
    assert diary_schedule([]) == []


@settings(max_examples=40, deadline=None)
@given(
    day_offset=st.integers(-10, 120),
    hour=st.integers(0, 23),
    sent_fraction=st.floats(0, 1),
)
def test_reminders_are_unique_never_resent_and_only_for_open_items(day_offset, hour, sent_fraction):
    now = datetime(2026, 3, 2, hour, tzinfo=UTC) + timedelta(days=day_offset)
    first = status_at(now)
    keys = [r.key for r in first.reminders]
    assert len(keys) == len(set(keys))
    sent = keys[: int(len(keys) * sent_fraction)]
    second = status_at(now, sent=sent)
    assert not {r.key for r in second.reminders} & set(sent)
    open_days = {(i.due_day, i.status) for i in second.items if i.status in ("due", "overdue")}
    assert all((r.due_day, r.stage) in open_days for r in second.reminders)
