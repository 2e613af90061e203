"""Instruments, administered assessments and clinical tasks (e.g. PHQ-9 item 9 alerts)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Schema, Status
from pydantic import Field

from ketaflow.api.base import ObjectId, SafeStr, errors, operation
from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.assessments import services
from ketaflow.clinic.assessments.catalogue import CRISIS_HELP, PORTAL_INTAKE
from ketaflow.clinic.assessments.models import ClinicalTask
from ketaflow.clinic.assessments.selectors import assessments_for_patient, open_tasks
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import INSTRUMENTS, get_instrument

TAGS = ["assessments"]


class AssessmentIn(Schema):
    instrument_id: SafeStr = Field(max_length=40, description="an id from GET /api/instruments")
    # float is accepted here only so that 2.5 gets the instrument's own error (item + allowed values).
    answers: dict[SafeStr, int | float | SafeStr | bool | None] = Field(
        description="item link_id → points or option code; every bad item is listed in one 422"
    )
    context: dict[SafeStr, Any] = Field(default_factory=dict, description="scoring options, e.g. band_set")


class AssessmentOut(Schema):
    id: int
    instrument_id: str
    instrument_version: str
    administered_at: dt.datetime
    entered_by_role: str
    entered_via: str
    result: dict
    crisis_help: list[str] | None = Field(
        None, description="PHQ-9 item 9 above 0: what the patient is shown at once (the clinic is notified too)"
    )

    @staticmethod
    def resolve_crisis_help(obj):
        flags = (obj.result or {}).get("flags", []) if hasattr(obj, "result") else []
        return list(CRISIS_HELP) if any(f.get("code") == "suicide_risk" for f in flags) else None


class TaskOut(Schema):
    id: int
    patient_id: uuid.UUID
    code: str
    severity: str
    message: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    response_note: str


class AcknowledgeIn(Schema):
    note: SafeStr = Field(min_length=1, max_length=400, description="what was done")


@operation("get", "/instruments", "instrument_list", response={200: list[dict], **errors()}, tags=TAGS)
def instrument_list(request):
    """Every instrument with its items and options (patients see the intake questionnaires only)."""
    ids = PORTAL_INTAKE if request.user.role == Role.PATIENT else tuple(INSTRUMENTS)
    return [INSTRUMENTS[i].form_spec() for i in ids]


@operation("get", "/instruments/{instrument_id}", "instrument_get", response={200: dict, **errors(404)}, tags=TAGS)
def instrument_get(request, instrument_id: str):
    if instrument_id not in INSTRUMENTS or (request.user.role == Role.PATIENT and instrument_id not in PORTAL_INTAKE):
        return Status(404, {"detail": "Not found."})
    return INSTRUMENTS[instrument_id].form_spec()


@operation(
    "post", "/patients/{patient_id}/assessments", "assessment_create",
    response={201: AssessmentOut, **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def assessment_create(request, patient_id: uuid.UUID, body: AssessmentIn):
    """Score and save an instrument. A questionnaire its own rules cannot score is a 422 with the reason."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    if request.user.role == Role.PATIENT and body.instrument_id not in PORTAL_INTAKE:
        raise DomainValidationError("instrument_id", "is not a portal questionnaire", ", ".join(PORTAL_INTAKE))
    get_instrument(body.instrument_id)
    try:
        assessment = services.assessment_record(
            actor=request.user, request=request, patient=patient, instrument_id=body.instrument_id,
            answers=body.answers, context=body.context,
        )  # fmt: skip
    except services.AnswerProblems as exc:
        return Status(422, {"detail": [p.as_dict() for p in exc.problems]})
    except services.NotScorable as exc:
        missing = ", ".join(sum(exc.result.details.get("missing_items", {}).values(), []))
        raise DomainValidationError(
            "answers", f"cannot be scored: {exc.result.invalid_reason}", f"answer the missing items: {missing}"
        ) from None
    return Status(201, assessment)


@operation(
    "get", "/patients/{patient_id}/assessments", "assessment_list",
    response={200: list[AssessmentOut], **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def assessment_list(request, patient_id: uuid.UUID):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="assessment.list")
    return assessments_for_patient(patient=patient)


@operation("get", "/tasks", "task_list", response={200: list[TaskOut], **errors()}, tags=TAGS)
def task_list(request):
    """Open clinical tasks (urgent alerts first to be acknowledged)."""
    return open_tasks()


@operation(
    "post", "/tasks/{task_id}/acknowledge", "task_acknowledge", response={200: TaskOut, **errors(404, 422)}, tags=TAGS
)
def task_acknowledge(request, task_id: ObjectId, body: AcknowledgeIn):
    task = get_object_or_404(ClinicalTask, pk=task_id)
    return services.task_acknowledge(actor=request.user, request=request, task=task, note=body.note)
