"""Checking one booking or a move: each conflict is refused with its reason."""

from datetime import date, datetime

import pytest
from scheduling_helpers import booking, calendar, utc

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.scheduling.checks import validate_booking


def codes(check):
    return [c.code for c in check.conflicts]


def test_a_free_slot_inside_hours_is_accepted(clinic):
    check = validate_booking(clinic, [], booking("A", utc(2026, 3, 2, 8), utc(2026, 3, 2, 10, 30)))
    assert check.ok and check.conflicts == ()


def test_an_overlapping_booking_on_the_same_chair_is_refused(clinic):
    existing = [booking("A", utc(2026, 3, 2, 9), utc(2026, 3, 2, 11), booking_id="b1")]
    check = validate_booking(clinic, existing, booking("A", utc(2026, 3, 2, 8), utc(2026, 3, 2, 9, 15)))
    assert codes(check) == ["chair_overlap"]
    assert "chair A is booked" in check.conflicts[0].message


def test_back_to_back_bookings_do_not_overlap(clinic):
    existing = [booking("A", utc(2026, 3, 2, 9), utc(2026, 3, 2, 11))]
    assert validate_booking(clinic, existing, booking("A", utc(2026, 3, 2, 11), utc(2026, 3, 2, 13))).ok


def test_the_same_time_on_another_chair_is_fine(clinic):
    existing = [booking("A", utc(2026, 3, 2, 9), utc(2026, 3, 2, 11))]
    assert validate_booking(clinic, existing, booking("B", utc(2026, 3, 2, 9), utc(2026, 3, 2, 11))).ok


def test_moving_a_booking_does_not_conflict_with_its_own_old_slot(clinic):
    existing = [booking("A", utc(2026, 3, 2, 9), utc(2026, 3, 2, 11), booking_id="b1")]
    moved = booking("A", utc(2026, 3, 2, 10), utc(2026, 3, 2, 12), booking_id="b1")
    assert validate_booking(clinic, existing, moved, plan_sessions=existing, min_interval_h=20).ok


def test_recovery_running_past_closing_time_is_outside_hours(clinic):
    # 18:00 Berlin in March is 17:00 UTC.
    check = validate_booking(clinic, [], booking("A", utc(2026, 3, 2, 15), utc(2026, 3, 2, 17, 15)))
    assert codes(check) == ["outside_hours"]
    assert "08:00–18:00 Europe/Berlin" in check.conflicts[0].message


def test_opening_hours_follow_summer_time(clinic):
    # 08:00 Berlin in July is 06:00 UTC: a 06:00 UTC start is inside hours in summer only.
    assert validate_booking(clinic, [], booking("A", utc(2026, 7, 1, 6), utc(2026, 7, 1, 8))).ok
    assert codes(validate_booking(clinic, [], booking("A", utc(2026, 1, 7, 6), utc(2026, 1, 7, 8)))) == [
        "outside_hours"
    ]


def test_weekend_and_closed_dates_are_refused():
    clinic = calendar(closed=[date(2026, 3, 4)])
    saturday = validate_booking(clinic, [], booking("A", utc(2026, 3, 7, 9), utc(2026, 3, 7, 10)))
    holiday = validate_booking(clinic, [], booking("A", utc(2026, 3, 4, 9), utc(2026, 3, 4, 10)))
    assert codes(saturday) == ["closed_day"] and "Saturdays" in saturday.conflicts[0].message
    assert codes(holiday) == ["closed_day"] and "2026-03-04" in holiday.conflicts[0].message


def test_too_close_to_a_neighbouring_session_of_the_same_plan_is_refused(clinic):
    plan = [booking("B", utc(2026, 3, 2, 8), utc(2026, 3, 2, 10), booking_id="s1")]
    check = validate_booking(
        clinic,
        plan,
        booking("A", utc(2026, 3, 3, 7), utc(2026, 3, 3, 9)),
        plan_sessions=plan,
        min_interval_h=24,
    )
    assert codes(check) == ["min_interval"]


def test_a_move_that_stretches_the_series_past_its_window_is_refused(clinic):
    plan = [
        booking("A", utc(2026, 3, 2, 8), utc(2026, 3, 2, 10), booking_id="s1"),
        booking("A", utc(2026, 3, 3, 8), utc(2026, 3, 3, 10), booking_id="s2"),
    ]
    moved = booking("A", utc(2026, 3, 16, 8), utc(2026, 3, 16, 10), booking_id="s2")
    check = validate_booking(clinic, plan, moved, plan_sessions=plan, window_days=14)
    assert codes(check) == ["outside_series_window"]
    assert "15 days" in check.conflicts[0].message


def test_several_problems_are_all_reported(clinic):
    existing = [booking("A", utc(2026, 3, 2, 16), utc(2026, 3, 2, 18))]
    check = validate_booking(clinic, existing, booking("A", utc(2026, 3, 2, 16), utc(2026, 3, 2, 18)))
    assert codes(check) == ["outside_hours", "chair_overlap"]


def test_an_unknown_chair_is_refused(clinic):
    assert "unknown_chair" in codes(
        validate_booking(clinic, [], booking("Z", utc(2026, 3, 2, 8), utc(2026, 3, 2, 9)))
    )


def test_naive_datetimes_are_refused():
    with pytest.raises(DomainValidationError) as error:
        booking("A", datetime(2026, 3, 2, 8), utc(2026, 3, 2, 9))
    assert error.value.field == "start"


def test_an_unknown_time_zone_is_refused():
    from ketaflow.domain.scheduling.calendar import ClinicCalendar

    with pytest.raises(DomainValidationError) as error:
        ClinicCalendar(("A",), {}, "Mars/Olympus")
    assert error.value.field == "zone_name"
