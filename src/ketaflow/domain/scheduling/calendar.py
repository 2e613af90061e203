"""The clinic's calendar: chairs, opening hours per weekday in a named zone, and closed dates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

RULE_VERSION = "scheduling-2026.12.1"  # .12.1: sessions keep their order (session_order)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class DayHours:
    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise DomainValidationError("opening_hours", "give local wall-clock times without a zone")
        if not self.opens < self.closes:
            raise DomainValidationError(
                "opening_hours",
                f"opens {self.opens} is not before closes {self.closes}",
                "opens < closes, same day",
            )


@dataclass(frozen=True)
class ClinicCalendar:
    chair_ids: tuple[str, ...]
    hours_by_weekday: Mapping[int, DayHours]  # 0 = Monday; a weekday missing here is closed
    zone_name: str
    closed_dates: frozenset[date] = frozenset()
    zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.chair_ids or len(set(self.chair_ids)) != len(self.chair_ids):
            raise DomainValidationError("chair_ids", "need at least one chair and no duplicates")
        for weekday in self.hours_by_weekday:
            if weekday not in range(7):
                raise DomainValidationError(
                    "hours_by_weekday", f"weekday {weekday!r} unknown", "0 (Monday)–6 (Sunday)"
                )
        try:
            zone = ZoneInfo(self.zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise DomainValidationError(
                "zone_name",
                f"{self.zone_name!r} is not a known time zone",
                "an IANA name such as Europe/Berlin",
            ) from None
        object.__setattr__(self, "zone", zone)
        object.__setattr__(self, "closed_dates", frozenset(self.closed_dates))

    def closed_reason(self, day: date) -> str | None:
        if day in self.closed_dates:
            return f"clinic closed on {day.isoformat()}"
        if day.weekday() not in self.hours_by_weekday:
            return f"clinic closed on {WEEKDAYS[day.weekday()]}s ({day.isoformat()})"
        return None

    def is_open(self, day: date) -> bool:
        return self.closed_reason(day) is None

    def local(self, day: date, at: time) -> datetime:
        """Local wall-clock time → UTC. zoneinfo resolves a skipped time (spring forward) with fold=0."""
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    def opening_utc(self, day: date) -> tuple[datetime, datetime] | None:
        if not self.is_open(day):
            return None
        hours = self.hours_by_weekday[day.weekday()]
        return self.local(day, hours.opens), self.local(day, hours.closes)

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def day_bounds_utc(self, day: date) -> tuple[datetime, datetime]:
        return self.local(day, time(0)), self.local(day + timedelta(days=1), time(0))


@dataclass(frozen=True)
class SchedulingPolicy:
    """Labelled defaults a clinic may change."""

    # A "consecutive-day" series skips days the clinic is closed (a weekend does not break it).
    consecutive_skips_closed_days: bool = True
    slot_step_min: int = 15
    search_horizon_days: int = 60  # how far past the earliest start day the first session may go
    version: str = RULE_VERSION
    source: Source = field(
        default_factory=lambda: Source.clinic_policy(
            "consecutive-day series count consecutive open days; slots on a 15-min grid; first session "
            "within 60 days of the earliest start; min interval measured start to start in elapsed hours",
            RULE_VERSION,
        )
    )

    def __post_init__(self) -> None:
        if not 1 <= self.slot_step_min <= 120:
            raise DomainValidationError("slot_step_min", f"{self.slot_step_min} is out of range", "1–120")
        if not 0 <= self.search_horizon_days <= 366:
            raise DomainValidationError(
                "search_horizon_days", f"{self.search_horizon_days} is out of range", "0–366"
            )
