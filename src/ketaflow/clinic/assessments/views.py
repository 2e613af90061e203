"""Administering instruments (staff from the chart, patients from the portal) and acknowledging alerts."""

from __future__ import annotations

from fractions import Fraction

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.assessments import services
from ketaflow.clinic.assessments.catalogue import CRISIS_HELP, PORTAL_DIARY, PORTAL_INTAKE
from ketaflow.clinic.assessments.forms import CONTEXT_GROUP, administer_form_class, answers_from, context_from
from ketaflow.clinic.assessments.models import Assessment, ClinicalTask
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import INSTRUMENTS
from ketaflow.domain.instruments.base import format_number


def _instrument_for(user, instrument_id: str):
    allowed = PORTAL_INTAKE + PORTAL_DIARY if user.role == Role.PATIENT else tuple(INSTRUMENTS)
    if instrument_id not in allowed:
        raise Http404("No such questionnaire.")
    return INSTRUMENTS[instrument_id]


def _grouped(form, definition):
    """Fields grouped by the definition's item groups (FIQR's function/overall/symptoms; ACR's WPI/SSS),
    each with its heading and prompt from the definition; staff scoring options last."""
    groups: list[tuple[str, str, list]] = []
    last = None
    for name, field in form.fields.items():
        group = getattr(field, "group", "")
        if group != last:
            label, prompt = ("Scoring", "Blood pressures and rules this score is computed with.") \
                if group == CONTEXT_GROUP else definition.group_heading(group) if group else ("", "")
            groups.append((label, prompt, []))
            last = group
        groups[-1][2].append(form[name])
    return groups


def _add_problem(form, problem: DomainValidationError, *, for_patient: bool = False) -> None:
    message = f"{problem.message}. Allowed: {problem.allowed}" if problem.allowed else problem.message
    if for_patient and problem.field in form.fields:
        # A patient needs the question marked, not the scoring rule or the answer codes behind it.
        message = "Please answer this question." if "missing" in problem.message else "Please choose one of the answers."
    form.add_error(problem.field if problem.field in form.fields else None, message)


def _not_scorable(definition, result) -> dict:
    """Why the instrument's own rule refuses to score, and which questions are unanswered (by their text)."""
    missing = [definition.item(link_id).text for ids in result.details.get("missing_items", {}).values()
               for link_id in ids]
    return {"reason": result.invalid_reason, "missing": missing}


@require_http_methods(["GET", "POST"])
def administer(request, patient_id, instrument_id: str):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    instrument = _instrument_for(request.user, instrument_id)
    form_class = administer_form_class(instrument, staff=request.user.role != Role.PATIENT)
    form = form_class(request.POST or None)
    not_scorable = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                assessment = services.assessment_record(
                    actor=request.user, request=request, patient=patient, instrument_id=instrument_id,
                    answers=answers_from(form), context=context_from(form),
                )  # fmt: skip
            except services.AnswerProblems as exc:
                for problem in exc.problems:
                    _add_problem(form, problem, for_patient=request.user.role == Role.PATIENT)
            except DomainValidationError as exc:
                _add_problem(form, exc, for_patient=request.user.role == Role.PATIENT)
            except services.NotScorable as exc:
                not_scorable = _not_scorable(instrument.definition, exc.result)
            else:
                messages.success(request, f"{instrument.definition.title} saved.")
                return redirect("assessments:detail", patient_id=patient.pk, assessment_id=assessment.pk)
    context = {
        "patient": patient, "instrument": instrument.definition, "form": form,
        "groups": _grouped(form, instrument.definition), "not_scorable": not_scorable,
    }  # fmt: skip
    return render(request, "assessments/administer.html", context, status=status)


def _answer_rows(definition, inputs: dict) -> list[tuple[str, object, str]]:
    """(question, points, the answer's label): a PGIC answer reads "Much improved", not only 2."""
    rows = []
    for item in definition.items:
        value = inputs.get(item.link_id)
        option = item.option_for(value) if isinstance(value, int) and item.kind != "integer" else None
        label = ("Yes" if value else "No") if item.kind == "boolean" and value is not None else (
            option.label if option and option.label != str(value) else "")
        rows.append((item.text, value, label))
    return rows


@require_http_methods(["GET"])
def detail(request, patient_id, assessment_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="assessment.view")
    assessment = get_object_or_404(Assessment, patient=patient, pk=assessment_id)
    definition = INSTRUMENTS[assessment.instrument_id].definition
    inputs = assessment.result["inputs"]
    context = {
        "crisis_help": CRISIS_HELP,
        "patient": patient, "assessment": assessment, "definition": definition,
        "rows": _answer_rows(definition, inputs),
        "subscores": [(name.replace("_", " "), _decimal(value, assessment.result.get("display_decimals", 0)))
                      for name, value in assessment.result.get("subscores", {}).items()],
        "scoring_inputs": _scoring_inputs(assessment.result, definition),
        "patient_view": request.user.role == Role.PATIENT,
    }  # fmt: skip
    return render(request, "assessments/detail.html", context)


def _scoring_inputs(result: dict, definition) -> list[tuple[str, str]]:
    """What the score was computed from besides the answers (Aldrete: baseline and current systolic BP)."""
    rows = [(k.replace("_", " ").replace(" mmhg", " (mmHg)"), str(v)) for k, v in result["inputs"].items()
            if k not in definition.link_ids]
    details = result.get("details", {})
    if details.get("circulation_deviation") is not None:
        rows.append(("circulation: deviation from baseline",
                     f"{_decimal(details['circulation_deviation'], 1)} {details['circulation_deviation_unit']}"))
    return rows


def _decimal(value, decimals: int) -> str:
    """A stored exact sub-score ("46/3") shown as a number (15.3); the exact value stays in the record."""
    return "—" if value is None else format_number(Fraction(value), max(decimals, 1) if "/" in str(value) else 0)


@require_POST
def task_acknowledge(request, task_id: int):
    task = get_object_or_404(ClinicalTask.objects.select_related("patient"), pk=task_id)
    try:
        services.task_acknowledge(actor=request.user, request=request, task=task, note=request.POST.get("note", ""))
    except DomainValidationError as exc:
        allowed = f" (allowed: {exc.allowed})" if exc.allowed else ""
        messages.error(request, f"Not acknowledged: {exc.field} {exc.message}{allowed}.")
    else:
        messages.success(request, "Acknowledged; your note is on the patient's record.")
    # Only a path on this site: a crafted "next" must not send staff to another host (open redirect).
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "home"
    return redirect(target)
