"""Screening decisions with their reasons and sources, overrides, and the evidence list."""

from __future__ import annotations

import datetime as dt
import uuid

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Schema, Status
from pydantic import Field

from ketaflow.api.base import ObjectId, SafeStr, errors, operation
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.clinic.screening import services
from ketaflow.clinic.screening.models import ScreeningRecord
from ketaflow.clinic.screening.selectors import screenings_for_patient
from ketaflow.domain.evidence import load_studies

TAGS = ["screening"]


class ScreeningIn(Schema):
    indication: SafeStr = Field("fibromyalgia", description="a comorbidity code the rules know as an indication")


class OverrideIn(Schema):
    reason: SafeStr = Field(min_length=1, max_length=500)


class ScreeningOut(Schema):
    id: int
    indication: str
    outcome: str
    reasons: list[dict]
    rule_set_version: str
    policy_version: str
    screened_on: dt.date
    cleared_by_override: bool
    may_proceed: bool
    inputs: dict


@operation(
    "post", "/patients/{patient_id}/screenings", "screening_run",
    response={201: ScreeningOut, **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def screening_run(request, patient_id: uuid.UUID, body: ScreeningIn):
    """Run the versioned screening rules on the patient's intake and latest ACR and PHQ-9 results."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    record = services.screening_run(
        actor=request.user, request=request, patient=patient, indication=body.indication, today=timezone.localdate()
    )
    return Status(201, record)


@operation(
    "get", "/patients/{patient_id}/screenings", "screening_list",
    response={200: list[ScreeningOut], **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def screening_list(request, patient_id: uuid.UUID):
    """Screening decisions, newest first."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="screening.list")
    return screenings_for_patient(patient=patient)


@operation(
    "post", "/screenings/{record_id}/overrides", "screening_override",
    response={201: ScreeningOut, **errors(404, 422)}, tags=TAGS,
)  # fmt: skip
def screening_override(request, record_id: ObjectId, body: OverrideIn):
    """A prescriber's signed reason; an absolute contraindication needs a second prescriber's co-signature."""
    record = get_object_or_404(ScreeningRecord, pk=record_id)
    return Status(201, services.screening_override(actor=request.user, request=request, record=record, reason=body.reason))


@operation("get", "/evidence", "evidence_list", response={200: list[dict], **errors()}, tags=TAGS)
def evidence_list(request):
    """The studies the rules cite (design, N, dose, effect, duration)."""
    return [s.as_dict() for s in load_studies()]
