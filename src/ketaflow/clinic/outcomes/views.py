"""Outcome pages: the staff worklist, a patient's response summary and timeline, acting on proposals."""

from __future__ import annotations

from django import forms as dj_forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.core.forms import NoNulCharField, add_domain_error
from ketaflow.clinic.outcomes import selectors, services
from ketaflow.clinic.outcomes.models import Proposal
from ketaflow.clinic.outcomes.timeline import timeline_input
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.clinic.plans.catalogue import PLAN_KIND, protocol_choices
from ketaflow.clinic.plans.forms import GoalsForm, PlanForm
from ketaflow.clinic.plans.models import Plan
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.plans.goal_catalogue import GoalProblems
from ketaflow.domain.plans.goals import default_goals
from ketaflow.reports.timeline import timeline_svg


class CloseForm(dj_forms.Form):
    outcome = dj_forms.ChoiceField(choices=[("dismissed", "Dismiss"), ("acted_on", "Review done")])
    reason = NoNulCharField(max_length=300, label="Reason / what was decided")


@require_GET
def worklist(request):
    services.outcomes_evaluate_all(trigger="worklist")
    rows = selectors.worklist()
    audit_record(actor=request.user, action="worklist.view", request=request, object_type="worklist",
                 detail={"patients": len(rows)})  # fmt: skip
    return render(request, "outcomes/worklist.html", {"rows": rows})


def _summary_context(request, patient) -> dict:
    decisions = selectors.current_decisions(patient=patient)
    plans = list(Plan.objects.filter(pk__in=decisions).order_by("-start_date"))
    courses = [{"plan": p, **{k: d for k, d in decisions[p.pk].items()}} for p in plans]
    return {"patient": patient, "courses": courses, "proposals": selectors.proposals_for_patient(patient=patient),
            "diary": selectors.diary_state(patient=patient), "close_form": CloseForm(), "now": timezone.now()}  # fmt: skip


@require_GET
def patient_outcomes(request, patient_id):
    """The response summary (evaluated now; stored only if something changed) and the timeline."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="outcomes.view")
    services.outcomes_evaluate_if_stale(patient=patient, trigger="chart")
    context = _summary_context(request, patient)
    if request.GET.get("partial") == "panel":
        return render(request, "outcomes/patient_outcomes.html#panel", context)
    return render(request, "outcomes/patient_outcomes.html", context)


@require_GET
def timeline(request, patient_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="outcomes.timeline")
    return HttpResponse(timeline_svg(timeline_input(patient=patient)), content_type="image/svg+xml")


def _proposal(request, proposal_id, audit_action: str = "") -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("patient", "plan"), pk=proposal_id)
    patient_get(user=request.user, patient_id=proposal.patient_id, request=request, audit_action=audit_action)
    return proposal


@require_http_methods(["GET", "POST"])
def booster_draft(request, proposal_id: int):
    """A plan form prefilled from the booster protocol and the dose last given; the prescriber then signs."""
    proposal = _proposal(request, proposal_id, audit_action="proposal.view")
    if proposal.kind != Proposal.Kind.BOOSTER:
        raise Http404("Not a booster proposal.")
    if proposal.status != Proposal.Status.OPEN:
        if proposal.booster_plan_id:
            return redirect("plans:detail", patient_id=proposal.patient_id, plan_id=proposal.booster_plan_id)
        messages.info(request, f"This proposal is {proposal.get_status_display().lower()}.")
        return redirect("outcomes:patient", patient_id=proposal.patient_id)
    form = PlanForm(request.POST or None, initial=services.booster_initial(proposal))
    protocol_name = dict(protocol_choices()).get(proposal.booster_protocol_code, proposal.booster_protocol_code)
    form.fields["protocol"].choices = [(proposal.booster_protocol_code, protocol_name)]
    # The plan page's goal table: the booster protocol's plan type starts ticked, as on a new plan.
    kind_defaults = [g.as_dict() for g in default_goals(PLAN_KIND.get(proposal.booster_protocol_code, "booster"))]
    goals_form = GoalsForm(request.POST or None, initial=GoalsForm.initial_for(kind_defaults))
    if request.method == "POST" and all([form.is_valid(), goals_form.is_valid()]):
        data = dict(form.cleaned_data)
        data.pop("protocol")
        try:
            plan = services.booster_draft(actor=request.user, request=request, proposal=proposal,
                                          goals=goals_form.rows(), **data)  # fmt: skip
        except GoalProblems as exc:
            goals_form.add_problems(exc)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Booster plan drafted from the proposal: review the dose checks and sign.")
            return redirect("plans:detail", patient_id=proposal.patient_id, plan_id=plan.pk)
    context = {"patient": proposal.patient, "proposal": proposal, "form": form, "goals_form": goals_form,
               "protocol_name": protocol_name, "alerts": selectors.open_alerts(patient=proposal.patient)}  # fmt: skip
    return render(request, "outcomes/booster_form.html", context, status=422 if form.errors or goals_form.errors else 200)


@require_POST
def proposal_close(request, proposal_id: int):
    proposal = _proposal(request, proposal_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_close(actor=request.user, request=request, proposal=proposal, **form.cleaned_data)
        except DomainValidationError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Proposal closed.")
            target = request.POST.get("next", "")
            return redirect(target) if _safe(target) else redirect("outcomes:worklist")
    context = _summary_context(request, proposal.patient) | {"close_form": form, "close_error_for": proposal.pk}
    return render(request, "outcomes/patient_outcomes.html", context, status=422)


def _safe(url: str | None) -> bool:
    return bool(url) and url.startswith("/") and not url.startswith("//")
