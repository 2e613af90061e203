"""Chairs, opening hours and bookings: propose dates for a signed plan, accept, list, move, cancel.

Same rules as the pages (clinic/scheduling/services.py); a refused booking or move is a 422 naming the
field and the domain's reasons. Times are ISO 8601 with an offset; stored and returned in UTC.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Schema, Status
from pydantic import Field

from ketaflow.api.base import (
    CLOCK_PATTERN,
    ClockTime,
    IsoDate,
    IsoDateTime,
    ObjectId,
    SafeStr,
    errors,
    operation,
)
from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.scheduling import selectors, services
from ketaflow.clinic.scheduling.mappers import booking_to_domain
from ketaflow.clinic.scheduling.models import Booking, ClosedDay, OpeningHours
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.scheduling.calendar import WEEKDAYS
from ketaflow.domain.scheduling.day_view import day_grid

TAGS = ["scheduling"]


class SlotIn(Schema):
    index: int = Field(ge=1, le=60, strict=True, description="the plan session's number")
    chair: SafeStr = Field(min_length=1, max_length=20, description="chair short name, e.g. C1")
    start: IsoDateTime = Field(description="ISO 8601 with an offset, years 2000–2100")


class AcceptIn(Schema):
    slots: list[SlotIn] = Field(min_length=1, max_length=60)


class MoveIn(Schema):
    chair: SafeStr = Field(min_length=1, max_length=20)
    start: IsoDateTime = Field(description="ISO 8601 with an offset, years 2000–2100")


class BookingCancelIn(Schema):
    reason: SafeStr = Field(min_length=1, max_length=200)


class SlotOut(Schema):
    index: int
    chair: str
    start: dt.datetime
    session_end: dt.datetime | None
    end: dt.datetime | None


class BookingProposalOut(Schema):
    ok: bool
    reason: str
    notes: list[str]
    slots: list[SlotOut]
    spacing: dict
    earliest_start_day: dt.date
    preferred_start: str = Field(pattern=CLOCK_PATTERN, description="clinic wall-clock time, HH:MM")
    rule_version: str


class BookingOut(Schema):
    id: int
    plan_id: int
    patient_id: uuid.UUID
    session_index: int
    chair: str
    start: dt.datetime
    session_end: dt.datetime
    end: dt.datetime
    status: str
    cancel_reason: str
    rule_version: str

    @staticmethod
    def resolve_session_index(obj):
        return obj.plan_session.index

    @staticmethod
    def resolve_chair(obj):
        return obj.chair.code


class FitOut(Schema):
    fits: bool
    problems: list[str]


class BookingResultOut(Schema):
    bookings: list[BookingOut]
    warnings: list[str]
    series_fit: FitOut


def _result(result) -> dict:
    return {"bookings": list(result.bookings), "warnings": list(result.warnings),
            "series_fit": {"fits": result.fit.fits, "problems": list(result.fit.problems)}}  # fmt: skip


def _plan(request, plan_id: int, audit_action: str = "") -> Plan:
    plan = get_object_or_404(Plan, pk=plan_id)
    patient_get(user=request.user, patient_id=plan.patient_id, request=request, audit_action=audit_action)
    return plan


def _booking(request, booking_id: int) -> Booking:
    booking = get_object_or_404(Booking.objects.select_related("plan", "plan_session", "chair"), pk=booking_id)
    patient_get(user=request.user, patient_id=booking.patient_id, request=request, audit_action="")
    return booking


@operation("get", "/schedule/calendar", "schedule_calendar", response={200: dict, **errors()}, tags=TAGS)
def schedule_calendar(request):
    """Chairs, weekly opening hours (clinic time) and closed days from today on."""
    return {
        "zone_name": selectors.clinic_calendar().zone_name,
        "chairs": [{"code": c.code, "name": c.name, "position": c.position, "active": c.active}
                   for c in selectors.chair_list()],
        "opening_hours": [{"weekday": h.weekday, "day": WEEKDAYS[h.weekday], "opens": h.opens.isoformat("minutes"),
                           "closes": h.closes.isoformat("minutes")} for h in OpeningHours.objects.all()],
        "closed_days": [{"day": d.day.isoformat(), "reason": d.reason}
                        for d in ClosedDay.objects.filter(day__gte=timezone.localdate())[:366]],
    }  # fmt: skip


@operation("get", "/schedule/days/{day}", "schedule_day", response={200: dict, **errors(422)}, tags=TAGS)
def schedule_day(request, day: IsoDate):
    """Per chair: bookings and free gaps inside opening hours on one local day (domain day_grid)."""
    calendar = selectors.clinic_calendar(from_day=day)
    bookings = selectors.bookings_for_day(calendar=calendar, day=day, user=request.user, request=request)
    by_id = {str(b.pk): b for b in bookings}
    grid = day_grid(calendar, [booking_to_domain(b) for b in bookings], day)

    def item(i):
        out = {"kind": i.kind, "start": i.start.isoformat(), "end": i.end.isoformat()}
        if i.booking is not None:
            b = by_id[i.booking.booking_id]
            out |= {"booking_id": b.pk, "plan_id": b.plan_id, "patient_id": str(b.patient_id),
                    "session_index": b.plan_session.index, "session_end": b.session_end.isoformat()}  # fmt: skip
        return out

    return {
        "day": day.isoformat(), "zone_name": grid.zone_name, "closed_reason": grid.closed_reason,
        "opens": grid.opens.isoformat() if grid.opens else None, "closes": grid.closes.isoformat() if grid.closes else None,
        "chairs": [{"chair": c.chair_id, "items": [item(i) for i in c.items]} for c in grid.chairs],
    }  # fmt: skip


@operation("get", "/plans/{plan_id}/proposal", "booking_propose", response={200: BookingProposalOut, **errors(404, 422)}, tags=TAGS)
def booking_propose(request, plan_id: ObjectId, earliest_start_day: IsoDate | None = None, preferred_start: ClockTime | None = None):
    """Dates for the signed plan's sessions not booked yet. Nothing is saved: POST the slots to book them."""
    plan = _plan(request, plan_id, audit_action="booking.view")
    proposal = services.booking_propose(plan=plan, earliest_start_day=earliest_start_day, preferred_start=preferred_start)
    return {
        "ok": proposal.ok, "reason": proposal.reason, "notes": list(proposal.notes),
        "slots": [s.__dict__ for s in proposal.slots], "spacing": proposal.spacing.as_dict(),
        "earliest_start_day": proposal.earliest_start_day, "preferred_start": proposal.preferred_start.isoformat("minutes"),
        "rule_version": proposal.rule_version,
    }  # fmt: skip


@operation("post", "/plans/{plan_id}/bookings", "booking_accept", response={201: BookingResultOut, **errors(404, 422)}, tags=TAGS)
def booking_accept(request, plan_id: ObjectId, body: AcceptIn):
    """Book slots (a proposal's, or edited ones); all or nothing, each re-checked; 422 lists every conflict."""
    plan = _plan(request, plan_id)
    slots = [services.Slot(s.index, s.chair, _aware(s.start, f"slots[{n}].start")) for n, s in enumerate(body.slots)]
    return Status(201, _result(services.booking_series_accept(actor=request.user, request=request, plan=plan, slots=slots)))


@operation("post", "/plans/{plan_id}/bookings/carry-over", "booking_carry_over",
           response={200: BookingResultOut, **errors(404, 422)}, tags=TAGS)  # fmt: skip
def booking_carry_over(request, plan_id: ObjectId):
    """A signed amendment takes over the upcoming visits of the version it replaced (same session numbers)."""
    plan = _plan(request, plan_id)
    return _result(services.bookings_carry_over(actor=request.user, request=request, plan=plan))


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if value.tzinfo is None:
        raise DomainValidationError(field, "has no UTC offset", "ISO 8601 with an offset, e.g. 2026-11-23T08:00:00Z")
    return value


def _visible(request, qs):
    """Patients see their upcoming sessions only; staff see every booking, cancelled ones too."""
    if request.user.role == Role.PATIENT:
        return [b for b in qs if b.status == Booking.Status.BOOKED and b.end > timezone.now()]
    return qs


@operation("get", "/plans/{plan_id}/bookings", "booking_list_plan", response={200: list[BookingOut], **errors(404)}, tags=TAGS)
def booking_list_plan(request, plan_id: ObjectId):
    plan = _plan(request, plan_id, audit_action="booking.list")
    return _visible(request, selectors.bookings_for_plan(plan=plan, include_cancelled=True))


@operation("get", "/patients/{patient_id}/bookings", "booking_list_patient",
           response={200: list[BookingOut], **errors(404)}, tags=TAGS)  # fmt: skip
def booking_list_patient(request, patient_id: uuid.UUID):
    """The patient's upcoming sessions (booked, not yet over), soonest first."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="booking.list")
    return selectors.upcoming_for_patient(patient=patient)


@operation("post", "/bookings/{booking_id}/move", "booking_move", response={200: BookingResultOut, **errors(404, 422)}, tags=TAGS)
def booking_move(request, booking_id: ObjectId, body: MoveIn):
    """Move one session; refused with the domain's reasons (chair, hours, closed day, spacing, window)."""
    booking = _booking(request, booking_id)
    result = services.booking_move(actor=request.user, request=request, booking=booking, chair=body.chair,
                                   start=_aware(body.start, "start"))  # fmt: skip
    return _result(result)


@operation("post", "/bookings/{booking_id}/cancel", "booking_cancel", response={200: BookingResultOut, **errors(404, 422)}, tags=TAGS)
def booking_cancel(request, booking_id: ObjectId, body: BookingCancelIn):
    booking = _booking(request, booking_id)
    return _result(services.booking_cancel(actor=request.user, request=request, booking=booking, reason=body.reason))


# --- the clinic's chairs, hours and closed days (admin and front desk) -------------------------------


class ChairIn(Schema):
    code: SafeStr = Field(min_length=1, max_length=20)
    name: SafeStr = Field("", max_length=80)
    position: int = Field(0, ge=0, le=999, strict=True)
    active: bool = Field(True, strict=True)


class DayHoursIn(Schema):
    weekday: int = Field(ge=0, le=6, strict=True, description="0 = Monday … 6 = Sunday")
    opens: ClockTime | None = Field(None, description="local clinic time; null with closes null = closed that weekday")
    closes: ClockTime | None = None


class HoursIn(Schema):
    days: list[DayHoursIn] = Field(min_length=1, max_length=7)


class ClosedDayIn(Schema):
    day: IsoDate = Field(description="years 2000–2100")
    reason: SafeStr = Field("", max_length=120)


@operation("post", "/schedule/chairs", "chair_save", response={200: dict, **errors(422)}, tags=TAGS)
def chair_save(request, body: ChairIn):
    """Add a chair, or change the one with this short name (case-insensitive)."""
    from ketaflow.clinic.scheduling.models import Chair

    chair = Chair.objects.filter(code__iexact=body.code.strip()).first()
    chair = services.chair_save(actor=request.user, request=request, chair=chair, **body.dict())
    return {"code": chair.code, "name": chair.name, "position": chair.position, "active": chair.active}


@operation("put", "/schedule/hours", "hours_set", response={200: dict, **errors(422)}, tags=TAGS)
def hours_set(request, body: HoursIn):
    """Set the given weekdays' hours (others unchanged); refused if an upcoming booking would be stranded."""
    hours = {}
    for d in body.days:
        if (d.opens is None) != (d.closes is None):
            raise DomainValidationError(f"days.{d.weekday}", "give both times, or neither for a closed day")
        hours[d.weekday] = (d.opens, d.closes) if d.opens is not None else None
    services.opening_hours_set(actor=request.user, request=request, hours=hours)
    return schedule_calendar(request)


@operation("post", "/schedule/closed-days", "closed_day_add", response={201: dict, **errors(422)}, tags=TAGS)
def closed_day_add(request, body: ClosedDayIn):
    closed = services.closed_day_add(actor=request.user, request=request, day=body.day, reason=body.reason)
    return Status(201, {"id": closed.pk, "day": closed.day.isoformat(), "reason": closed.reason})


@operation("delete", "/schedule/closed-days/{closed_id}", "closed_day_remove", response={204: None, **errors(404)},
           tags=TAGS)  # fmt: skip
def closed_day_remove(request, closed_id: ObjectId):
    services.closed_day_remove(actor=request.user, request=request, closed=get_object_or_404(ClosedDay, pk=closed_id))
    return Status(204, None)
