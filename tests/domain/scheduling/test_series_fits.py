"""Re-checking a series after a reschedule: does it still fit its window?"""

from datetime import date, time

from scheduling_helpers import booking, request, utc

from ketaflow.domain.scheduling.series import series_fits


def sessions(*days):
    return [booking("A", utc(2026, 3, d, 8), utc(2026, 3, d, 10, 30), booking_id=f"s{d}") for d in days]


def test_a_series_on_track_fits_and_proposes_the_remaining_sessions(clinic):
    booked = sessions(2, 3)
    result = series_fits(clinic, booked, booked, request(n_sessions=4, window_days=14))
    assert result.fits and result.problems == ()
    assert [s.index for s in result.remaining] == [3, 4]
    assert result.remaining[0].start > booked[-1].start


def test_a_session_moved_late_leaves_no_room_for_the_rest(clinic):
    booked = sessions(2, 12)  # Mon, then Thu of week 2; window 14 days ends Sun 15th
    result = series_fits(clinic, booked, booked, request(n_sessions=6, window_days=14))
    assert not result.fits
    assert "can no longer fit its window" in result.problems[0]
    assert result.remaining == ()


def test_a_session_moved_outside_the_window_is_flagged(clinic):
    booked = sessions(2, 20)
    result = series_fits(clinic, booked, booked, request(n_sessions=2, window_days=14))
    assert not result.fits
    assert "outside the 14-day window" in result.problems[0]


def test_two_sessions_moved_too_close_together_are_flagged(clinic):
    booked = [
        booking("A", utc(2026, 3, 2, 8), utc(2026, 3, 2, 10)),
        booking("B", utc(2026, 3, 2, 14), utc(2026, 3, 2, 16)),
    ]
    result = series_fits(clinic, booked, booked, request(n_sessions=2, min_interval_h=20))
    assert not result.fits
    assert "less than 20 h apart" in result.problems[0]


def test_a_consecutive_series_interrupted_by_a_full_day_no_longer_fits(clinic):
    booked = sessions(2, 3)
    full = [booking(c, utc(2026, 3, 4, 7), utc(2026, 3, 4, 17)) for c in "AB"]
    result = series_fits(
        clinic,
        booked + full,
        booked,
        request(n_sessions=5, consecutive_days=True, window_days=14, preferred_start=time(9)),
    )
    assert not result.fits
    assert "every chair is booked on 2026-03-04" in result.problems[0]


def test_with_nothing_booked_it_proposes_the_whole_series(clinic):
    result = series_fits(clinic, [], [], request(n_sessions=3, earliest_start_day=date(2026, 3, 2)))
    assert result.fits and len(result.remaining) == 3


def test_moving_a_consecutive_session_off_its_day_leaves_a_flagged_gap(clinic):
    booked = sessions(2, 3, 5)  # Wednesday 4th skipped though open
    result = series_fits(clinic, booked, booked, request(n_sessions=5, consecutive_days=True, window_days=14))
    assert not result.fits
    assert "gap on 2026-03-04" in result.problems[0]


def test_a_weekend_between_consecutive_sessions_is_not_a_gap(clinic):
    booked = sessions(5, 6, 9)  # Thu, Fri, Mon
    result = series_fits(clinic, booked, booked, request(n_sessions=4, consecutive_days=True, window_days=14))
    assert result.fits, result.problems
    assert [s.start.day for s in result.remaining] == [10]
