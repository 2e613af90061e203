"""Sessions keep their order: a booking carrying its session number may not land before an earlier-numbered
session of the plan or after a later-numbered one (an escalating series raises the dose each session)."""

from scheduling_helpers import booking, request, utc

from ketaflow.domain.scheduling.checks import validate_booking
from ketaflow.domain.scheduling.series import series_fits


def session(n, day, hour=8, booking_id=None):
    return booking("A", utc(2026, 3, day, hour), utc(2026, 3, day, hour + 5), plan_id="p",
                   booking_id=booking_id or f"b{n}", session_index=n)  # fmt: skip


def test_a_session_moved_after_a_later_numbered_session_is_refused_naming_both(clinic):
    siblings = [session(1, 2), session(3, 4)]
    moved = booking("B", utc(2026, 3, 5, 8), utc(2026, 3, 5, 13), plan_id="p", booking_id="b2", session_index=2)
    check = validate_booking(clinic, [], moved, plan_sessions=siblings, min_interval_h=20, window_days=14)
    assert [c.code for c in check.conflicts] == ["session_order"]
    assert "session 2 must come before session 3" in check.conflicts[0].message
    assert check.inputs["candidate"]["session_index"] == 2


def test_a_session_moved_before_an_earlier_numbered_session_is_refused(clinic):
    siblings = [session(2, 4), session(3, 5)]
    moved = booking("B", utc(2026, 3, 3, 8), utc(2026, 3, 3, 13), plan_id="p", booking_id="b4", session_index=4)
    check = validate_booking(clinic, [], moved, plan_sessions=siblings)
    assert [c.message.split(": sessions")[0] for c in check.conflicts] == [
        "session 4 must come after session 2 (Wed 2026-03-04 09:00 Europe/Berlin)",
        "session 4 must come after session 3 (Thu 2026-03-05 09:00 Europe/Berlin)",
    ]


def test_a_session_between_its_neighbours_passes(clinic):
    siblings = [session(1, 2), session(3, 4)]
    moved = booking("B", utc(2026, 3, 3, 8), utc(2026, 3, 3, 13), plan_id="p", booking_id="b2", session_index=2)
    assert validate_booking(clinic, [], moved, plan_sessions=siblings, min_interval_h=20, window_days=14).ok


def test_bookings_without_session_numbers_are_not_order_checked(clinic):
    siblings = [booking("A", utc(2026, 3, 4, 8), utc(2026, 3, 4, 13), plan_id="p", booking_id="x")]
    moved = booking("B", utc(2026, 3, 3, 8), utc(2026, 3, 3, 13), plan_id="p", booking_id="y", session_index=5)
    assert validate_booking(clinic, [], moved, plan_sessions=siblings).ok


def test_a_cancelled_middle_session_of_an_ordered_series_is_flagged_and_nothing_is_proposed_after_the_last(clinic):
    booked = [session(1, 2), session(2, 3), session(4, 5), session(5, 6)]
    fit = series_fits(clinic, [], booked, request(n_sessions=5, window_days=14), unbooked_indexes=[3])
    assert not fit.fits and fit.remaining == ()
    assert fit.problems == (
        "session 3 is not booked but later session 4, 5 is: sessions keep their order, so move the later "
        "sessions (or book session 3 between them) first",
    )


def test_booked_sessions_out_of_number_order_are_flagged(clinic):
    fit = series_fits(clinic, [], [session(2, 2), session(1, 3)], request(n_sessions=2, window_days=14))
    assert fit.problems == ("session 1 is booked after session 2: sessions keep their order",)
