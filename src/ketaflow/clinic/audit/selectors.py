from django.core.paginator import Paginator

from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.domain.errors import DomainValidationError

TRAIL_PAGE_SIZE = 100


def audit_entries_for_patient(*, patient_id: str, page: int = 1, strict: bool = False):
    """One page of a patient's audit trail, newest first. Every entry is reachable: a busy record (a diary
    patient has hundreds) was cut at 200 with no sign that older entries existed.

    ``strict``: a page past the last is an error naming the pages there are (the API)."""
    entries = AuditEntry.objects.filter(patient_id=str(patient_id)).order_by("-seq")
    paginator = Paginator(entries, TRAIL_PAGE_SIZE)
    if strict and page > paginator.num_pages:
        raise DomainValidationError("page", f"page {page} is past the last page", f"1–{paginator.num_pages}")
    return paginator.get_page(page)
