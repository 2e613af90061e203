"""Data for the day view: per chair, bookings and free gaps inside opening hours, in UTC."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from ketaflow.domain.scheduling.bookings import Booking
from ketaflow.domain.scheduling.calendar import ClinicCalendar


@dataclass(frozen=True)
class GridItem:
    start: datetime
    end: datetime
    kind: str  # "booked" | "free"
    booking: Booking | None = None


@dataclass(frozen=True)
class ChairDay:
    chair_id: str
    items: tuple[GridItem, ...]


@dataclass(frozen=True)
class DayGrid:
    day: date
    zone_name: str
    opens: datetime | None
    closes: datetime | None
    closed_reason: str | None
    chairs: tuple[ChairDay, ...]


def day_grid(calendar: ClinicCalendar, bookings: Iterable[Booking], day: date) -> DayGrid:
    """Bookings touching the local day are shown whole (even outside hours, so nothing hides);
    free gaps are only offered inside opening hours."""
    day_start, day_end = calendar.day_bounds_utc(day)
    hours = calendar.opening_utc(day)
    todays = sorted((b for b in bookings if b.overlaps(day_start, day_end)), key=lambda b: (b.start, b.end))
    chairs = []
    for chair_id in calendar.chair_ids:
        mine = [b for b in todays if b.chair_id == chair_id]
        items: list[GridItem] = []
        cursor = hours[0] if hours else None
        for booking in mine:
            if hours and cursor is not None and booking.start > cursor and cursor < hours[1]:
                items.append(GridItem(cursor, min(booking.start, hours[1]), "free"))
            items.append(GridItem(booking.start, booking.end, "booked", booking))
            if cursor is not None:
                cursor = max(cursor, booking.end)
        if hours and cursor is not None and cursor < hours[1]:
            items.append(GridItem(cursor, hours[1], "free"))
        chairs.append(ChairDay(chair_id, tuple(items)))
    opens, closes = hours if hours else (None, None)
    return DayGrid(day, calendar.zone_name, opens, closes, calendar.closed_reason(day), tuple(chairs))
