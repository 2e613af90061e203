"""Reads: the clinic calendar, bookings by day / plan / patient. Each is a fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.scheduling.mappers import booking_to_domain, calendar_from
from ketaflow.clinic.scheduling.models import Booking, Chair, ClosedDay, OpeningHours
from ketaflow.domain.scheduling.calendar import ClinicCalendar

UPCOMING_LIMIT = 60  # a series is at most 60 sessions (SeriesRequest); the portal shows the next ones


def clinic_calendar(*, from_day: date | None = None) -> ClinicCalendar:
    """Closed days from `from_day` on (a year back by default: moves and day views look at the past too)."""
    from_day = from_day or (timezone.localdate() - timedelta(days=366))
    return calendar_from(
        Chair.objects.all(), OpeningHours.objects.all(), ClosedDay.objects.filter(day__gte=from_day)
    )


def chair_list() -> list[Chair]:
    return list(Chair.objects.all())


def live_bookings_between(start: datetime, end: datetime):
    """Booked (not cancelled) rows whose chair time overlaps [start, end)."""
    return (
        Booking.objects.filter(status=Booking.Status.BOOKED, start__lt=end, end__gt=start)
        .select_related("chair", "patient", "plan_session", "plan")
        .order_by("start", "pk")
    )


def domain_bookings_between(start: datetime, end: datetime):
    return [booking_to_domain(b) for b in live_bookings_between(start, end)]


def bookings_for_day(*, calendar: ClinicCalendar, day: date, user=None, request=None):
    """The day's live bookings; shown with patient names, so the read is audited when a user is given."""
    start, end = calendar.day_bounds_utc(day)
    bookings = list(live_bookings_between(start, end))
    if user is not None:
        audit_record(actor=user, action="schedule.day_view", request=request, object_type="schedule_day",
                     detail={"day": day.isoformat(), "bookings": len(bookings)})  # fmt: skip
    return bookings


def bookings_for_plan(*, plan, include_cancelled: bool = False):
    qs = Booking.objects.filter(plan=plan).select_related("chair", "plan_session").order_by("start", "pk")
    if not include_cancelled:
        qs = qs.filter(status=Booking.Status.BOOKED)
    return list(qs)


def bookings_for_plans(*, plan_ids) -> dict[int, list[Booking]]:
    """Live bookings of several plans in one query (the chart's plan card)."""
    out: dict[int, list[Booking]] = {}
    qs = Booking.objects.filter(plan_id__in=list(plan_ids), status=Booking.Status.BOOKED).select_related(
        "chair", "plan_session"
    )
    for b in qs.order_by("start", "pk"):
        out.setdefault(b.plan_id, []).append(b)
    return out


def upcoming_for_patient(*, patient, now: datetime | None = None, limit: int = UPCOMING_LIMIT):
    now = now or timezone.now()
    return list(
        Booking.objects.filter(patient=patient, status=Booking.Status.BOOKED, end__gt=now)
        .select_related("chair", "plan_session", "plan")
        .order_by("start", "pk")[:limit]
    )


def booking_get(*, booking_id) -> Booking:
    return Booking.objects.select_related("chair", "plan", "plan_session", "patient").get(pk=booking_id)
