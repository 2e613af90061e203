from ketaflow.clinic.audit.models import AuditEntry


def audit_entries_for_patient(*, patient_id: str, limit: int = 200):
    return list(AuditEntry.objects.filter(patient_id=str(patient_id)).order_by("-seq")[:limit])
