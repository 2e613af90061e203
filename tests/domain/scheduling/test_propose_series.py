"""Proposing a series: spacing, chair capacity, hours, closed days, consecutive open days, DST."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from scheduling_helpers import BERLIN, booking, calendar, request, utc

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.scheduling.calendar import DayHours, SchedulingPolicy
from ketaflow.domain.scheduling.series import propose_series

ZONE = ZoneInfo(BERLIN)


def local_days(slots):
    return [s.start.astimezone(ZONE).date() for s in slots]


def test_six_sessions_two_days_apart_at_the_preferred_local_time(clinic):
    result = propose_series(clinic, [], request(min_interval_h=48))
    assert result.ok, result.reason
    assert local_days(result.slots) == [date(2026, 3, d) for d in (2, 4, 6, 9, 11, 13)]
    assert {s.start.astimezone(ZONE).time() for s in result.slots} == {time(9)}
    assert all(s.start.tzinfo is not None and s.start.utcoffset() == timedelta(0) for s in result.slots)
    assert result.slots[0].end - result.slots[0].start == timedelta(minutes=150)
    assert result.slots[0].session_end - result.slots[0].start == timedelta(minutes=120)


def test_a_booked_chair_moves_the_session_to_the_free_chair(clinic):
    existing = [booking("A", utc(2026, 3, 2, 7), utc(2026, 3, 2, 17))]
    result = propose_series(clinic, existing, request(n_sessions=1))
    assert result.slots[0].chair_id == "B"
    assert result.slots[0].start == utc(2026, 3, 2, 8)  # 09:00 CET


def test_a_partly_booked_morning_gives_the_nearest_free_time(clinic):
    existing = [booking(c, utc(2026, 3, 2, 7), utc(2026, 3, 2, 10)) for c in "AB"]
    result = propose_series(clinic, existing, request(n_sessions=1))
    assert result.slots[0].start == utc(2026, 3, 2, 10)


def test_a_full_day_pushes_a_spaced_series_to_the_next_open_day(clinic):
    full = [booking(c, utc(2026, 3, 3, 7), utc(2026, 3, 3, 17)) for c in "AB"]
    result = propose_series(clinic, full, request(n_sessions=3, min_interval_h=20))
    assert local_days(result.slots) == [date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 5)]


def test_a_full_day_breaks_a_consecutive_series_so_it_starts_after_it(clinic):
    full = [booking(c, utc(2026, 3, 4, 7), utc(2026, 3, 4, 17)) for c in "AB"]
    result = propose_series(clinic, full, request(n_sessions=3, consecutive_days=True))
    assert local_days(result.slots) == [date(2026, 3, 5), date(2026, 3, 6), date(2026, 3, 9)]
    assert "every chair is booked on 2026-03-04" in result.notes[0]


def test_closed_dates_are_skipped():
    clinic = calendar(closed=[date(2026, 3, 4)])
    result = propose_series(clinic, [], request(n_sessions=3))
    assert date(2026, 3, 4) not in local_days(result.slots)
    assert local_days(result.slots) == [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 5)]


def test_ten_consecutive_open_days_run_across_a_closed_weekend(clinic):
    result = propose_series(clinic, [], request(n_sessions=10, consecutive_days=True, window_days=14))
    assert result.ok
    assert local_days(result.slots) == [date(2026, 3, d) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13)]


def test_strict_calendar_day_policy_cannot_fit_ten_days_around_weekends(clinic):
    policy = SchedulingPolicy(consecutive_skips_closed_days=False, search_horizon_days=14)
    result = propose_series(clinic, [], request(n_sessions=10, consecutive_days=True, window_days=14), policy)
    assert not result.ok
    assert "closed days break a series" in result.reason
    assert result.slots == ()


def test_ten_in_fourteen_days_over_christmas_fails_naming_the_closed_days():
    clinic = calendar(closed=[date(2026, 12, 25), date(2027, 1, 1)])
    policy = SchedulingPolicy(search_horizon_days=0)
    result = propose_series(
        clinic,
        [],
        request(n_sessions=10, consecutive_days=True, window_days=14, earliest_start_day=date(2026, 12, 21)),
        policy,
    )
    assert not result.ok
    assert "series of 10 cannot fit in 14 days from 2026-12-21" in result.reason
    assert "clinic closed on 2026-12-25" in result.reason


def test_the_first_start_day_that_fits_is_proposed_with_a_note_when_the_earliest_does_not():
    clinic = calendar(closed=[date(2026, 12, 25), date(2027, 1, 1)])
    result = propose_series(
        clinic,
        [],
        request(n_sessions=10, consecutive_days=True, window_days=14, earliest_start_day=date(2026, 12, 21)),
    )
    assert result.ok
    # Every late-December start needs 16 days (weekends, 25 Dec, 1 Jan); Monday 4 January is the first fit.
    assert local_days(result.slots)[0] == date(2027, 1, 4)
    assert local_days(result.slots)[-1] == date(2027, 1, 15)
    assert "earliest start day does not fit" in result.notes[0]


def test_session_plus_recovery_must_end_by_closing_time():
    clinic = calendar(hours={d: DayHours(time(8), time(12)) for d in range(5)})
    result = propose_series(
        clinic, [], request(n_sessions=1, session_min=180, recovery_min=60, preferred_start=time(10))
    )
    assert result.slots[0].start == utc(2026, 3, 2, 7)  # 08:00 local is the only start that fits
    assert result.slots[0].end == utc(2026, 3, 2, 11)


def test_a_session_longer_than_opening_hours_fails_with_the_reason():
    clinic = calendar(hours={d: DayHours(time(8), time(11)) for d in range(5)})
    result = propose_series(
        clinic,
        [],
        request(n_sessions=1, session_min=180, recovery_min=30),
        SchedulingPolicy(search_horizon_days=3),
    )
    assert not result.ok
    assert "does not fit in opening hours" in result.reason


def test_min_interval_of_24_h_across_spring_forward_moves_the_local_start_an_hour_later():
    # 29 March 2026: Berlin goes from UTC+1 to UTC+2; 09:00 to 09:00 local is only 23 elapsed hours.
    clinic = calendar(hours={d: DayHours(time(8), time(18)) for d in range(7)})
    result = propose_series(
        clinic,
        [],
        request(n_sessions=2, min_interval_h=24, consecutive_days=True, earliest_start_day=date(2026, 3, 28)),
    )
    first, second = result.slots
    assert first.start == utc(2026, 3, 28, 8)
    assert second.start - first.start == timedelta(hours=24)
    assert second.start.astimezone(ZONE).time() == time(10)


def test_same_local_time_across_spring_forward_when_the_interval_allows_it():
    clinic = calendar(hours={d: DayHours(time(8), time(18)) for d in range(7)})
    result = propose_series(
        clinic,
        [],
        request(n_sessions=2, min_interval_h=20, consecutive_days=True, earliest_start_day=date(2026, 3, 28)),
    )
    assert [s.start for s in result.slots] == [utc(2026, 3, 28, 8), utc(2026, 3, 29, 7)]


def test_autumn_fall_back_keeps_the_local_time_with_a_25_hour_gap():
    clinic = calendar(hours={d: DayHours(time(8), time(18)) for d in range(7)})
    result = propose_series(
        clinic,
        [],
        request(
            n_sessions=2, min_interval_h=24, consecutive_days=True, earliest_start_day=date(2026, 10, 24)
        ),
    )
    first, second = result.slots
    assert second.start - first.start == timedelta(hours=25)
    assert second.start.astimezone(ZONE).time() == time(9)


def test_interval_shorter_than_session_plus_recovery_is_refused():
    with pytest.raises(DomainValidationError) as error:
        request(session_min=240, recovery_min=60, min_interval_h=4)
    assert error.value.field == "min_interval_h"


def test_result_records_the_request_and_the_labelled_policy(clinic):
    result = propose_series(clinic, [], request())
    assert result.inputs["n_sessions"] == 6 and result.inputs["zone_name"] == BERLIN
    assert result.source.kind == "clinic policy"
