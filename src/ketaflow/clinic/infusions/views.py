"""The live session chart: one page per session, quick-entry forms per action, an SVG refreshed by htmx."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ketaflow.clinic.assessments.forms import answers_from
from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.infusions import actions, forms, services
from ketaflow.clinic.infusions.chart import chart_input
from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.infusions.policy import vitals_thresholds
from ketaflow.clinic.infusions.record import session_record_pdf
from ketaflow.clinic.infusions.selectors import (
    cadence_for,
    checkin_facts,
    hours_since_last_session,
    progress_for,
)
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.clinic.patients.services import StaleVersionError
from ketaflow.clinic.plans.models import Plan, PlanSession
from ketaflow.domain.charting.gates import check_in_gate
from ketaflow.domain.charting.vitals import LABELS as VITAL_LABELS
from ketaflow.domain.charting.vitals import PARAMETERS as VITAL_PARAMETERS
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import get_instrument
from ketaflow.reports.session_chart import session_chart_svg


@require_POST
def session_open(request, patient_id, plan_id: int, index: int):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    plan = get_object_or_404(Plan, patient=patient, pk=plan_id)
    plan_session = get_object_or_404(PlanSession, plan=plan, index=index)
    existing = InfusionSession.objects.filter(plan_session=plan_session).exclude(status="cancelled").first()
    if existing:
        return redirect("infusions:session", session_id=existing.pk)
    try:
        booking = plan_session.bookings.filter(status="booked").order_by("start").first()
        session = services.session_create(actor=request.user, request=request, plan_session=plan_session,
                                          scheduled_for=booking.start if booking else None)  # fmt: skip
    except DomainValidationError as exc:
        messages.error(request, str(exc))
        return redirect("plans:detail", patient_id=patient.pk, plan_id=plan.pk)
    return redirect("infusions:session", session_id=session.pk)


def _session(request, session_id: int, audit_action: str = "") -> InfusionSession:
    session = get_object_or_404(InfusionSession.objects.select_related("patient", "plan", "plan_session"), pk=session_id)
    if audit_action:
        audit_record(actor=request.user, action=audit_action, request=request, object_type="infusion_session",
                     object_id=session.pk, patient_id=session.patient_id)  # fmt: skip
    return session


def _context(request, session: InfusionSession, **extra) -> dict:
    version = {"expected_version": session.version}
    now = timezone.now()
    pre_check = facts = None
    if session.status == "scheduled":
        facts = checkin_facts(session, now=now, pre_vitals_recorded=True,
                              hours_since_last=hours_since_last_session(session, now=now))  # fmt: skip
        pre_check = check_in_gate(facts)
    current = session.rate_events.last()
    ctx = {
        "progress": progress_for(session, now=now), "time_zone": timezone.get_current_timezone_name(),
        "session": session, "patient": session.patient, "now": now, "cadence": cadence_for(session, now=now),
        "vitals": list(session.vitals.select_related("recorded_by", "response_by")),
        "rate_events": list(session.rate_events.select_related("recorded_by")),
        "side_effects": list(session.side_effects.select_related("recorded_by")),
        "administrations": list(session.administrations.select_related("recorded_by")),
        "current_rate": current, "pre_check": pre_check,
        "half_rate": (current.rate_mg_per_kg_per_h / 2).quantize(Decimal("0.0001"))
        if current is not None and current.rate_mg_per_kg_per_h > 0 else None,
        "last_running_rate": session.rate_events.exclude(action__in=("pause", "stop", "stop_early")).last(), "thresholds": [(VITAL_LABELS[t.parameter], VITAL_PARAMETERS[t.parameter][0], t) for t in vitals_thresholds()],
        "ordered_pump_ml_per_h": float(session.ordered_rate_mg_per_kg_per_h) * float(session.dosing_weight_kg or 0)
        / float(session.ordered_concentration_mg_per_ml),
        "forms": {
            "check_in": forms.CheckInForm(initial=version | {"escort_name": session.patient.escort_name,
                                                             "bag_concentration_mg_per_ml": session.ordered_concentration_mg_per_ml}),
            "rate": forms.RateForm(initial=version | {"rate_value": session.ordered_rate_mg_per_kg_per_h}),
            "stop": forms.StopForm(initial=version), "vitals": forms.VitalsForm(initial=version),
            "resume": forms.ResumeForm(initial=version),
            "side_effect": forms.SideEffectForm(initial=version), "administration": forms.AdministrationForm(initial=version),
            "recovery": forms.RecoveryForm(initial=version), "discharge": forms.DischargeForm(initial=version),
            "waste": forms.WasteForm(initial=version), "cancel": forms.CancelForm(initial=version),
            **{f"scale_{i}": forms.scale_form_class(i)(initial=version) for i in forms.SCALE_INSTRUMENTS},
        },
    }  # fmt: skip
    ctx["forms"].update(extra.pop("forms", {}))
    pregnancy = ctx["forms"]["check_in"].fields["pregnancy_test_negative"]
    pregnancy.help_text = ("Required for this patient by policy (could be pregnant, aged 12–55): a negative test."
                           if facts and facts.pregnancy_test_needed else "Not required for this patient by policy.")
    ctx["scales"] = [(f"scale_{i}", get_instrument(i).definition.title, ctx["forms"][f"scale_{i}"])
                     for i in forms.SCALE_INSTRUMENTS]  # fmt: skip
    return ctx | extra


@require_GET
def session_page(request, session_id: int):
    if request.htmx and request.GET.get("partial") == "live":
        # The page polls its live strip (X-Ketaflow-Poll: polling neither keeps a login alive nor floods the
        # audit log; the page view itself was audited).
        session = _session(request, session_id)
        seen = request.GET.get("seen", "")
        seen_version = int(seen) if seen.isdigit() and len(seen) < 10 else None
        return render(request, "infusions/session.html#live", _context(request, session, seen_version=seen_version))
    session = _session(request, session_id, audit_action="infusion.view")
    return render(request, "infusions/session.html", _context(request, session))


@require_GET
def session_chart(request, session_id: int):
    """The chart as an SVG image: rate steps, predicted Cp (model prediction), vitals and events."""
    session = _session(request, session_id)
    svg = session_chart_svg(chart_input(session, now=timezone.now()))
    return HttpResponse(svg, content_type="image/svg+xml")


@require_GET
def session_record(request, session_id: int):
    session = _session(request, session_id, audit_action="infusion.record_pdf")
    response = HttpResponse(session_record_pdf(session), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="infusion-{session.pk}-record.pdf"'
    return response


ACTIONS = {
    "check_in": forms.CheckInForm, "start": forms.RateForm, "change_rate": forms.RateForm, "pause": forms.StopForm,
    "resume": forms.ResumeForm, "stop": forms.StopForm, "stop_early": forms.StopForm, "vitals": forms.VitalsForm,
    "side_effect": forms.SideEffectForm, "administration": forms.AdministrationForm, "recovery": forms.RecoveryForm,
    "discharge": forms.DischargeForm, "waste": forms.WasteForm, "cancel": forms.CancelForm,
}  # fmt: skip
FORM_KEY = {"start": "rate", "change_rate": "rate", "pause": "stop", "stop_early": "stop"}


def _action_form(action: str, post):
    """The form for an action and its key in the page's forms (a scale's form is built from its instrument)."""
    if action == "scale":
        instrument = post.get("instrument_id", "")
        if instrument not in forms.SCALE_INSTRUMENTS:
            raise Http404("Unknown scale.")
        return forms.scale_form_class(instrument)(post), f"scale_{instrument}"
    return ACTIONS[action](post), FORM_KEY.get(action, action)


def _action_data(action: str, form, now) -> dict:
    if action != "scale":
        data = dict(form.cleaned_data)
        if data.get("taken_at") is not None:  # a late entry: that time today, in the clinic's zone
            data["at"] = timezone.make_aware(datetime.combine(timezone.localdate(now), data["taken_at"]))
        return data
    answers = {k: v for k, v in answers_from(form).items() if k not in ("expected_version", "instrument_id")}
    return {"expected_version": form.cleaned_data["expected_version"], "instrument_id": form.cleaned_data["instrument_id"],
            "answers": answers}


FIELD_LABELS = {**VITAL_LABELS, "rate": "Rate", "rate.unit": "Unit", "rate.value": "Rate", "vitals": "Vital signs",
                "witness": "Witness", "action": "Not possible now", "at": "Time", "answers": "Answers", "waste": "Waste",
                "instrument_id": "Scale", "vital_id": "Reading", "response_taken": "Response taken"}  # fmt: skip


def _label(form, field: str) -> str:
    """A field's words on the page (its form label), not its name in the code."""
    if field in form.fields and form.fields[field].label:
        return str(form.fields[field].label)
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


@require_POST
def session_action(request, session_id: int, action: str):
    if action not in ACTIONS and action != "scale":
        raise Http404("Unknown action.")
    session = _session(request, session_id)
    form, form_key = _action_form(action, request.POST)
    status, error, failures = 200, None, ()
    now = timezone.now()
    if form.is_valid():
        try:
            actions.perform(actor=request.user, request=request, session_id=session.pk, action=action,
                            data=_action_data(action, form, now), now=now)  # fmt: skip
        except DomainValidationError as exc:
            status = 422
            error = f"{_label(form, exc.field)}: {exc.message}" + (f" (allowed: {exc.allowed})" if exc.allowed else "")
        except StaleVersionError as exc:
            # the nurse's entries stay in the form, now carrying the current version: check, then save again
            status, error = 409, f"{exc} Your entries are kept below."
            data = request.POST.copy()
            data["expected_version"] = str(exc.current_version)
            form = type(form)(data)
            form.is_valid()
        except services.GateRefused as exc:
            status, error, failures = 422, "Not allowed yet:", exc.failures
        except services.RateRefused as exc:
            status = 422
            error = ("Rate refused (hard limit): " if not exc.needs_reason else "A prescriber's reason is required: ")
            failures = exc.messages
        else:
            if not request.htmx:
                return redirect("infusions:session", session_id=session.pk)
            session.refresh_from_db()
            return render(request, "infusions/session.html#panel", _context(request, session))
    else:
        status, error = 422, "Please correct: " + "; ".join(f"{_label(form, k)}: {' '.join(v)}" for k, v in form.errors.items())
    session.refresh_from_db()
    ctx = _context(request, session, error=error, failures=failures, forms={form_key: form})
    template = "infusions/session.html#panel" if request.htmx else "infusions/session.html"
    return render(request, template, ctx, status=status)


@require_POST
def alert_response(request, session_id: int):
    session = _session(request, session_id)
    form = forms.AlertResponseForm(request.POST)
    if not form.is_valid():  # an empty response is said, not dropped
        error = "Please correct: " + "; ".join(f"{_label(form, k)}: {' '.join(v)}" for k, v in form.errors.items())
        return render(request, "infusions/session.html", _context(request, session, error=error), status=422)
    try:
        services.vitals_response(actor=request.user, request=request, session_id=session.pk,
                                 vital_id=form.cleaned_data["vital_id"],
                                 response_taken=form.cleaned_data["response_taken"])  # fmt: skip
    except DomainValidationError as exc:
        error = f"{_label(form, exc.field)}: {exc.message}"
        return render(request, "infusions/session.html", _context(request, session, error=error), status=422)
    return redirect("infusions:session", session_id=session.pk)
