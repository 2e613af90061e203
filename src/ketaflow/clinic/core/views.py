from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ketaflow.clinic.accounts.roles import CLINICAL_ROLES, Role
from ketaflow.clinic.assessments.selectors import open_tasks
from ketaflow.clinic.infusions.selectors import sessions_in_progress
from ketaflow.clinic.patients.models import Patient


@require_http_methods(["GET"])
def home(request):
    if request.user.role == Role.PATIENT:
        patient = Patient.objects.filter(user=request.user).only("pk").first()
        if patient is not None:
            return redirect("patients:chart", patient_id=patient.pk)
        return render(request, "core/no_record.html")
    clinical = request.user.role in CLINICAL_ROLES
    tasks = open_tasks(limit=20) if clinical else []
    in_chairs = sessions_in_progress(now=timezone.now()) if clinical else []
    return render(request, "core/home.html", {"patient_count": Patient.objects.count(), "tasks": tasks,
                                              "in_chairs": in_chairs})  # fmt: skip
