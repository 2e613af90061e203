"""Propose a whole series, or re-check that a (partly booked) series still fits its window."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ketaflow.domain.scheduling.bookings import Booking, ProposedSlot, SeriesRequest
from ketaflow.domain.scheduling.calendar import ClinicCalendar, SchedulingPolicy
from ketaflow.domain.scheduling.placement import ChairOccupancy, place_on_day
from ketaflow.domain.sources import Source


@dataclass(frozen=True)
class SeriesProposal:
    ok: bool
    slots: tuple[ProposedSlot, ...]
    reason: str  # why it failed; empty when ok
    notes: tuple[str, ...]  # e.g. why the earliest start day itself did not work
    inputs: dict[str, Any]
    rule_version: str
    source: Source


def request_inputs(
    calendar: ClinicCalendar, request: SeriesRequest, policy: SchedulingPolicy
) -> dict[str, Any]:
    return {
        "zone_name": calendar.zone_name,
        "chair_ids": list(calendar.chair_ids),
        "n_sessions": request.n_sessions,
        "session_min": request.session_min,
        "recovery_min": request.recovery_min,
        "min_interval_h": str(request.min_interval_h),
        "window_days": request.window_days,
        "earliest_start_day": request.earliest_start_day.isoformat(),
        "preferred_start": request.preferred_start.isoformat(),
        "consecutive_days": request.consecutive_days,
        "consecutive_skips_closed_days": policy.consecutive_skips_closed_days,
        "slot_step_min": policy.slot_step_min,
        "search_horizon_days": policy.search_horizon_days,
    }


def _extend(
    calendar: ClinicCalendar,
    occupancy: ChairOccupancy,
    request: SeriesRequest,
    policy: SchedulingPolicy,
    *,
    first_day: date,
    previous: datetime | None,
    from_day: date,
    first_index: int,
    count: int,
    prefer_earliest: bool,
) -> tuple[list[ProposedSlot], str]:
    """Place `count` sessions from `from_day` on; the window is anchored on `first_day`. Returns slots, failure."""
    last_allowed = first_day + timedelta(days=request.window_days - 1)
    slots: list[ProposedSlot] = []
    skipped_closed: list[date] = []
    day = from_day
    while len(slots) < count:
        index = first_index + len(slots)
        if day > last_allowed:
            closed = (
                f"; clinic closed on {', '.join(d.isoformat() for d in skipped_closed)}"
                if skipped_closed
                else ""
            )
            return slots, (
                f"series of {request.n_sessions} cannot fit in {request.window_days} days from "
                f"{first_day.isoformat()}: session {index} would fall after {last_allowed.isoformat()}"
                f"{closed}"
            )
        not_before = None if previous is None else previous + request.min_interval
        attempt = place_on_day(
            calendar,
            occupancy,
            day,
            index=index,
            session_min=request.session_min,
            recovery_min=request.recovery_min,
            not_before=not_before,
            preferred_start=request.preferred_start,
            prefer_earliest=prefer_earliest,
            step_min=policy.slot_step_min,
        )
        if attempt.slot is not None:
            slots.append(attempt.slot)
            occupancy.add(attempt.slot.chair_id, attempt.slot.start, attempt.slot.end)
            previous = attempt.slot.start
        elif not calendar.is_open(day):
            if request.consecutive_days and not policy.consecutive_skips_closed_days and (slots or index > 1):
                return (
                    slots,
                    f"consecutive series broken: {attempt.reason} (policy: closed days break a series)",
                )
            skipped_closed.append(day)
        elif request.consecutive_days and (slots or index > 1):
            return slots, f"consecutive series broken at session {index}: {attempt.reason}"
        elif index == 1:
            return slots, f"no slot for session 1 on {day.isoformat()}: {attempt.reason}"
        day += timedelta(days=1)
    return slots, ""


def propose_series(
    calendar: ClinicCalendar,
    bookings: Iterable[Booking],
    request: SeriesRequest,
    policy: SchedulingPolicy | None = None,
) -> SeriesProposal:
    """First feasible series, trying start days from `earliest_start_day` up to the search horizon.

    On each day the slot nearest the preferred time is taken; if that greedy choice fails for a start
    day, the earliest-slot choice is tried too, because earliest-first never loses a feasible series.
    """
    policy = policy or SchedulingPolicy()
    bookings = tuple(bookings)
    inputs = request_inputs(calendar, request, policy)
    first_failure = ""
    last_first_day = request.earliest_start_day + timedelta(days=policy.search_horizon_days)
    first_day = request.earliest_start_day
    while first_day <= last_first_day:
        if calendar.is_open(first_day):
            for prefer_earliest in (False, True):
                slots, failure = _extend(
                    calendar,
                    ChairOccupancy(bookings),
                    request,
                    policy,
                    first_day=first_day,
                    previous=None,
                    from_day=first_day,
                    first_index=1,
                    count=request.n_sessions,
                    prefer_earliest=prefer_earliest,
                )
                if not failure:
                    notes = (
                        ()
                        if not first_failure
                        else (
                            f"earliest start day does not fit: {first_failure}; first fit starts {first_day.isoformat()}",
                        )
                    )
                    return SeriesProposal(
                        True, tuple(slots), "", notes, inputs, policy.version, policy.source
                    )
            first_failure = first_failure or failure
        else:
            first_failure = first_failure or f"{calendar.closed_reason(first_day)} (earliest start day)"
        first_day += timedelta(days=1)
    reason = (
        f"{first_failure}; no start day from {request.earliest_start_day.isoformat()} to "
        f"{last_first_day.isoformat()} fits either"
    )
    return SeriesProposal(False, (), reason, (), inputs, policy.version, policy.source)


@dataclass(frozen=True)
class SeriesFit:
    fits: bool
    problems: tuple[str, ...]
    remaining: tuple[ProposedSlot, ...]  # a possible placement of the sessions not yet booked
    inputs: dict[str, Any]
    rule_version: str
    source: Source


def _consecutive_gaps(
    calendar: ClinicCalendar, sessions: Sequence[Booking], policy: SchedulingPolicy
) -> list[str]:
    """Days between two booked sessions that a consecutive series should have used."""
    problems = []
    for before, after in zip(sessions, sessions[1:], strict=False):
        day, end = calendar.local_day(before.start) + timedelta(days=1), calendar.local_day(after.start)
        while day < end:
            if calendar.is_open(day) or not policy.consecutive_skips_closed_days:
                problems.append(
                    f"consecutive series has a gap on {day.isoformat()} between sessions on "
                    f"{calendar.local_day(before.start).isoformat()} and {end.isoformat()}"
                )
                break
            day += timedelta(days=1)
    return problems


def _order_problems(sessions: Sequence[Booking], unbooked_indexes: Sequence[int]) -> list[str]:
    """Booked sessions (sorted by start) out of number order, and unbooked numbers below a booked one."""
    problems = []
    numbered = [b.session_index for b in sessions if b.session_index is not None]
    for before, after in zip(numbered, numbered[1:], strict=False):
        if after < before:
            problems.append(f"session {after} is booked after session {before}: sessions keep their order")
    if numbered and unbooked_indexes:
        stranded = sorted(i for i in unbooked_indexes if i < max(numbered))
        if stranded:
            later = sorted(i for i in numbered if i > stranded[0])
            problems.append(
                f"session {', '.join(map(str, stranded))} is not booked but later session "
                f"{', '.join(map(str, later))} is: sessions keep their order, so move the later sessions "
                f"(or book session {stranded[0]} between them) first"
            )
    return problems


def series_fits(
    calendar: ClinicCalendar,
    bookings: Iterable[Booking],
    plan_sessions: Sequence[Booking],
    request: SeriesRequest,
    policy: SchedulingPolicy | None = None,
    *,
    unbooked_indexes: Sequence[int] = (),
) -> SeriesFit:
    """After a move or cancellation: do the booked sessions still respect spacing, window and order, and can
    the sessions not yet booked still be placed before the window (anchored on the first session) closes?

    New sessions are placed after the last booked one, so an unbooked session numbered below a booked one
    (session 4 cancelled, 5-10 booked) cannot be proposed: sessions keep their order (clinic policy). Order is
    checked only for bookings that carry a `session_index` (the caller leaves it out where order is free)."""
    policy = policy or SchedulingPolicy()
    sessions = sorted(plan_sessions, key=lambda b: b.start)
    inputs = request_inputs(calendar, request, policy) | {
        "plan_sessions": [
            {
                "chair_id": b.chair_id,
                "start": b.start.isoformat(),
                "end": b.end.isoformat(),
                "booking_id": b.booking_id,
            }
            for b in sessions
        ],
    }

    def result(problems, remaining=()):
        return SeriesFit(
            not problems, tuple(problems), tuple(remaining), inputs, policy.version, policy.source
        )

    if not sessions:
        proposal = propose_series(calendar, bookings, request, policy)
        return result([] if proposal.ok else [proposal.reason], proposal.slots)
    problems: list[str] = []
    if len(sessions) > request.n_sessions:
        problems.append(f"{len(sessions)} sessions booked for a series of {request.n_sessions}")
    first_day = calendar.local_day(sessions[0].start)
    last_allowed = first_day + timedelta(days=request.window_days - 1)
    for before, after in zip(sessions, sessions[1:], strict=False):
        if after.start - before.start < request.min_interval:
            problems.append(
                f"sessions at {before.start.isoformat()} and {after.start.isoformat()} are less than "
                f"{request.min_interval_h} h apart"
            )
    if request.consecutive_days:
        problems.extend(_consecutive_gaps(calendar, sessions, policy))
    for session in sessions:
        if calendar.local_day(session.start) > last_allowed:
            problems.append(
                f"session at {session.start.isoformat()} is outside the {request.window_days}-day "
                f"window ending {last_allowed.isoformat()}"
            )
    remaining: list[ProposedSlot] = []
    missing = request.n_sessions - len(sessions)
    if missing > 0 and not problems:
        for prefer_earliest in (False, True):
            remaining, failure = _extend(
                calendar,
                ChairOccupancy(bookings),
                request,
                policy,
                first_day=first_day,
                previous=sessions[-1].start,
                from_day=calendar.local_day(sessions[-1].start) + timedelta(days=1),
                first_index=len(sessions) + 1,
                count=missing,
                prefer_earliest=prefer_earliest,
            )
            if not failure:
                break
        if failure:
            problems.append(f"the series can no longer fit its window: {failure}")
            remaining = []
    order = _order_problems(sessions, unbooked_indexes)
    return result(problems + order, () if order else remaining)
