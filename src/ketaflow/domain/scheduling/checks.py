"""Check one booking or move before it is saved; every refusal says why."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Any

from ketaflow.domain.scheduling.bookings import Booking
from ketaflow.domain.scheduling.calendar import RULE_VERSION, ClinicCalendar
from ketaflow.domain.sources import Source

SOURCE = Source.clinic_policy(
    "booking checks: chair capacity, opening hours, closed days, plan spacing, window, session order", RULE_VERSION
)


@dataclass(frozen=True)
class Conflict:
    code: str  # unknown_chair | closed_day | outside_hours | chair_overlap | min_interval | outside_series_window
    # | session_order
    message: str


@dataclass(frozen=True)
class BookingCheck:
    ok: bool
    conflicts: tuple[Conflict, ...]
    inputs: dict[str, Any]
    rule_version: str = RULE_VERSION
    source: Source = SOURCE


def validate_booking(
    calendar: ClinicCalendar,
    bookings: Iterable[Booking],
    candidate: Booking,
    *,
    plan_sessions: Sequence[Booking] = (),
    min_interval_h: int | Fraction | None = None,
    window_days: int | None = None,
) -> BookingCheck:
    """A move is a candidate carrying the moved booking's `booking_id`: its old slot is not a conflict.

    `plan_sessions` are the other bookings of the same plan; spacing, window and order are checked against
    them (order only where the candidate and the sibling both carry a `session_index`).
    """
    conflicts: list[Conflict] = []
    if candidate.chair_id not in calendar.chair_ids:
        conflicts.append(Conflict("unknown_chair", f"chair {candidate.chair_id!r} does not exist"))
    day = calendar.local_day(candidate.start)
    closed = calendar.closed_reason(day)
    if closed:
        conflicts.append(Conflict("closed_day", closed))
    else:
        opens, closes = calendar.opening_utc(day)  # type: ignore[misc]
        if candidate.start < opens or candidate.end > closes:
            local = calendar.hours_by_weekday[day.weekday()]
            conflicts.append(
                Conflict(
                    "outside_hours",
                    f"{candidate.start.isoformat()}–{candidate.end.isoformat()} is outside opening hours "
                    f"{local.opens.isoformat('minutes')}–{local.closes.isoformat('minutes')} {calendar.zone_name} on "
                    f"{day.isoformat()}",
                )
            )
    same = candidate.booking_id
    for other in bookings:
        if same is not None and other.booking_id == same:
            continue
        if other.chair_id == candidate.chair_id and other.overlaps(candidate.start, candidate.end):
            conflicts.append(
                Conflict(
                    "chair_overlap",
                    f"chair {other.chair_id} is booked {other.start.isoformat()}–{other.end.isoformat()}",
                )
            )
    siblings = [b for b in plan_sessions if same is None or b.booking_id != same]
    if min_interval_h is not None:
        interval = timedelta(hours=float(Fraction(min_interval_h)))
        for other in siblings:
            if abs(other.start - candidate.start) < interval:
                conflicts.append(
                    Conflict(
                        "min_interval",
                        f"less than {min_interval_h} h from the plan's session at {other.start.isoformat()}",
                    )
                )
    conflicts.extend(_order_conflicts(calendar, candidate, siblings))
    if window_days is not None and siblings:
        days = [calendar.local_day(b.start) for b in siblings] + [day]
        span_days = (max(days) - min(days)).days + 1
        if span_days > window_days:
            conflicts.append(
                Conflict(
                    "outside_series_window",
                    f"the series would span {span_days} days ({min(days).isoformat()} to {max(days).isoformat()}); "
                    f"its window is {window_days} days",
                )
            )
    inputs = {
        "candidate": {
            "session_index": candidate.session_index,
            "chair_id": candidate.chair_id,
            "start": candidate.start.isoformat(),
            "end": candidate.end.isoformat(),
            "booking_id": candidate.booking_id,
            "plan_id": candidate.plan_id,
        },
        "zone_name": calendar.zone_name,
        "min_interval_h": None if min_interval_h is None else str(min_interval_h),
        "window_days": window_days,
        "plan_session_starts": sorted(b.start.isoformat() for b in siblings),
    }
    return BookingCheck(not conflicts, tuple(conflicts), inputs)


def _order_conflicts(calendar: ClinicCalendar, candidate: Booking, siblings: Sequence[Booking]) -> list[Conflict]:
    """Sessions keep their order: session n starts after every earlier-numbered session of the plan and before
    every later-numbered one (an escalating series raises the dose by session number; clinic policy)."""
    n = candidate.session_index
    if n is None:
        return []
    out = []
    for other in sorted((b for b in siblings if b.session_index is not None), key=lambda b: b.session_index):
        m = other.session_index
        wrong_side = (m < n and other.start >= candidate.start) or (m > n and other.start <= candidate.start)
        if wrong_side and m != n:
            when = other.start.astimezone(calendar.zone).strftime("%a %Y-%m-%d %H:%M")
            side = "after" if m < n else "before"
            out.append(
                Conflict(
                    "session_order",
                    f"session {n} must come {side} session {m} ({when} {calendar.zone_name}): "
                    "sessions keep their order",
                )
            )
    return out
