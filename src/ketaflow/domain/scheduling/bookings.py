"""Bookings, proposed slots and series requests as values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

from ketaflow.domain.errors import DomainValidationError


def utc_aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainValidationError(
            field, "naive datetime: the zone is ambiguous", "a timezone-aware datetime"
        )
    return value.astimezone(UTC)


@dataclass(frozen=True)
class Booking:
    """A chair held from `start` until `end`; `end` includes recovery, i.e. when the chair is free again."""

    chair_id: str
    start: datetime
    end: datetime
    plan_id: str | None = None
    booking_id: str | None = None
    session_index: int | None = None  # the plan session's number: sessions keep their order in time

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", utc_aware(self.start, "start"))
        object.__setattr__(self, "end", utc_aware(self.end, "end"))
        if not self.start < self.end:
            raise DomainValidationError("end", "booking ends before it starts", "end > start")

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class ProposedSlot:
    index: int  # 1-based session number in the series
    chair_id: str
    start: datetime
    session_end: datetime
    end: datetime  # after recovery: when the chair is free

    def as_booking(self, plan_id: str | None = None, booking_id: str | None = None) -> Booking:
        return Booking(self.chair_id, self.start, self.end, plan_id, booking_id)


@dataclass(frozen=True)
class SeriesRequest:
    n_sessions: int
    session_min: int
    recovery_min: int
    min_interval_h: int | Fraction  # start to start, elapsed hours
    window_days: int  # first to last session, counting both days: 10 daily sessions need 10
    # At most one session per local day, whatever min_interval_h allows: one visit per day per patient.
    earliest_start_day: date
    preferred_start: time  # local wall-clock
    consecutive_days: bool = False

    def __post_init__(self) -> None:
        checks = (
            ("n_sessions", self.n_sessions, 1, 60),
            ("session_min", self.session_min, 10, 720),
            ("recovery_min", self.recovery_min, 0, 240),
            ("window_days", self.window_days, 1, 366),
        )
        for name, value, low, high in checks:
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise DomainValidationError(name, f"{value!r} is out of range", f"whole number {low}–{high}")
        if not 0 < self.min_interval_h <= 24 * 60:
            raise DomainValidationError(
                "min_interval_h", f"{self.min_interval_h} is out of range", "> 0 and <= 1440"
            )
        # One patient cannot be in two chairs: the next session may not start before this one's recovery ends.
        if self.min_interval_h * 60 < self.occupied_min:
            raise DomainValidationError(
                "min_interval_h",
                "shorter than session plus recovery",
                f">= {Fraction(self.occupied_min, 60)} h",
            )
        if self.preferred_start.tzinfo is not None:
            raise DomainValidationError("preferred_start", "give a local wall-clock time without a zone")

    @property
    def occupied_min(self) -> int:
        return self.session_min + self.recovery_min

    @property
    def min_interval(self) -> timedelta:
        return timedelta(hours=float(Fraction(self.min_interval_h)))
