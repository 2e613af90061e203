"""ORM rows ↔ the scheduling domain's values (domain.scheduling), and a plan → its SeriesRequest."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from fractions import Fraction

from django.conf import settings

from ketaflow.clinic.plans.catalogue import profile_for
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.scheduling.models import Booking, Chair, ClosedDay, OpeningHours
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.scheduling.bookings import Booking as DomainBooking
from ketaflow.domain.scheduling.bookings import SeriesRequest
from ketaflow.domain.scheduling.calendar import ClinicCalendar, DayHours


def calendar_from(chairs: Iterable[Chair], hours: Iterable[OpeningHours], closed: Iterable[ClosedDay]) -> ClinicCalendar:
    chair_ids = tuple(c.code for c in chairs if c.active)
    if not chair_ids:
        raise DomainValidationError("chairs", "the clinic has no active chair; add one under Scheduling → Clinic setup")
    return ClinicCalendar(
        chair_ids=chair_ids,
        hours_by_weekday={h.weekday: DayHours(h.opens, h.closes) for h in hours},
        zone_name=settings.TIME_ZONE,
        closed_dates=frozenset(d.day for d in closed),
    )


def booking_to_domain(booking: Booking, chair_code: str | None = None, *, with_index: bool = False) -> DomainBooking:
    """`with_index`: carry the plan session's number (load `plan_session` with the row) for the order check."""
    return DomainBooking(
        chair_code or booking.chair.code, booking.start, booking.end, str(booking.plan_id), str(booking.pk),
        booking.plan_session.index if with_index else None,
    )


@dataclass(frozen=True)
class PlanSpacing:
    """The protocol's spacing for one plan, converted to the domain's start-to-start hours.

    The profiles state `interval_between_sessions_h` from the END of one infusion to the start of the next
    (see domain/dosing/rules.py course_results); the scheduler measures start to start, so the infusion's
    length is added. Proposals use the soft minimum (the protocol's usual spacing); a booking or move
    below the hard minimum is refused, between hard and soft it is kept with a warning.
    """

    soft_min_interval_h: Fraction
    hard_min_interval_h: Fraction
    session_min: int
    recovery_min: int
    window_days: int
    consecutive_days: bool
    protocol: str

    def as_dict(self) -> dict:
        return {
            "soft_min_interval_h_start_to_start": str(self.soft_min_interval_h),
            "hard_min_interval_h_start_to_start": str(self.hard_min_interval_h),
            "session_min": self.session_min, "recovery_min": self.recovery_min,
            "window_days": self.window_days, "consecutive_days": self.consecutive_days, "protocol": self.protocol,
        }  # fmt: skip


def plan_spacing(plan: Plan, session_minutes: Iterable[int]) -> PlanSpacing:
    profile = profile_for(plan.protocol_code)
    session_min = max(session_minutes, default=plan.duration_min)
    infusion_h = Fraction(session_min, 60)
    limit = profile.limit("interval_between_sessions_h")
    hard = Fraction(str(limit.hard_min)) if limit and limit.hard_min is not None else Fraction(0)
    soft = Fraction(str(limit.soft_min)) if limit and limit.soft_min is not None else hard
    recovery = int(profile.recovery_min_time_min.value) if profile.recovery_min_time_min else 0
    return PlanSpacing(
        soft_min_interval_h=soft + infusion_h, hard_min_interval_h=hard + infusion_h, session_min=session_min,
        recovery_min=recovery, window_days=plan.series_window_days, consecutive_days=plan.kind == "escalating",
        protocol=f"{profile.code}@{profile.version}",
    )  # fmt: skip


def series_request(spacing: PlanSpacing, *, n_sessions: int, earliest_start_day: date, preferred_start: time,
                   hard: bool = False) -> SeriesRequest:  # fmt: skip
    return SeriesRequest(
        n_sessions=n_sessions, session_min=spacing.session_min, recovery_min=spacing.recovery_min,
        min_interval_h=spacing.hard_min_interval_h if hard else spacing.soft_min_interval_h,
        window_days=spacing.window_days, earliest_start_day=earliest_start_day, preferred_start=preferred_start,
        consecutive_days=spacing.consecutive_days,
    )  # fmt: skip
