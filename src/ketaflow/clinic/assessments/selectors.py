from __future__ import annotations

from ketaflow.clinic.assessments.models import Assessment, ClinicalTask

HISTORY_LIMIT = 50


def assessments_for_patient(*, patient, limit: int = HISTORY_LIMIT) -> list[Assessment]:
    return list(Assessment.objects.filter(patient=patient).select_related("entered_by")[:limit])


def latest_by_instrument(assessments: list[Assessment]) -> dict[str, Assessment]:
    latest: dict[str, Assessment] = {}
    for a in assessments:  # already newest first
        latest.setdefault(a.instrument_id, a)
    return latest


def latest_valid(*, patient, instrument_ids: tuple[str, ...]) -> Assessment | None:
    return (
        Assessment.objects.filter(patient=patient, instrument_id__in=instrument_ids, invalid=False)
        .order_by("-administered_at", "-pk")
        .first()
    )


def open_tasks(*, limit: int = 100) -> list[ClinicalTask]:
    return list(
        ClinicalTask.objects.filter(acknowledged_at__isnull=True)
        .select_related("patient")
        .order_by("-created_at")[:limit]
    )


def tasks_for_patient(*, patient, limit: int = 20) -> list[ClinicalTask]:
    return list(ClinicalTask.objects.filter(patient=patient).select_related("acknowledged_by")[:limit])
