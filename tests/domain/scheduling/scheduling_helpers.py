"""Shared calendar and request builders for the scheduling tests."""

from datetime import UTC, date, datetime, time

from ketaflow.domain.scheduling.bookings import Booking, SeriesRequest
from ketaflow.domain.scheduling.calendar import ClinicCalendar, DayHours

BERLIN = "Europe/Berlin"
WEEKDAYS_8_TO_18 = {d: DayHours(time(8), time(18)) for d in range(5)}


def calendar(chairs=("A", "B"), hours=None, closed=()):
    return ClinicCalendar(
        tuple(chairs), hours if hours is not None else WEEKDAYS_8_TO_18, BERLIN, frozenset(closed)
    )


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def booking(chair, start, end, **kw):
    return Booking(chair, start, end, **kw)


def request(**kw):
    values = dict(
        n_sessions=6,
        session_min=120,
        recovery_min=30,
        min_interval_h=20,
        window_days=21,
        earliest_start_day=date(2026, 3, 2),
        preferred_start=time(9),
        consecutive_days=False,
    )
    values.update(kw)
    return SeriesRequest(**values)
