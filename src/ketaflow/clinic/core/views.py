from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ketaflow.clinic.accounts.roles import CLINICAL_ROLES, Role
from ketaflow.clinic.assessments.selectors import open_tasks
from ketaflow.clinic.patients.models import Patient


@require_http_methods(["GET"])
def home(request):
    if request.user.role == Role.PATIENT:
        patient = Patient.objects.filter(user=request.user).only("pk").first()
        if patient is not None:
            return redirect("patients:chart", patient_id=patient.pk)
        return render(request, "core/no_record.html")
    tasks = open_tasks(limit=20) if request.user.role in CLINICAL_ROLES else []
    return render(request, "core/home.html", {"patient_count": Patient.objects.count(), "tasks": tasks})
