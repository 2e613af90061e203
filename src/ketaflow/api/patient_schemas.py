"""Typed input and output of the patient API. Numeric ranges come from the domain's intake policy."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import EmailStr, Field, WithJsonSchema

from ketaflow.api.base import SafeStr
from ketaflow.domain.intake import DEFAULT_POLICY as P


def _policy_range(low: Decimal, high: Decimal, unit: str, *, nullable: bool = False) -> WithJsonSchema:
    # The range is declared here but checked by the domain rule the pages use, so a value outside it is
    # the same 422 as any other bad input: {field, message, allowed} with both ends of the range
    # (pydantic's own ge/le error named only the end that was crossed).
    options = [{"type": "number", "minimum": float(low), "maximum": float(high)}, {"type": "string"}]
    return WithJsonSchema({
        "anyOf": options + ([{"type": "null"}] if nullable else []),
        "description": f"{low}–{high} {unit} (clinic policy); outside it: 422 naming the field and the range",
    })  # fmt: skip


WeightKg = Annotated[Decimal, _policy_range(P.weight_min_kg, P.weight_max_kg, "kg")]
HeightCm = Annotated[Decimal | None, _policy_range(P.height_min_cm, P.height_max_cm, "cm", nullable=True)]


class PatientFields(Schema):
    given_name: SafeStr = Field(min_length=1, max_length=80)
    family_name: SafeStr = Field(min_length=1, max_length=80)
    date_of_birth: dt.date
    sex: SafeStr = Field(description="female | male | other | unknown")
    phone: SafeStr = Field("", max_length=30)
    email: EmailStr | None = None
    address: SafeStr = Field("", max_length=200)
    emergency_contact_name: SafeStr = Field("", max_length=120)
    emergency_contact_phone: SafeStr = Field("", max_length=30)
    emergency_contact_relation: SafeStr = Field("", max_length=40)
    escort_name: SafeStr = Field("", max_length=120)
    escort_phone: SafeStr = Field("", max_length=30)




class PatientUpdateIn(PatientFields):
    version: int = Field(ge=1, le=2**31 - 1, description="The version you loaded; a stale version answers 409")


class MeasurementIn(Schema):
    weight_kg: WeightKg = Field(decimal_places=1)
    height_cm: HeightCm = Field(None, decimal_places=1)
    measured_on: dt.date


class AllergyIn(Schema):
    substance: SafeStr = Field(min_length=1, max_length=120)
    reaction: SafeStr = Field("", max_length=200)
    severity: SafeStr = Field("unknown", description="mild | moderate | severe | unknown")


class MedicationIn(Schema):
    name: SafeStr = Field(min_length=1, max_length=120)
    drug_class: SafeStr = Field(description="a code from /api/codes/drug_classes")
    dose_text: SafeStr = Field("", max_length=120)


class ConditionIn(Schema):
    code: SafeStr = Field(description="a code from /api/codes/comorbidities")
    note: SafeStr = Field("", max_length=200)


class TherapyIn(Schema):
    therapy: SafeStr = Field(description="a code from /api/codes/prior_therapies")
    outcome: SafeStr = Field(description="failed | partial | not_tolerated")
    duration_weeks: int | None = Field(None, ge=1, le=520)
    note: SafeStr = Field("", max_length=200)


class IntakeRemoveIn(Schema):
    reason: SafeStr = Field(min_length=1, max_length=200, description="why: stopped, resolved, entered in error…")


class IntakeRemovedOut(Schema):
    kind: str
    id: int
    active: bool
    ended_at: dt.datetime
    ended_by: str
    end_reason: str


class PatientIn(PatientFields):
    record_number: SafeStr = Field("", max_length=20, description="Empty: the next KF- number is assigned")
    weight_kg: WeightKg = Field(decimal_places=1)
    height_cm: HeightCm = Field(None, decimal_places=1)
    measured_on: dt.date
    # The intake lists may come with the registration: one request, one transaction, nothing half-saved.
    allergies: list[AllergyIn] = Field(default_factory=list, max_length=50)
    medications: list[MedicationIn] = Field(default_factory=list, max_length=50)
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=50)
    prior_therapies: list[TherapyIn] = Field(default_factory=list, max_length=50)


class ConsultationIn(Schema):
    occurred_on: dt.date
    reason_for_referral: SafeStr = Field(min_length=1, max_length=5000)
    history: SafeStr = Field(min_length=1, max_length=20000)
    findings: SafeStr = Field("", max_length=20000)
    plan_discussed: SafeStr = Field("", max_length=20000)


class ConsultationAmendIn(ConsultationIn):
    amendment_reason: SafeStr = Field(min_length=1, max_length=300, description="why the signed note is amended")


class SearchIn(Schema):
    q: SafeStr = Field("", max_length=100, description="name words, date of birth YYYY-MM-DD, or record number")
    page: int = Field(1, ge=1, le=100000)


class MeasurementOut(Schema):
    id: int
    weight_kg: Decimal
    height_cm: Decimal | None
    measured_on: dt.date


class MeasurementInErrorIn(Schema):
    reason: SafeStr = Field(min_length=1, max_length=500, description="what was wrong, e.g. typed 150 for 68.5 kg")


class MeasurementRecordOut(MeasurementOut):
    """A measurement as recorded, with its entered-in-error mark if it has one (then nothing reads it)."""

    recorded_at: dt.datetime
    entered_in_error: bool
    entered_in_error_at: dt.datetime | None
    entered_in_error_by: str
    entered_in_error_reason: str


class PatientSummaryOut(Schema):
    id: uuid.UUID
    record_number: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: str


class PatientPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[PatientSummaryOut]


class CodedOut(Schema):
    id: int
    code: str


class AllergyOut(Schema):
    id: int
    substance: str
    reaction: str
    severity: str


class MedicationOut(Schema):
    id: int
    name: str
    drug_class: str
    dose_text: str


class ConditionOut(Schema):
    id: int
    code: str
    note: str


class TherapyOut(Schema):
    id: int
    therapy: str
    outcome: str
    duration_weeks: int | None
    note: str


class ConsultationOut(Schema):
    id: int
    occurred_on: dt.date
    reason_for_referral: str
    history: str
    findings: str
    plan_discussed: str
    author: str
    signed_at: dt.datetime
    amends: int | None
    amendment_reason: str


class PatientOut(PatientSummaryOut):
    version: int
    phone: str
    email: str
    address: str
    emergency_contact_name: str
    emergency_contact_phone: str
    emergency_contact_relation: str
    escort_name: str
    escort_phone: str
    latest_measurement: MeasurementOut | None
    allergies: list[AllergyOut]
    medications: list[MedicationOut]
    conditions: list[ConditionOut]
    prior_therapies: list[TherapyOut]


class TimelineEventOut(Schema):
    at: dt.datetime
    kind: str
    title: str
    detail: str


class AuditEntryOut(Schema):
    seq: int
    at: dt.datetime
    actor_username: str
    role: str
    action: str
    object_type: str
    object_id: str
    client_addr: str
    detail: dict


class AuditPageOut(Schema):
    count: int
    page: int
    pages: int
    results: list[AuditEntryOut]
