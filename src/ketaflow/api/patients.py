"""Patient and intake endpoints: parse, call one service or selector, serialize."""

from __future__ import annotations

import uuid
from typing import Literal

from django.utils import timezone
from ninja import Query, Status

from ketaflow.api.base import ObjectId, errors, operation
from ketaflow.api.patient_schemas import (
    AllergyIn,
    AllergyOut,
    AuditPageOut,
    ConditionIn,
    ConditionOut,
    ConsultationAmendIn,
    ConsultationIn,
    ConsultationOut,
    IntakeRemovedOut,
    IntakeRemoveIn,
    MeasurementIn,
    MeasurementInErrorIn,
    MeasurementOut,
    MeasurementRecordOut,
    MedicationIn,
    MedicationOut,
    PatientIn,
    PatientOut,
    PatientPageOut,
    PatientUpdateIn,
    SearchIn,
    TherapyIn,
    TherapyOut,
    TimelineEventOut,
)
from ketaflow.clinic.audit.selectors import audit_entries_for_patient
from ketaflow.clinic.patients import services
from ketaflow.clinic.patients.models import Consultation
from ketaflow.clinic.patients.selectors import consultation_get, patient_chart, patient_get, patient_search

TAGS = ["patients"]
IntakeKind = Literal["allergy", "medication", "condition", "therapy"]


def _patient_out(patient) -> dict:
    chart = patient_chart(patient=patient)
    return {
        **{f: getattr(patient, f) for f in ("id", "record_number", "given_name", "family_name", "date_of_birth")},
        **{f: getattr(patient, f) for f in services.PATIENT_FIELDS if f not in ("given_name", "family_name")},
        "email": patient.email or "",
        "version": patient.version,
        "latest_measurement": chart.latest_measurement,
        "allergies": chart.allergies,
        "medications": chart.medications,
        "conditions": chart.conditions,
        "prior_therapies": chart.therapies,
    }


def _page_out(page_obj) -> dict:
    return {
        "count": page_obj.paginator.count,
        "page": page_obj.number,
        "pages": page_obj.paginator.num_pages,
        "results": list(page_obj.object_list),
    }


@operation("get", "/patients", "patient_list", response={200: PatientPageOut, **errors(422)}, tags=TAGS)
def patient_list(request, page: int = Query(1, ge=1, le=100000)):
    """All patients you may see, 25 a page, by name."""
    return _page_out(patient_search(user=request.user, page=page, request=request, strict=True))


@operation("post", "/patients/search", "patient_search", response={200: PatientPageOut, **errors(422)}, tags=TAGS)
def patient_search_op(request, body: SearchIn):
    """Search by name, date of birth or record number (in the body, so nothing identifying is in the URL)."""
    return _page_out(patient_search(user=request.user, query=body.q, page=body.page, request=request, strict=True))


@operation("post", "/patients", "patient_create", response={201: PatientOut, **errors(422)}, tags=TAGS)
def patient_create(request, body: PatientIn):
    data = body.dict()
    data["email"] = data["email"] or ""
    patient = services.patient_register(actor=request.user, request=request, today=timezone.localdate(), **data)
    return Status(201, _patient_out(patient))


@operation("get", "/patients/{patient_id}", "patient_get", response={200: PatientOut, **errors(404, 422)}, tags=TAGS)
def patient_get_op(request, patient_id: uuid.UUID):
    return _patient_out(patient_get(user=request.user, patient_id=patient_id, request=request))


@operation("put", "/patients/{patient_id}", "patient_update", response={200: PatientOut, **errors(404, 409, 422)}, tags=TAGS
)
def patient_update(request, patient_id: uuid.UUID, body: PatientUpdateIn):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    data = body.dict()
    data["email"] = data["email"] or ""
    version = data.pop("version")
    patient = services.patient_update(
        actor=request.user, request=request, patient=patient, expected_version=version,
        today=timezone.localdate(), **data,
    )  # fmt: skip
    return _patient_out(patient)


def _add(request, patient_id, service, body, **extra):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    return Status(201, service(actor=request.user, request=request, patient=patient, **body.dict(), **extra))


@operation("post", "/patients/{patient_id}/measurements", "measurement_add",
    response={201: MeasurementOut, **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def measurement_add(request, patient_id: uuid.UUID, body: MeasurementIn):
    return _add(request, patient_id, services.measurement_add, body, today=timezone.localdate())


def _measurement_record_out(m) -> dict:
    return {
        **{f: getattr(m, f) for f in ("id", "weight_kg", "height_cm", "measured_on", "recorded_at")},
        "entered_in_error": m.entered_in_error_at is not None,
        "entered_in_error_at": m.entered_in_error_at,
        "entered_in_error_by": m.entered_in_error_by.display_name if m.entered_in_error_by else "",
        "entered_in_error_reason": m.entered_in_error_reason,
    }


@operation("get", "/patients/{patient_id}/measurements", "measurement_list",
    response={200: list[MeasurementRecordOut], **errors(404)}, tags=TAGS,
)  # fmt: skip
def measurement_list(request, patient_id: uuid.UUID):
    """Every weight and height recorded (newest measured first, at most 200), including those marked
    entered in error; ``latest_measurement`` on the patient is the newest not entered in error."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request)
    rows = patient.measurements.select_related("entered_in_error_by")[:200]
    return [_measurement_record_out(m) for m in rows]


@operation("post", "/patients/{patient_id}/measurements/{measurement_id}/entered-in-error",
    "measurement_mark_in_error", response={200: MeasurementRecordOut, **errors(404)}, tags=TAGS,
)  # fmt: skip
def measurement_mark_in_error(request, patient_id: uuid.UUID, measurement_id: ObjectId, body: MeasurementInErrorIn):
    """Mark a weight/height entered in error, with the reason. The row is kept (GET the measurements or the
    timeline); the current weight, dosing and the infusion check-in stop reading it. Already marked → 422
    naming ``measurement_id``; another patient's measurement → 404."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    m = services.measurement_mark_in_error(
        actor=request.user, request=request, patient=patient, measurement_id=measurement_id, reason=body.reason
    )
    return _measurement_record_out(m)


@operation("post", "/patients/{patient_id}/allergies", "allergy_add", response={201: AllergyOut, **errors(404, 422)}, tags=TAGS
)
def allergy_add(request, patient_id: uuid.UUID, body: AllergyIn):
    return _add(request, patient_id, services.allergy_add, body)


@operation("post", "/patients/{patient_id}/medications", "medication_add",
    response={201: MedicationOut, **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def medication_add(request, patient_id: uuid.UUID, body: MedicationIn):
    return _add(request, patient_id, services.medication_add, body)


@operation("post", "/patients/{patient_id}/conditions", "condition_add",
    response={201: ConditionOut, **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def condition_add(request, patient_id: uuid.UUID, body: ConditionIn):
    return _add(request, patient_id, services.condition_add, body)


@operation("post", "/patients/{patient_id}/prior-therapies", "therapy_add",
    response={201: TherapyOut, **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def therapy_add(request, patient_id: uuid.UUID, body: TherapyIn):
    return _add(request, patient_id, services.therapy_add, body)


@operation("post", "/patients/{patient_id}/intake/{kind}/{entry_id}/remove", "intake_remove",
    response={200: IntakeRemovedOut, **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def intake_remove(request, patient_id: uuid.UUID, kind: IntakeKind, entry_id: ObjectId, body: IntakeRemoveIn):
    """Take an allergy, medication, condition or prior therapy off the current intake, with the reason. The
    entry is kept (GET the timeline); screening reads current entries only."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    entry = services.intake_entry_remove(
        actor=request.user, request=request, patient=patient, kind=kind, entry_id=entry_id, reason=body.reason
    )
    return {"kind": kind, "id": entry.pk, "active": entry.active, "ended_at": entry.ended_at,
            "ended_by": entry.ended_by.display_name, "end_reason": entry.end_reason}  # fmt: skip


def _consultation_out(c: Consultation) -> dict:
    return {
        **{f: getattr(c, f) for f in ("id", "occurred_on", "reason_for_referral", "history", "findings")},
        "plan_discussed": c.plan_discussed,
        "author": c.author.display_name,
        "signed_at": c.signed_at,
        "amends": c.amends_id,
        "amendment_reason": c.amendment_reason,
    }


@operation("post", "/patients/{patient_id}/consultations", "consultation_add",
    response={201: ConsultationOut, **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def consultation_add(request, patient_id: uuid.UUID, body: ConsultationIn):
    """Record and sign the initial consultation (prescribers). Signed notes are locked."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    consultation = services.consultation_record(
        actor=request.user, request=request, patient=patient, today=timezone.localdate(), **body.dict()
    )
    return Status(201, _consultation_out(consultation))


@operation("post", "/patients/{patient_id}/consultations/{consultation_id}/amend", "consultation_amend",
    response={201: ConsultationOut, **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def consultation_amend(request, patient_id: uuid.UUID, consultation_id: ObjectId, body: ConsultationAmendIn):
    """Amend a signed consultation (prescribers): a new signed version that points to the one it replaces,
    which stays as it was. Only the latest version can be amended."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    original = consultation_get(patient=patient, consultation_id=consultation_id)
    data = body.dict()
    reason = data.pop("amendment_reason")
    amended = services.consultation_amend(
        actor=request.user, request=request, original=original, reason=reason, today=timezone.localdate(), **data
    )
    return Status(201, _consultation_out(amended))


@operation("get", "/patients/{patient_id}/consultations", "consultation_list",
    response={200: list[ConsultationOut], **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def consultation_list(request, patient_id: uuid.UUID):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="consultation.list")
    return [_consultation_out(c) for c in patient_chart(patient=patient).consultations]


@operation("get", "/patients/{patient_id}/timeline", "patient_timeline",
    response={200: list[TimelineEventOut], **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def patient_timeline(request, patient_id: uuid.UUID):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="timeline.view")
    return patient_chart(patient=patient).timeline


@operation("get", "/patients/{patient_id}/audit", "audit_patient",
    response={200: AuditPageOut, **errors(404, 422)}, tags=["audit"],
)  # fmt: skip
def audit_patient(request, patient_id: uuid.UUID, page: int = Query(1, ge=1, le=100000)):
    """The patient's audit trail, newest first, 100 entries a page."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="audit.view_trail")
    return _page_out(audit_entries_for_patient(patient_id=patient.pk, page=page, strict=True))
