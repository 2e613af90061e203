"""Finding a free chair on one day: the one place slot-level rules live (hours, chair overlap, spacing)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ketaflow.domain.scheduling.bookings import Booking, ProposedSlot
from ketaflow.domain.scheduling.calendar import ClinicCalendar


@dataclass(frozen=True)
class DayAttempt:
    slot: ProposedSlot | None
    reason: str  # why nothing fits, when slot is None


class ChairOccupancy:
    """Busy intervals per chair, including slots this proposal has already taken."""

    def __init__(self, bookings: Iterable[Booking], ignore_booking_ids: Iterable[str] = ()):
        ignored = set(ignore_booking_ids)
        self._busy: dict[str, list[tuple[datetime, datetime]]] = {}
        for booking in bookings:
            if booking.booking_id is None or booking.booking_id not in ignored:
                self.add(booking.chair_id, booking.start, booking.end)

    def add(self, chair_id: str, start: datetime, end: datetime) -> None:
        self._busy.setdefault(chair_id, []).append((start, end))

    def is_free(self, chair_id: str, start: datetime, end: datetime) -> bool:
        return all(not (s < end and start < e) for s, e in self._busy.get(chair_id, ()))


def place_on_day(
    calendar: ClinicCalendar,
    occupancy: ChairOccupancy,
    day: date,
    *,
    index: int,
    session_min: int,
    recovery_min: int,
    not_before: datetime | None,
    preferred_start: time,
    prefer_earliest: bool,
    step_min: int,
) -> DayAttempt:
    """Best free (start, chair) on `day`: nearest the preferred local time, or the earliest one."""
    closed = calendar.closed_reason(day)
    if closed:
        return DayAttempt(None, closed)
    opens, closes = calendar.opening_utc(day)  # type: ignore[misc]
    occupied = timedelta(minutes=session_min + recovery_min)
    if opens + occupied > closes:
        return DayAttempt(
            None,
            f"a {session_min}+{recovery_min}-min session does not fit in opening hours on {day.isoformat()}",
        )
    step = timedelta(minutes=step_min)
    candidates: list[datetime] = []
    start = opens
    while start + occupied <= closes:
        if not_before is None or start >= not_before:
            candidates.append(start)
        start += step
    if not candidates:
        return DayAttempt(
            None, f"minimum interval since the previous session leaves no time on {day.isoformat()}"
        )
    if not prefer_earliest:
        target = calendar.local(day, preferred_start)
        candidates.sort(key=lambda s: (abs(s - target), s))
    for start in candidates:
        for chair_id in calendar.chair_ids:
            if occupancy.is_free(chair_id, start, start + occupied):
                return DayAttempt(
                    ProposedSlot(
                        index, chair_id, start, start + timedelta(minutes=session_min), start + occupied
                    ),
                    "",
                )
    return DayAttempt(None, f"every chair is booked on {day.isoformat()}")
