"""Writes for scheduling: the clinic's calendar, and booking, moving and cancelling a plan's sessions.

The domain (domain.scheduling) proposes and decides; this file loads, maps, calls it, saves and audits,
each write in one transaction. Booking writes lock the chair rows first, so two desks booking the same
chair at once are serialised (PostgreSQL row locks; SQLite's IMMEDIATE transactions do it anyway) and the
check that passed is still true when the row is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.plans.models import Plan, PlanSession
from ketaflow.clinic.scheduling import selectors
from ketaflow.clinic.scheduling.mappers import (
    PlanSpacing,
    booking_to_domain,
    plan_spacing,
    series_request,
)
from ketaflow.clinic.scheduling.models import Booking, Chair, ClosedDay, OpeningHours
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.scheduling.bookings import Booking as DomainBooking
from ketaflow.domain.scheduling.calendar import RULE_VERSION, WEEKDAYS, ClinicCalendar, DayHours
from ketaflow.domain.scheduling.checks import validate_booking
from ketaflow.domain.scheduling.series import SeriesFit, propose_series, series_fits

HORIZON_DAYS = 60 + 366  # how far ahead bookings are loaded for a proposal (search horizon + longest window)


def default_preferred_start() -> time:
    """Clinic policy: with no stated preference a series starts at opening time. Measured on the demo clinic
    (08:00-18:00, 5-h visits): preferring 09:00 leaves 08:00-09:00 and 14:00-18:00, each too short for a
    second visit, so each chair took one series; preferring opening time fits two visits a chair a day."""
    opens = OpeningHours.objects.order_by("opens").values_list("opens", flat=True).first()
    return opens or time(8, 0)


# --- the clinic's calendar ---------------------------------------------------------------------


def chair_save(*, actor, request=None, chair: Chair | None = None, code: str, name: str = "", position: int = 0,
               active: bool = True) -> Chair:  # fmt: skip
    code = code.strip()
    if not code:
        raise DomainValidationError("code", "is required", "a short name such as C1")
    if Chair.objects.filter(code__iexact=code).exclude(pk=chair.pk if chair else None).exists():
        raise DomainValidationError("code", f"a chair named {code!r} already exists", "a unique short name")
    with transaction.atomic():
        if chair is not None and not active and chair.active:
            future = Booking.objects.filter(chair=chair, status=Booking.Status.BOOKED, end__gt=timezone.now())
            if future.exists():
                raise DomainValidationError(
                    "active", f"chair {chair.code} has {future.count()} upcoming booking(s); move them first"
                )
        chair = chair or Chair()
        chair.code, chair.name, chair.position, chair.active = code, name.strip(), position, active
        chair.save()
        audit_record(actor=actor, action="schedule.chair_save", request=request, object_type="chair",
                     object_id=chair.pk, detail={"code": code, "active": active})  # fmt: skip
    return chair


def opening_hours_set(*, actor, request=None, hours: dict[int, tuple[time, time] | None]) -> None:
    """Replace the weekly hours; `None` closes that weekday. The domain checks each day (opens < closes)."""
    for weekday, span in hours.items():
        if weekday not in range(7):
            raise DomainValidationError("weekday", f"{weekday!r} unknown", "0 (Monday)–6 (Sunday)")
        if span is not None:
            try:
                DayHours(*span)
            except DomainValidationError as exc:
                raise DomainValidationError(f"hours_{weekday}", f"{WEEKDAYS[weekday]}: {exc.message}", exc.allowed) from None
    with transaction.atomic():
        _refuse_hours_that_strand_bookings(hours)
        for weekday, span in hours.items():
            if span is None:
                OpeningHours.objects.filter(weekday=weekday).delete()
            else:
                OpeningHours.objects.update_or_create(weekday=weekday, defaults={"opens": span[0], "closes": span[1]})
        audit_record(actor=actor, action="schedule.hours_set", request=request, object_type="opening_hours",
                     detail={WEEKDAYS[d]: (f"{s[0]:%H:%M}–{s[1]:%H:%M}" if s else "closed")
                             for d, s in sorted(hours.items())})  # fmt: skip


def _refuse_hours_that_strand_bookings(hours: dict[int, tuple[time, time] | None]) -> None:
    """New hours may not leave an upcoming booking on a closed weekday or outside the hours (domain check)."""
    current = selectors.clinic_calendar(from_day=timezone.localdate())
    merged = dict(current.hours_by_weekday)
    for weekday, span in hours.items():
        merged.pop(weekday, None)
        if span is not None:
            merged[weekday] = DayHours(*span)
    proposed = ClinicCalendar(current.chair_ids, merged, current.zone_name, current.closed_dates)
    stranded = []
    for b in Booking.objects.filter(status=Booking.Status.BOOKED, end__gt=timezone.now()).select_related("chair"):
        check = validate_booking(proposed, (), booking_to_domain(b))
        stranded += [c.message for c in check.conflicts if c.code in ("closed_day", "outside_hours")]
    if stranded:
        raise DomainValidationError(
            "opening_hours", f"{len(stranded)} upcoming booking(s) would fall outside the new hours, e.g. {stranded[0]}; "
            "move them first",
        )  # fmt: skip


def closed_day_add(*, actor, request=None, day: date, reason: str = "") -> ClosedDay:
    require_calendar_year("day", day)
    live = Booking.objects.filter(status=Booking.Status.BOOKED)
    calendar = selectors.clinic_calendar()
    start, end = calendar.day_bounds_utc(day)
    if live.filter(start__lt=end, end__gt=start).exists():
        raise DomainValidationError("day", f"{day.isoformat()} has bookings; move or cancel them before closing it")
    with transaction.atomic():
        closed, _ = ClosedDay.objects.update_or_create(day=day, defaults={"reason": reason.strip()})
        audit_record(actor=actor, action="schedule.closed_day_add", request=request, object_type="closed_day",
                     object_id=closed.pk, detail={"day": day.isoformat(), "reason": reason.strip()})  # fmt: skip
    return closed


def closed_day_remove(*, actor, request=None, closed: ClosedDay) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="schedule.closed_day_remove", request=request, object_type="closed_day",
                     object_id=closed.pk, detail={"day": closed.day.isoformat()})  # fmt: skip
        closed.delete()


# --- proposals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A place for one planned session: what a proposal offers and what staff accept."""

    index: int  # PlanSession.index
    chair: str  # Chair.code
    start: datetime
    session_end: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class Proposal:
    ok: bool
    slots: tuple[Slot, ...]
    reason: str
    notes: tuple[str, ...]
    spacing: PlanSpacing
    earliest_start_day: date
    preferred_start: time
    rule_version: str = RULE_VERSION
    inputs: dict = field(default_factory=dict)


def _require_signed(plan: Plan) -> None:
    if plan.status != Plan.Status.SIGNED:
        raise DomainValidationError("plan", f"is {plan.get_status_display().lower()}; only a signed plan can be booked")


def _sessions(plan: Plan) -> dict[int, PlanSession]:
    return {s.index: s for s in plan.sessions.all()}


def keeps_order(plan: Plan) -> bool:
    """Clinic policy: a plan whose session doses differ (an escalating series) keeps its sessions in number
    order, so a higher dose never comes before a lower one; sessions of equal dose may swap places."""
    return len({s.dose_value for s in plan.sessions.all()}) > 1


def _index(plan: Plan, index: int) -> int | None:
    """The session number the order check sees (none where the order is free)."""
    return index if keeps_order(plan) else None


def _plan_domain_bookings(plan: Plan, calendar: ClinicCalendar) -> list[DomainBooking]:
    return [booking_to_domain(b, with_index=keeps_order(plan)) for b in selectors.bookings_for_plan(plan=plan)]


def earliest_bookable_day(plan: Plan, today: date | None = None) -> date:
    """Clinic policy: a series is booked from tomorrow at the earliest, never before the plan's start date."""
    today = today or timezone.localdate()
    return max(plan.start_date, today + timedelta(days=1))


# Dates a clinic calendar works with. Outside them, date arithmetic near year 1 or 9999 overflows (found by
# checks/fuzz_api.py: OverflowError, a 500, for a booking in year 9999); the API refuses them at its edge too.
CALENDAR_YEARS = (2000, 2100)


def require_calendar_year(field: str, value: date | datetime) -> None:
    if not CALENDAR_YEARS[0] <= value.year <= CALENDAR_YEARS[1]:
        raise DomainValidationError(field, f"year {value.year} is out of range", f"years {CALENDAR_YEARS[0]}–{CALENDAR_YEARS[1]}")


def booking_propose(*, plan: Plan, earliest_start_day: date | None = None, preferred_start: time | None = None,
                    now: datetime | None = None) -> Proposal:  # fmt: skip
    """Dates for the plan's sessions that are not booked yet (all of them for a new series)."""
    _require_signed(plan)
    now = now or timezone.now()
    today = timezone.localdate(now)
    earliest = earliest_start_day or earliest_bookable_day(plan, today)
    require_calendar_year("earliest_start_day", earliest)
    if earliest <= today:
        raise DomainValidationError("earliest_start_day", "must be after today", f"from {today + timedelta(days=1)}")
    preferred = preferred_start or default_preferred_start()
    sessions = _sessions(plan)
    spacing = plan_spacing(plan, (s.duration_min for s in sessions.values()))
    calendar = selectors.clinic_calendar()
    booked = selectors.bookings_for_plan(plan=plan)
    missing = sorted(set(sessions) - {b.plan_session.index for b in booked})
    common = {"spacing": spacing, "earliest_start_day": earliest, "preferred_start": preferred}
    if not missing:
        return Proposal(False, (), "every session of this plan is already booked", (), **common)
    window_end = calendar.local(earliest + timedelta(days=HORIZON_DAYS), time(0))
    near = list(selectors.live_bookings_between(calendar.local(earliest, time(0)) - timedelta(days=1), window_end))
    others = [booking_to_domain(b) for b in near if b.plan_id != plan.pk]
    # The patient's visits for another plan (an older version, a booster): no chair is offered to this patient
    # on those days. The accept re-checks the protocol's spacing against them anyway.
    for b in near:
        if b.patient_id == plan.patient_id and b.plan_id != plan.pk:
            day_start, day_end = calendar.day_bounds_utc(calendar.local_day(b.start))
            others += [DomainBooking(chair, day_start, day_end) for chair in calendar.chair_ids]
    if not booked:
        request = series_request(spacing, n_sessions=len(missing), earliest_start_day=earliest, preferred_start=preferred)
        result = propose_series(calendar, others, request)
        slots = [(missing[s.index - 1], s) for s in result.slots]
        return Proposal(result.ok, tuple(_slot(i, s) for i, s in slots), result.reason, result.notes,
                        inputs=result.inputs, **common)  # fmt: skip
    mine = [booking_to_domain(b, with_index=keeps_order(plan)) for b in booked]
    fit = None
    for hard in (False, True):
        request = series_request(spacing, n_sessions=plan.n_sessions, earliest_start_day=earliest,
                                 preferred_start=preferred, hard=hard)  # fmt: skip
        fit = series_fits(calendar, others, mine, request, unbooked_indexes=missing if keeps_order(plan) else ())
        if fit.fits:
            break
    assert fit is not None
    remaining = sorted(fit.remaining, key=lambda s: s.start)
    problems = list(fit.problems)
    if fit.fits and any(s.start <= now for s in remaining):
        problems.append("the remaining sessions would have to be in the past")
    if problems:
        return Proposal(False, (), "; ".join(problems), (), inputs=fit.inputs, **common)
    return Proposal(True, tuple(_slot(i, s) for i, s in zip(missing, remaining, strict=True)), "", (),
                    inputs=fit.inputs, **common)  # fmt: skip


def _slot(index: int, proposed) -> Slot:
    return Slot(index, proposed.chair_id, proposed.start, proposed.session_end, proposed.end)


# --- accept, move, cancel ------------------------------------------------------------------------


def _lock_chairs() -> dict[str, Chair]:
    return {c.code: c for c in Chair.objects.select_for_update().order_by("pk")}


def _check(calendar, *, candidate: DomainBooking, spacing: PlanSpacing, now: datetime,
           plan_sessions: list[DomainBooking], others: list[DomainBooking],
           patient_other: list[DomainBooking]) -> tuple[list[str], list[str]]:  # fmt: skip
    """Refusals (chair, hours, hard spacing, window, the patient's other plans) and warnings (soft spacing)."""
    if candidate.start <= now:
        return [f"{candidate.start.isoformat()} is in the past"], []
    hard = validate_booking(calendar, others, candidate, plan_sessions=plan_sessions,
                            min_interval_h=spacing.hard_min_interval_h, window_days=spacing.window_days)  # fmt: skip
    refusals = [c.message for c in hard.conflicts]
    # The patient's sessions of other plans (an older version, a booster) keep the protocol's spacing too.
    if patient_other:
        cross = validate_booking(calendar, (), candidate, plan_sessions=patient_other,
                                 min_interval_h=spacing.hard_min_interval_h)  # fmt: skip
        refusals += [f"the patient's other plan: {c.message}" for c in cross.conflicts if c.code == "min_interval"]
    soft = validate_booking(calendar, (), candidate, plan_sessions=plan_sessions, min_interval_h=spacing.soft_min_interval_h)
    warnings = [f"below the protocol's usual spacing ({spacing.soft_min_interval_h} h start to start): {c.message}"
                for c in soft.conflicts if c.code == "min_interval"] if not refusals else []  # fmt: skip
    return refusals, warnings


def _load_context(plan: Plan, start: datetime, end: datetime):
    """The calendar, other plans' bookings near [start, end), and which of those are this patient's."""
    calendar = selectors.clinic_calendar()
    near = list(selectors.live_bookings_between(start - timedelta(days=2), end + timedelta(days=2)))
    others = [booking_to_domain(b) for b in near if b.plan_id != plan.pk]
    patient_other = [booking_to_domain(b) for b in near if b.patient_id == plan.patient_id and b.plan_id != plan.pk]
    return calendar, others, patient_other


def _fit(plan: Plan, spacing: PlanSpacing, calendar: ClinicCalendar) -> SeriesFit:
    mine = _plan_domain_bookings(plan, calendar)
    if not mine:
        return SeriesFit(True, (), (), {}, RULE_VERSION, None)  # type: ignore[arg-type]
    first = min(b.start for b in mine)
    others = [booking_to_domain(b) for b in selectors.live_bookings_between(first, first + timedelta(days=spacing.window_days + 2))
              if b.plan_id != plan.pk]  # fmt: skip
    request = series_request(spacing, n_sessions=plan.n_sessions, earliest_start_day=calendar.local_day(first),
                             preferred_start=default_preferred_start(), hard=True)  # fmt: skip
    booked = {b.plan_session.index for b in selectors.bookings_for_plan(plan=plan)}
    unbooked = sorted(set(_sessions(plan)) - booked) if keeps_order(plan) else []
    return series_fits(calendar, others, mine, request, unbooked_indexes=unbooked)


def plan_series_fit(*, plan: Plan) -> SeriesFit:
    """Can the plan's booked sessions still make a whole series inside its window? (read; no audit)"""
    spacing = plan_spacing(plan, (s.duration_min for s in plan.sessions.all()))
    return _fit(plan, spacing, selectors.clinic_calendar())


@dataclass(frozen=True)
class BookingResult:
    bookings: tuple[Booking, ...]
    warnings: tuple[str, ...]
    fit: SeriesFit


def booking_series_accept(*, actor, request=None, plan: Plan, slots: list[Slot], now: datetime | None = None) -> BookingResult:
    """Book the accepted slots (usually a proposal, possibly edited) in one transaction, each re-checked."""
    _require_signed(plan)
    now = now or timezone.now()
    if not slots:
        raise DomainValidationError("slots", "no session to book", "one slot per unbooked session")
    for n, slot in enumerate(slots):
        require_calendar_year(f"slots[{n}].start", slot.start)
    sessions = _sessions(plan)
    indexes = [s.index for s in slots]
    unknown = sorted(set(indexes) - set(sessions))
    if unknown or len(set(indexes)) != len(indexes):
        raise DomainValidationError("slots", f"session numbers {indexes} are unknown or repeated", f"1–{len(sessions)}, each once")
    spacing = plan_spacing(plan, (s.duration_min for s in sessions.values()))
    occupied = timedelta(minutes=spacing.session_min + spacing.recovery_min)
    ordered = sorted(slots, key=lambda s: s.start)
    with transaction.atomic():
        chairs = _lock_chairs()
        calendar, others, patient_other = _load_context(plan, ordered[0].start, ordered[-1].start + occupied)
        mine = _plan_domain_bookings(plan, calendar)
        already = {b.plan_session.index for b in selectors.bookings_for_plan(plan=plan)}
        taken = sorted(already & set(indexes))
        if taken:
            raise DomainValidationError("slots", f"session(s) {taken} are already booked; move them instead")
        refusals, warnings, created = [], [], []
        for slot in ordered:
            candidate = DomainBooking(slot.chair, slot.start, slot.start + occupied, str(plan.pk), None, _index(plan, slot.index))
            bad, warn = _check(calendar, candidate=candidate, spacing=spacing, now=now, plan_sessions=mine,
                               others=others, patient_other=patient_other)  # fmt: skip
            refusals += [f"session {slot.index}: {m}" for m in bad]
            warnings += [f"session {slot.index}: {m}" for m in warn]
            mine.append(candidate)
            others.append(candidate)
        if refusals:
            raise DomainValidationError("slots", "; ".join(refusals))
        for slot in ordered:
            session = sessions[slot.index]
            created.append(Booking(
                plan=plan, plan_session=session, patient_id=plan.patient_id, chair=chairs[slot.chair],
                start=slot.start, session_end=slot.start + timedelta(minutes=session.duration_min),
                end=slot.start + occupied, created_by=actor, rule_version=RULE_VERSION,
            ))  # fmt: skip
        try:
            with transaction.atomic():
                Booking.objects.bulk_create(created)
        except IntegrityError:
            raise DomainValidationError("slots", "a session was booked by someone else meanwhile; propose again") from None
        fit = _fit(plan, spacing, calendar)
        audit_record(
            actor=actor, action="booking.accept", request=request, object_type="plan", object_id=plan.pk,
            patient_id=plan.patient_id,
            detail={"slots": [{"session": s.index, "chair": s.chair, "start": s.start.isoformat()} for s in ordered],
                    "warnings": warnings, "series_fits": fit.fits, "problems": list(fit.problems),
                    "spacing": spacing.as_dict(), "rule_version": RULE_VERSION},
        )  # fmt: skip
    created = selectors.bookings_for_plan(plan=plan)
    return BookingResult(tuple(b for b in created if b.plan_session.index in indexes), tuple(warnings), fit)


def booking_move(*, actor, request=None, booking: Booking, chair: str, start: datetime,
                 now: datetime | None = None) -> BookingResult:  # fmt: skip
    """Move one booked session; refused with the domain's reasons, then the series is re-checked."""
    now = now or timezone.now()
    require_calendar_year("start", start)
    if booking.status != Booking.Status.BOOKED:
        raise DomainValidationError("booking", "is cancelled; book the session again instead")
    plan = booking.plan
    spacing = plan_spacing(plan, (s.duration_min for s in plan.sessions.all()))
    occupied = timedelta(minutes=spacing.session_min + spacing.recovery_min)
    with transaction.atomic():
        chairs = _lock_chairs()
        current = Booking.objects.get(pk=booking.pk)
        if current.status != Booking.Status.BOOKED:
            raise DomainValidationError("booking", "was cancelled meanwhile")
        calendar, others, patient_other = _load_context(plan, start, start + occupied)
        mine = [b for b in _plan_domain_bookings(plan, calendar) if b.booking_id != str(booking.pk)]
        candidate = DomainBooking(chair, start, start + occupied, str(plan.pk), str(booking.pk),
                                  _index(plan, booking.plan_session.index))
        refusals, warnings = _check(calendar, candidate=candidate, spacing=spacing, now=now, plan_sessions=mine,
                                    others=others, patient_other=patient_other)  # fmt: skip
        if refusals:
            raise DomainValidationError("start" if chair in chairs else "chair", "; ".join(refusals))
        before = {"chair": current.chair.code if current.chair_id else "", "start": current.start.isoformat()}
        Booking.objects.filter(pk=booking.pk).update(
            chair=chairs[chair], start=start, session_end=start + timedelta(minutes=booking.plan_session.duration_min),
            end=start + occupied, updated_at=timezone.now(), rule_version=RULE_VERSION,
        )  # fmt: skip
        fit = _fit(plan, spacing, calendar)
        audit_record(
            actor=actor, action="booking.move", request=request, object_type="booking", object_id=booking.pk,
            patient_id=plan.patient_id,
            detail={"from": before, "to": {"chair": chair, "start": start.isoformat()}, "warnings": warnings,
                    "series_fits": fit.fits, "problems": list(fit.problems), "rule_version": RULE_VERSION},
        )  # fmt: skip
    return BookingResult((selectors.booking_get(booking_id=booking.pk),), tuple(warnings), fit)


def booking_cancel(*, actor, request=None, booking: Booking, reason: str) -> BookingResult:
    reason = (reason or "").strip()
    if not reason:
        raise DomainValidationError("reason", "is required: say why the session is cancelled")
    with transaction.atomic():
        updated = Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).update(
            status=Booking.Status.CANCELLED, cancel_reason=reason[:200], updated_at=timezone.now()
        )
        if not updated:
            raise DomainValidationError("booking", "is already cancelled")
        plan = booking.plan
        spacing = plan_spacing(plan, (s.duration_min for s in plan.sessions.all()))
        fit = _fit(plan, spacing, selectors.clinic_calendar())
        audit_record(
            actor=actor, action="booking.cancel", request=request, object_type="booking", object_id=booking.pk,
            patient_id=plan.patient_id,
            detail={"reason": reason[:200], "session": booking.plan_session.index, "series_fits": fit.fits,
                    "problems": list(fit.problems)},
        )  # fmt: skip
    return BookingResult((selectors.booking_get(booking_id=booking.pk),), (), fit)


def upcoming_of_replaced_version(plan: Plan, now: datetime | None = None) -> list[Booking]:
    """Live upcoming bookings still held by the version this (signed) plan replaced."""
    if plan.amends_id is None or plan.status != Plan.Status.SIGNED:
        return []
    now = now or timezone.now()
    return list(
        Booking.objects.filter(plan_id=plan.amends_id, status=Booking.Status.BOOKED, start__gt=now)
        .select_related("chair", "plan_session").order_by("start")
    )


def bookings_carry_over(*, actor, request=None, plan: Plan, now: datetime | None = None) -> BookingResult:
    """An amendment keeps the replaced version's upcoming visits: each moves to the new version's session of
    the same number, re-checked with the new version's spacing and length; a number the new version does not
    have is cancelled. All or nothing."""
    _require_signed(plan)
    now = now or timezone.now()
    sessions = _sessions(plan)
    spacing = plan_spacing(plan, (s.duration_min for s in sessions.values()))
    occupied = timedelta(minutes=spacing.session_min + spacing.recovery_min)
    with transaction.atomic():
        _lock_chairs()
        carried = upcoming_of_replaced_version(plan, now)
        if not carried:
            raise DomainValidationError("plan", "the version it replaced has no upcoming booking to carry over")
        carried_ids = {str(b.pk) for b in carried}
        calendar, others, patient_other = _load_context(plan, carried[0].start, carried[-1].start + occupied)
        others = [o for o in others if o.booking_id not in carried_ids]
        patient_other = [o for o in patient_other if o.booking_id not in carried_ids]
        mine = _plan_domain_bookings(plan, calendar)
        taken = {b.plan_session.index for b in selectors.bookings_for_plan(plan=plan)}
        refusals, warnings, moves, cancels = [], [], [], []
        for b in carried:
            index = b.plan_session.index
            if index not in sessions or index in taken:
                cancels.append(b)
                continue
            candidate = DomainBooking(b.chair.code, b.start, b.start + occupied, str(plan.pk), str(b.pk), _index(plan, index))
            bad, warn = _check(calendar, candidate=candidate, spacing=spacing, now=now, plan_sessions=mine,
                               others=others, patient_other=patient_other)  # fmt: skip
            refusals += [f"session {index}: {m}" for m in bad]
            warnings += [f"session {index}: {m}" for m in warn]
            mine.append(candidate)
            others.append(candidate)
            moves.append((b, sessions[index]))
        if refusals:
            raise DomainValidationError("plan", "cannot carry the bookings over: " + "; ".join(refusals))
        for b, session in moves:
            Booking.objects.filter(pk=b.pk).update(
                plan=plan, plan_session=session, session_end=b.start + timedelta(minutes=session.duration_min),
                end=b.start + occupied, updated_at=timezone.now(), rule_version=RULE_VERSION,
            )  # fmt: skip
        for b in cancels:
            Booking.objects.filter(pk=b.pk).update(
                status=Booking.Status.CANCELLED, updated_at=timezone.now(),
                cancel_reason=f"plan version {plan.version} has no session {b.plan_session.index} to carry it to",
            )  # fmt: skip
        fit = _fit(plan, spacing, calendar)
        audit_record(
            actor=actor, action="booking.carry_over", request=request, object_type="plan", object_id=plan.pk,
            patient_id=plan.patient_id,
            detail={"from_plan": plan.amends_id, "moved": [b.pk for b, _ in moves], "cancelled": [b.pk for b in cancels],
                    "warnings": warnings, "series_fits": fit.fits, "problems": list(fit.problems)},
        )  # fmt: skip
    moved = {b.pk for b, _ in moves}
    return BookingResult(tuple(b for b in selectors.bookings_for_plan(plan=plan) if b.pk in moved), tuple(warnings), fit)
