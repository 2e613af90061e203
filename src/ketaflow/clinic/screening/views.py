from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ketaflow.clinic.patients.models import code_display
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.clinic.screening import services
from ketaflow.clinic.screening.models import ScreeningRecord
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.evidence import load_studies
from ketaflow.domain.screening import RULES


def indication_choices() -> list[tuple[str, str]]:
    return [(code, code_display("comorbidities", code)) for code in RULES["indications"]]


@require_POST
def run(request, patient_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    indication = request.POST.get("indication", "fibromyalgia")
    try:
        record = services.screening_run(
            actor=request.user, request=request, patient=patient, indication=indication, today=timezone.localdate()
        )
    except DomainValidationError as exc:
        messages.error(request, f"Screening not run: {exc}")
        return redirect("patients:chart", patient_id=patient.pk)
    return redirect("screening:detail", patient_id=patient.pk, record_id=record.pk)


@require_http_methods(["GET"])
def detail(request, patient_id, record_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="screening.view")
    record = get_object_or_404(ScreeningRecord.objects.select_related("run_by"), patient=patient, pk=record_id)
    studies = {s.id: s for s in load_studies()}
    context = {
        "patient": patient, "record": record, "status": services.override_status(record),
        "overrides": list(record.overrides.select_related("prescriber")), "studies": studies,
    }  # fmt: skip
    return render(request, "screening/detail.html", context)


@require_POST
def override(request, patient_id, record_id: int):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    record = get_object_or_404(ScreeningRecord, patient=patient, pk=record_id)
    try:
        record = services.screening_override(
            actor=request.user, request=request, record=record, reason=request.POST.get("reason", "")
        )
    except DomainValidationError as exc:
        allowed = f" (allowed: {exc.allowed})" if exc.allowed else ""
        messages.error(request, f"Override not recorded: {exc.field} {exc.message}{allowed}.")
    else:
        status = services.override_status(record)
        messages.success(request, status.message)
    return redirect("screening:detail", patient_id=patient.pk, record_id=record.pk)


@require_http_methods(["GET"])
def evidence(request):
    return render(request, "screening/evidence.html", {"studies": load_studies()})
