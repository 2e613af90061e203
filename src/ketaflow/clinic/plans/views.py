"""Plan pages: create from a protocol, review the dose checks, sign, amend, and the patient handout."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ketaflow.clinic.core.forms import add_domain_error
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.clinic.plans import dosing, forms, services
from ketaflow.clinic.plans.catalogue import PLAN_KIND, defaults_for, profile_for
from ketaflow.clinic.plans.handout import handout_context, handout_pdf
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.plans.selectors import plan_get_for, weights_read_then_entered_in_error
from ketaflow.clinic.scheduling.selectors import bookings_for_plan
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.plans.goal_catalogue import GoalProblems
from ketaflow.domain.plans.goals import default_goals
from ketaflow.reports.pk_plot import prediction_svg

PLAN_FIELDS = ("n_sessions", "start_dose", "escalation_step", "escalation_cap", "duration_min",
               "series_window_days", "start_date", "bag_concentration_mg_per_ml")  # fmt: skip


def _plan(request, patient_id, plan_id, audit_action=""):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action=audit_action)
    return patient, plan_get_for(request.user, patient=patient, pk=plan_id)


@require_http_methods(["GET", "POST"])
def plan_new(request, patient_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    code = request.GET.get("protocol") or "fibromyalgia_induction"
    try:
        initial = defaults_for(profile_for(code)) | {"start_date": timezone.localdate()}
    except DomainValidationError:
        initial = {"start_date": timezone.localdate()}
    form = forms.PlanForm(request.POST or None, initial=initial)
    kind_defaults = [g.as_dict() for g in default_goals(PLAN_KIND.get(code, "induction"))]
    goals_form = forms.GoalsForm(request.POST or None, initial=forms.GoalsForm.initial_for(kind_defaults))
    if request.method == "POST" and all([form.is_valid(), goals_form.is_valid()]):
        try:
            plan = services.plan_create(actor=request.user, request=request, patient=patient,
                                        goals=goals_form.rows(), **form.cleaned_data)  # fmt: skip
        except GoalProblems as exc:
            goals_form.add_problems(exc)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("plans:detail", patient_id=patient.pk, plan_id=plan.pk)
    context = {"patient": patient, "form": form, "goals_form": goals_form, "protocol": code}
    return render(request, "plans/plan_form.html", context, status=422 if form.errors or goals_form.errors else 200)


def _sessions_with_predictions(plan: Plan) -> tuple[list, int | None, object]:
    """The plan's sessions, each with its predicted peak Cp (ng/mL) for the plan's dosing weight, the session
    the chart shows (the highest predicted peak) and one prediction for the caption (model, site, label)."""
    sessions = list(plan.sessions.all())
    predictions = dosing.plan_session_predictions(plan, sessions)
    for s in sessions:
        p = predictions.get(s.index)
        s.predicted_peak_ng_per_ml = None if p is None else round(p.cmax_mg_per_l * 1000.0)
    if not predictions:
        return sessions, None, None
    shown = max(predictions, key=lambda i: (predictions[i].cmax_mg_per_l, -i))
    return sessions, shown, predictions[shown]


@require_http_methods(["GET"])
def plan_detail(request, patient_id, plan_id: int):
    patient, plan = _plan(request, patient_id, plan_id, audit_action="plan.view")
    signing = services.plan_signing_check(plan, plan.soft_reasons) if plan.status == Plan.Status.DRAFT else None
    sessions, shown, prediction = _sessions_with_predictions(plan)
    context = {
        "patient": patient, "plan": plan, "sessions": sessions, "signing": signing,
        "sign_form": forms.SignForm(), "history": _history(plan),
        "bookings": bookings_for_plan(plan=plan), "chart_session": shown, "prediction": prediction,
        "weights_in_error": weights_read_then_entered_in_error(plan),
    }  # fmt: skip
    return render(request, "plans/plan_detail.html", context)


@require_http_methods(["GET"])
def plan_prediction_svg(request, patient_id, plan_id: int):
    """The predicted plasma ketamine of one planned session (``?session=N``, default the highest peak) for
    the plan's dosing weight: a model prediction, with the effect bands as reference ranges."""
    patient, plan = _plan(request, patient_id, plan_id, audit_action="plan.prediction")
    sessions = list(plan.sessions.all())
    predictions = dosing.plan_session_predictions(plan, sessions)
    if not predictions:
        raise Http404("No dosing weight: no prediction.")
    try:
        index = int(request.GET.get("session") or max(predictions, key=lambda i: predictions[i].cmax_mg_per_l))
    except ValueError:
        raise Http404("No such session.") from None
    if index not in predictions:
        raise Http404("No such session.")
    title = f"Session {index}, {plan.dosing_weight_kg} kg — predicted Cp ({predictions[index].model_code})"
    response = HttpResponse(prediction_svg(predictions[index], title=title), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def _history(plan: Plan) -> list[Plan]:
    """The versions this plan replaced, newest first (bounded: a plan is amended a handful of times)."""
    chain, current = [], plan.amends
    while current is not None and len(chain) < 20:
        chain.append(current)
        current = current.amends
    return chain


@require_POST
def plan_sign(request, patient_id, plan_id: int):
    patient, plan = _plan(request, patient_id, plan_id)
    form = forms.SignForm(request.POST)
    reasons = {name: request.POST.get(f"reason_{name}", "") for name in plan.dose_check["soft_limits"]}
    error = None
    if form.is_valid():
        try:
            services.plan_sign(actor=request.user, request=request, plan=plan, soft_reasons=reasons, **form.cleaned_data)
        except DomainValidationError as exc:
            error = f"{exc.field}: {exc.message}"
        except services.SigningRefused as exc:
            error = "Not signed: " + " ".join(exc.blockers)
        else:
            messages.success(request, "Plan signed and locked.")
            return redirect("plans:detail", patient_id=patient.pk, plan_id=plan.pk)
    else:
        error = "Enter your password and the meaning of your signature."
    signing = services.plan_signing_check(plan, reasons)
    sessions, shown, prediction = _sessions_with_predictions(plan)
    context = {
        "patient": patient, "plan": plan, "sessions": sessions, "signing": signing,
        "chart_session": shown, "prediction": prediction,
        "sign_form": form, "sign_error": error, "entered_reasons": reasons, "history": _history(plan),
    }  # fmt: skip
    return render(request, "plans/plan_detail.html", context, status=422)


@require_http_methods(["GET", "POST"])
def plan_amend(request, patient_id, plan_id: int):
    patient, original = _plan(request, patient_id, plan_id)
    initial = {f: getattr(original, f) for f in PLAN_FIELDS} | {"protocol": original.protocol_code}
    form = forms.PlanAmendForm(request.POST or None, initial=initial)
    goals_form = forms.GoalsForm(request.POST or None, initial=forms.GoalsForm.initial_for(original.goals))
    if request.method == "POST" and all([form.is_valid(), goals_form.is_valid()]):
        data = dict(form.cleaned_data)
        try:
            if original.status not in (Plan.Status.SIGNED, Plan.Status.DRAFT) or hasattr(original, "amended_by"):
                raise DomainValidationError("plan", "only the current version of a plan can be amended")
            plan = services.plan_create(actor=request.user, request=request, patient=patient, amends=original,
                                        goals=goals_form.rows(), **data)  # fmt: skip
        except GoalProblems as exc:
            goals_form.add_problems(exc)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            return redirect("plans:detail", patient_id=patient.pk, plan_id=plan.pk)
    context = {"patient": patient, "form": form, "goals_form": goals_form, "original": original,
               "protocol": original.protocol_code}  # fmt: skip
    return render(request, "plans/plan_form.html", context, status=422 if form.errors or goals_form.errors else 200)


@require_http_methods(["GET"])
def handout(request, patient_id, plan_id: int):
    patient, plan = _plan(request, patient_id, plan_id, audit_action="plan.handout")
    return render(request, "plans/handout.html", handout_context(plan))


@require_http_methods(["GET"])
def handout_pdf_view(request, patient_id, plan_id: int):
    patient, plan = _plan(request, patient_id, plan_id, audit_action="plan.handout_pdf")
    response = HttpResponse(handout_pdf(plan), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{plan.pk}-what-to-expect.pdf"'
    return response
