from ketaflow.clinic.screening.models import ScreeningRecord


def latest_screening(*, patient) -> ScreeningRecord | None:
    return ScreeningRecord.objects.filter(patient=patient).select_related("run_by").first()


def screenings_for_patient(*, patient, limit: int = 20) -> list[ScreeningRecord]:
    return list(ScreeningRecord.objects.filter(patient=patient).select_related("run_by")[:limit])
