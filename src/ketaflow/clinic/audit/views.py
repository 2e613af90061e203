from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ketaflow.clinic.audit.selectors import audit_entries_for_patient
from ketaflow.clinic.audit.verify import audit_verify
from ketaflow.clinic.patients.selectors import patient_get


@require_http_methods(["GET"])
def patient_trail(request, patient_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="audit.view_trail")
    entries = audit_entries_for_patient(patient_id=patient.pk)
    return render(request, "audit/patient_trail.html", {"patient": patient, "entries": entries})


@require_http_methods(["GET"])
def verify(request):
    return render(request, "audit/verify.html", {"result": audit_verify()})
