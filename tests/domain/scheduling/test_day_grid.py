"""Day view data: bookings and free gaps per chair."""

from datetime import date, time

from scheduling_helpers import booking, calendar, utc

from ketaflow.domain.scheduling.calendar import DayHours
from ketaflow.domain.scheduling.day_view import day_grid


def test_each_chair_lists_bookings_and_free_gaps_within_opening_hours(clinic):
    b = booking("A", utc(2026, 3, 2, 9), utc(2026, 3, 2, 11), booking_id="x")
    grid = day_grid(clinic, [b], date(2026, 3, 2))
    chair_a, chair_b = grid.chairs
    assert [(i.kind, i.start, i.end) for i in chair_a.items] == [
        ("free", utc(2026, 3, 2, 7), utc(2026, 3, 2, 9)),
        ("booked", utc(2026, 3, 2, 9), utc(2026, 3, 2, 11)),
        ("free", utc(2026, 3, 2, 11), utc(2026, 3, 2, 17)),
    ]
    assert chair_a.items[1].booking == b
    assert [(i.kind, i.start, i.end) for i in chair_b.items] == [
        ("free", utc(2026, 3, 2, 7), utc(2026, 3, 2, 17))
    ]


def test_bookings_on_other_days_are_not_shown(clinic):
    grid = day_grid(clinic, [booking("A", utc(2026, 3, 3, 9), utc(2026, 3, 3, 11))], date(2026, 3, 2))
    assert all(i.kind == "free" for c in grid.chairs for i in c.items)


def test_a_closed_day_has_no_free_time_but_still_shows_stray_bookings(clinic):
    stray = booking("A", utc(2026, 3, 7, 9), utc(2026, 3, 7, 10))
    grid = day_grid(clinic, [stray], date(2026, 3, 7))
    assert grid.closed_reason and grid.opens is None
    assert [i.kind for i in grid.chairs[0].items] == ["booked"]
    assert grid.chairs[1].items == ()


def test_the_local_day_is_used_on_a_dst_sunday():
    clinic = calendar(hours={6: DayHours(time(8), time(18))})
    grid = day_grid(clinic, [], date(2026, 3, 29))  # spring forward: 08:00 CEST = 06:00 UTC
    assert (grid.opens, grid.closes) == (utc(2026, 3, 29, 6), utc(2026, 3, 29, 16))
