"""Scheduling pages: the chairs' day view, booking a signed plan, moving and cancelling a session, and
the clinic's chairs / hours / closed days. Views parse, call one service or selector, render."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ketaflow.clinic.core.forms import add_domain_error
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.scheduling import forms, selectors, services
from ketaflow.clinic.scheduling.mappers import booking_to_domain
from ketaflow.clinic.scheduling.models import Booking, Chair, ClosedDay, OpeningHours
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.scheduling.day_view import day_grid

ROW_MIN = 15  # the day view's rows: the scheduler's slot step (SchedulingPolicy.slot_step_min)


# --- day view ------------------------------------------------------------------------------------


@dataclass
class Cell:
    kind: str  # "booked" | "free" | "closed"
    span: int = 1
    booking: Booking | None = None


def _parse_day(text: str | None) -> date:
    try:
        day = date.fromisoformat(text) if text else timezone.localdate()
        services.require_calendar_year("day", day)
        return day
    except (ValueError, DomainValidationError):
        return timezone.localdate()


def _grid_rows(calendar, grid, bookings_by_id):
    """Rows of ROW_MIN minutes from opening (or the earliest booking) to closing; a booking spans its rows."""
    starts = [i.start for c in grid.chairs for i in c.items if i.kind == "booked"]
    ends = [i.end for c in grid.chairs for i in c.items if i.kind == "booked"]
    first = min([grid.opens] + starts if grid.opens else starts, default=None)
    last = max([grid.closes] + ends if grid.closes else ends, default=None)
    if first is None:
        return []
    zone = calendar.zone
    local_first = first.astimezone(zone)
    first = first - timedelta(minutes=local_first.minute % ROW_MIN, seconds=local_first.second)
    n_rows = math.ceil((last - first) / timedelta(minutes=ROW_MIN))
    step = timedelta(minutes=ROW_MIN)
    table: list[list[Cell | None]] = [[None] * len(grid.chairs) for _ in range(n_rows)]
    for col, chair in enumerate(grid.chairs):
        for item in chair.items:
            if item.kind != "booked":
                continue
            row = int((item.start - first) // step)
            span = max(1, math.ceil((item.end - (first + row * step)) / step))
            span = min(span, n_rows - row)
            if table[row][col] is not None:
                continue  # overlapping rows in one chair: the list below the grid still shows it
            table[row][col] = Cell("booked", span, bookings_by_id.get(item.booking.booking_id))
            for covered in range(row + 1, row + span):
                table[covered][col] = Cell("covered")
        for row in range(n_rows):
            if table[row][col] is None:
                at = first + row * step
                inside = grid.opens is not None and grid.opens <= at < grid.closes
                table[row][col] = Cell("free" if inside else "closed")
    return [((first + r * step).astimezone(zone), [c for c in cells if c.kind != "covered"]) for r, cells in enumerate(table)]


@require_http_methods(["GET"])
def day_view(request):
    day = _parse_day(request.GET.get("day"))
    calendar = selectors.clinic_calendar(from_day=day)
    bookings = selectors.bookings_for_day(calendar=calendar, day=day, user=request.user, request=request)
    grid = day_grid(calendar, [booking_to_domain(b) for b in bookings], day)
    context = {
        "day": day, "grid": grid, "rows": _grid_rows(calendar, grid, {str(b.pk): b for b in bookings}),
        "bookings": bookings, "chairs": grid.chairs, "zone": calendar.zone_name,
        "previous": day - timedelta(days=1), "next": day + timedelta(days=1), "today": timezone.localdate(),
    }  # fmt: skip
    return render(request, "scheduling/day_view.html", context)


# --- booking a plan ------------------------------------------------------------------------------


def _plan(request, patient_id, plan_id, audit_action=""):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action=audit_action)
    return patient, get_object_or_404(Plan, patient=patient, pk=plan_id)


def _book_context(request, patient, plan, proposal_form, proposal=None, error=None):
    booked = selectors.bookings_for_plan(plan=plan, include_cancelled=True)
    live = [b for b in booked if b.status == Booking.Status.BOOKED]
    fit = services.plan_series_fit(plan=plan) if live else None
    return {
        "patient": patient, "plan": plan, "form": proposal_form, "proposal": proposal, "error": error,
        "bookings": booked, "live": live, "fit": fit, "unbooked": plan.sessions.count() - len(live),
        "replaced_upcoming": services.upcoming_of_replaced_version(plan),
        "sessions": {s.index: s for s in plan.sessions.all()}, "zone": settings.TIME_ZONE,
    }  # fmt: skip


@require_http_methods(["GET", "POST"])
def plan_book(request, patient_id, plan_id: int):
    """GET: propose dates for the sessions not booked yet; POST: book the proposed slots."""
    patient, plan = _plan(request, patient_id, plan_id, audit_action="booking.view" if request.method == "GET" else "")
    if request.method == "POST":
        accept = forms.AcceptForm(request.POST)
        error = None
        if accept.is_valid():
            try:
                result = services.booking_series_accept(actor=request.user, request=request, plan=plan,
                                                        slots=accept.cleaned_data["slots"])  # fmt: skip
            except DomainValidationError as exc:
                error = f"Not booked: {exc.message}"
            else:
                messages.success(request, f"{len(result.bookings)} session(s) booked.")
                for warning in result.warnings:
                    messages.warning(request, warning)
                if not result.fit.fits:
                    messages.warning(request, "This series can no longer fit its window: " + "; ".join(result.fit.problems))
                return redirect("scheduling:plan_book", patient_id=patient.pk, plan_id=plan.pk)
        else:
            error = "Not booked: " + " ".join(accept.non_field_errors())
        form = forms.ProposalForm(initial=_proposal_initial(plan))
        context = _book_context(request, patient, plan, form, error=error)
        return render(request, "scheduling/plan_book.html", context, status=422)
    form = forms.ProposalForm(request.GET or None, initial=_proposal_initial(plan))
    proposal, error = None, None
    if plan.status == Plan.Status.SIGNED and (not request.GET or form.is_valid()):
        data = form.cleaned_data if request.GET else {}
        try:
            proposal = services.booking_propose(plan=plan, earliest_start_day=data.get("earliest_start_day"),
                                                preferred_start=data.get("preferred_start"))  # fmt: skip
        except DomainValidationError as exc:
            add_domain_error(form, exc)
    elif plan.status != Plan.Status.SIGNED:
        error = f"This plan is {plan.get_status_display().lower()}; only a signed plan can be booked."
    context = _book_context(request, patient, plan, form, proposal=proposal, error=error)
    return render(request, "scheduling/plan_book.html", context, status=422 if form.errors else 200)


def _proposal_initial(plan):
    return {"earliest_start_day": services.earliest_bookable_day(plan), "preferred_start": services.default_preferred_start()}


@require_POST
def carry_over(request, patient_id, plan_id: int):
    """An amendment takes over the upcoming visits booked for the version it replaced."""
    patient, plan = _plan(request, patient_id, plan_id)
    try:
        result = services.bookings_carry_over(actor=request.user, request=request, plan=plan)
    except DomainValidationError as exc:
        context = _book_context(request, patient, plan, forms.ProposalForm(initial=_proposal_initial(plan)),
                                error=f"Not carried over: {exc.message}")  # fmt: skip
        return render(request, "scheduling/plan_book.html", context, status=422)
    messages.success(request, f"{len(result.bookings)} upcoming session(s) now belong to version {plan.version}.")
    for warning in result.warnings:
        messages.warning(request, warning)
    if not result.fit.fits:
        messages.warning(request, "This series can no longer fit its window: " + "; ".join(result.fit.problems))
    return redirect("scheduling:plan_book", patient_id=patient.pk, plan_id=plan.pk)


# --- one booking: move, cancel --------------------------------------------------------------------


def _booking(request, patient_id, booking_id, audit_action=""):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action=audit_action)
    booking = get_object_or_404(Booking.objects.select_related("plan", "plan_session", "chair"), patient=patient, pk=booking_id)
    return patient, booking


@require_http_methods(["GET", "POST"])
def booking_move(request, patient_id, booking_id: int):
    patient, booking = _booking(request, patient_id, booking_id, audit_action="booking.view" if request.method == "GET" else "")
    calendar = selectors.clinic_calendar()
    local = booking.start.astimezone(calendar.zone)
    initial = {"chair": booking.chair.code, "day": local.date(), "start_time": local.time().replace(second=0)}
    form = forms.MoveForm(request.POST or None, initial=initial, chairs=selectors.chair_list())
    if request.method == "POST" and form.is_valid():
        start = calendar.local(form.cleaned_data["day"], form.cleaned_data["start_time"])
        try:
            result = services.booking_move(actor=request.user, request=request, booking=booking,
                                           chair=form.cleaned_data["chair"], start=start)  # fmt: skip
        except DomainValidationError as exc:
            form.add_error(None, f"Not moved: {exc.message}")
        else:
            messages.success(request, f"Session {booking.plan_session.index} moved.")
            for warning in result.warnings:
                messages.warning(request, warning)
            if not result.fit.fits:
                messages.warning(request, "This series can no longer fit its window: " + "; ".join(result.fit.problems))
            return redirect("scheduling:plan_book", patient_id=patient.pk, plan_id=booking.plan_id)
    context = {"patient": patient, "booking": booking, "form": form, "cancel_form": forms.CancelForm(),
               "zone": calendar.zone_name}  # fmt: skip
    return render(request, "scheduling/booking_move.html", context, status=422 if form.errors else 200)


@require_POST
def booking_cancel(request, patient_id, booking_id: int):
    patient, booking = _booking(request, patient_id, booking_id)
    form = forms.CancelForm(request.POST)
    if form.is_valid():
        try:
            result = services.booking_cancel(actor=request.user, request=request, booking=booking,
                                             reason=form.cleaned_data["reason"])  # fmt: skip
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"Session {booking.plan_session.index} cancelled.")
            if not result.fit.fits:
                messages.warning(request, "This series can no longer fit its window: " + "; ".join(result.fit.problems))
            return redirect("scheduling:plan_book", patient_id=patient.pk, plan_id=booking.plan_id)
    calendar = selectors.clinic_calendar()
    move_form = forms.MoveForm(initial={"chair": booking.chair.code}, chairs=selectors.chair_list())
    context = {"patient": patient, "booking": booking, "form": move_form, "cancel_form": form, "zone": calendar.zone_name}
    return render(request, "scheduling/booking_move.html", context, status=422)


# --- the clinic's chairs, hours and closed days -----------------------------------------------------


def _setup_context(**overrides):
    hours = {h.weekday: h for h in OpeningHours.objects.all()}
    initial = {}
    for weekday, h in hours.items():
        initial[f"opens_{weekday}"], initial[f"closes_{weekday}"] = h.opens, h.closes
    context = {
        "chairs": selectors.chair_list(), "chair_form": forms.ChairForm(),
        "hours_form": forms.HoursForm(initial=initial), "closed_form": forms.ClosedDayForm(),
        "closed_days": list(ClosedDay.objects.filter(day__gte=timezone.localdate())[:100]),
        "zone": settings.TIME_ZONE,
    }  # fmt: skip
    return context | overrides


@require_http_methods(["GET"])
def setup(request):
    chair_id = request.GET.get("chair", "")
    editing = Chair.objects.filter(pk=chair_id).first() if chair_id.isdigit() else None
    if editing is None:
        return render(request, "scheduling/setup.html", _setup_context())
    initial = {"code": editing.code, "name": editing.name, "position": editing.position, "active": editing.active}
    return render(request, "scheduling/setup.html", _setup_context(chair_form=forms.ChairForm(initial=initial), editing=editing))


@require_POST
def chair_save(request):
    form = forms.ChairForm(request.POST)
    chair_id = request.POST.get("chair_id", "")
    chair = get_object_or_404(Chair, pk=chair_id) if chair_id.isdigit() else None
    if form.is_valid():
        try:
            services.chair_save(actor=request.user, request=request, chair=chair, **form.cleaned_data)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Chair saved.")
            return redirect("scheduling:setup")
    return render(request, "scheduling/setup.html", _setup_context(chair_form=form, editing=chair), status=422)


@require_POST
def hours_save(request):
    form = forms.HoursForm(request.POST)
    if form.is_valid():
        try:
            services.opening_hours_set(actor=request.user, request=request, hours=form.cleaned_data["hours"])
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Opening hours saved.")
            return redirect("scheduling:setup")
    return render(request, "scheduling/setup.html", _setup_context(hours_form=form), status=422)


@require_POST
def closed_day_add(request):
    form = forms.ClosedDayForm(request.POST)
    if form.is_valid():
        try:
            services.closed_day_add(actor=request.user, request=request, **form.cleaned_data)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Closed day added.")
            return redirect("scheduling:setup")
    return render(request, "scheduling/setup.html", _setup_context(closed_form=form), status=422)


@require_POST
def closed_day_remove(request, closed_id: int):
    services.closed_day_remove(actor=request.user, request=request, closed=get_object_or_404(ClosedDay, pk=closed_id))
    messages.success(request, "Closed day removed.")
    return redirect("scheduling:setup")
