from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from ketaflow.clinic.audit.selectors import audit_entries_for_patient
from ketaflow.clinic.audit.verify import audit_verify
from ketaflow.clinic.patients.selectors import patient_get


@require_http_methods(["GET"])
def patient_trail(request, patient_id):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="audit.view_trail")
    try:
        page = int(request.GET.get("page") or 1)
    except ValueError:
        page = 1
    page_obj = audit_entries_for_patient(patient_id=patient.pk, page=page)
    return render(request, "audit/patient_trail.html", {"patient": patient, "page_obj": page_obj})


@require_http_methods(["GET"])
def verify(request):
    return render(request, "audit/verify.html", {"result": audit_verify()})
