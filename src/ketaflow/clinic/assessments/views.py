"""Administering instruments (staff from the chart, patients from the portal) and acknowledging alerts."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.assessments import services
from ketaflow.clinic.assessments.catalogue import PORTAL_DIARY, PORTAL_INTAKE
from ketaflow.clinic.assessments.forms import answers_from, instrument_form_class
from ketaflow.clinic.assessments.models import Assessment, ClinicalTask
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import INSTRUMENTS


def _instrument_for(user, instrument_id: str):
    allowed = PORTAL_INTAKE + PORTAL_DIARY if user.role == Role.PATIENT else tuple(INSTRUMENTS)
    if instrument_id not in allowed:
        raise Http404("No such questionnaire.")
    return INSTRUMENTS[instrument_id]


def _grouped(form, definition):
    """Fields grouped by the definition's item groups (FIQR's function/overall/symptoms; ACR's WPI/SSS)."""
    groups: list[tuple[str, list]] = []
    for item in definition.items:
        if not groups or groups[-1][0] != item.group:
            groups.append((item.group, []))
        groups[-1][1].append(form[item.link_id])
    return groups


@require_http_methods(["GET", "POST"])
def administer(request, patient_id, instrument_id: str):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    instrument = _instrument_for(request.user, instrument_id)
    form_class = instrument_form_class(instrument.definition)
    form = form_class(request.POST or None)
    not_scorable = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                assessment = services.assessment_record(
                    actor=request.user, request=request, patient=patient, instrument_id=instrument_id,
                    answers=answers_from(form),
                )  # fmt: skip
            except DomainValidationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, f"{exc.message}. Allowed: {exc.allowed}")
            except services.NotScorable as exc:
                not_scorable = exc.result.invalid_reason
            else:
                messages.success(request, f"{instrument.definition.title} saved.")
                return redirect("assessments:detail", patient_id=patient.pk, assessment_id=assessment.pk)
    context = {
        "patient": patient, "instrument": instrument.definition, "form": form,
        "groups": _grouped(form, instrument.definition), "not_scorable": not_scorable,
    }  # fmt: skip
    return render(request, "assessments/administer.html", context, status=status)


@require_http_methods(["GET"])
def detail(request, patient_id, assessment_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="assessment.view")
    assessment = get_object_or_404(Assessment, patient=patient, pk=assessment_id)
    definition = INSTRUMENTS[assessment.instrument_id].definition
    rows = [(item.text, assessment.result["inputs"].get(item.link_id)) for item in definition.items]
    context = {"patient": patient, "assessment": assessment, "definition": definition, "rows": rows}
    return render(request, "assessments/detail.html", context)


@require_POST
def task_acknowledge(request, task_id: int):
    task = get_object_or_404(ClinicalTask.objects.select_related("patient"), pk=task_id)
    try:
        services.task_acknowledge(actor=request.user, request=request, task=task, note=request.POST.get("note", ""))
    except DomainValidationError as exc:
        messages.error(request, f"Not acknowledged: {exc.field} {exc.message}.")
    else:
        messages.success(request, "Acknowledged; your note is on the patient's record.")
    # Only a path on this site: a crafted "next" must not send staff to another host (open redirect).
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "home"
    return redirect(target)
