"""Infusion charting: open a session for a signed plan's infusion, then every charting action the
tablet page offers, with the same checks (order and protocol limits, gates, version, witness)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Schema, Status
from pydantic import AwareDatetime, Field

from ketaflow.api.base import MAX_ID, ObjectId, SafeStr, api, errors, operation
from ketaflow.clinic.infusions import actions, services
from ketaflow.clinic.infusions.catalogue import GRADES, ROUTES, SIDE_EFFECTS
from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.infusions.selectors import cadence_for, progress_for, sessions_for_patient
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.clinic.plans.models import Plan, PlanSession
from ketaflow.domain import units
from ketaflow.domain.charting.adjuncts import ADJUNCTS
from ketaflow.domain.errors import DomainValidationError

TAGS = ["infusions"]
VITAL = Field(None, ge=0, le=1000, description="plausible ranges are checked by the charting rules (422 names them)")
SideEffectKind = Literal[tuple(code for code, _ in SIDE_EFFECTS)]  # type: ignore[valid-type]
Grade = Literal[tuple(code for code, _ in GRADES)]  # type: ignore[valid-type]
Route = Literal[tuple(code for code, _ in ROUTES)]  # type: ignore[valid-type]
Drug = Literal[tuple(ADJUNCTS)]  # type: ignore[valid-type]
Score = Literal["0", "1", "2"]


@api.exception_handler(services.GateRefused)
def _gate_refused(request, exc: services.GateRefused):
    return api.create_response(request, {"detail": "Not allowed yet.", "failures": list(exc.failures)}, status=422)


@api.exception_handler(services.RateRefused)
def _rate_refused(request, exc: services.RateRefused):
    detail = "A prescriber's reason is required (soft limit)." if exc.needs_reason else "Rate refused (hard limit)."
    body = {"detail": detail, "needs_reason": exc.needs_reason, "failures": list(exc.messages)}
    return api.create_response(request, body, status=422)


class Versioned(Schema):
    expected_version: int = Field(ge=1, le=MAX_ID, description="the session's version you last read; 409 if it changed")


class Vitals(Schema):
    systolic_mmhg: int | None = VITAL
    diastolic_mmhg: int | None = VITAL
    heart_rate_per_min: int | None = VITAL
    spo2_percent: int | None = VITAL
    respiratory_rate_per_min: int | None = VITAL


class OpenIn(Schema):
    index: int = Field(ge=1, le=30, description="the planned infusion's number in the signed plan")


class CheckInIn(Versioned, Vitals):
    escort_confirmed: bool
    escort_name: SafeStr = Field("", max_length=120)
    fasting_hours_solids: Decimal | None = Field(None, ge=0, le=99)
    pregnancy_test_negative: bool | None = Field(None, description="null: not done / not applicable")
    pre_pain_nrs: int | None = Field(None, ge=0, le=10)
    bag_lot: SafeStr = Field("", max_length=60)
    bag_concentration_mg_per_ml: Decimal | None = Field(None, gt=0, le=100)
    bag_volume_ml: Decimal | None = Field(None, gt=0, le=10000)


class RateIn(Versioned):
    action: Literal["start", "change_rate", "pause", "resume", "stop", "stop_early"]
    rate_value: Decimal | None = Field(None, ge=0, le=10000, description="required for start and change_rate; for "
                                       "resume, a new rate (omit it to resume at the last rate)")  # fmt: skip
    rate_unit: Literal[units.MG_PER_KG_PER_H, units.ML_PER_H, units.MG_PER_H] = units.MG_PER_KG_PER_H  # type: ignore[valid-type]
    override_reason: SafeStr = Field("", max_length=300, description="a prescriber's reason above a soft limit")
    stop_reason: SafeStr = Field("", max_length=300, description="required for stop_early")


AT = Field(None, description="a late entry: when it was taken or given (with its UTC offset); default now. Not in "
                             "the future, not before the session's check-in (422 names `at` and the window)")


class VitalsIn(Versioned, Vitals):
    rhythm_note: SafeStr = Field("", max_length=120)
    at: AwareDatetime | None = AT


class AlertResponseIn(Schema):
    response_taken: SafeStr = Field(min_length=1, max_length=300)


class SideEffectIn(Versioned):
    kind: SideEffectKind
    grade: Grade
    note: SafeStr = Field("", max_length=300)
    at: AwareDatetime | None = AT


class ScaleIn(Versioned):
    instrument_id: Literal["cadss6", "rass", "moaas"]
    answers: dict[SafeStr, SafeStr | int] = Field(description="item link_id → answer code, as in GET /api/instruments/{id}")


class AdministrationIn(Versioned):
    drug: Drug
    dose_mg: Decimal = Field(gt=0, le=1000, description="refused above the drug's maximum single dose")
    route: Route
    reason: SafeStr = Field("", max_length=200)
    at: AwareDatetime | None = AT


class RecoveryIn(Versioned):
    post_pain_nrs: int = Field(ge=0, le=10)
    current_systolic_mmhg: int = Field(ge=40, le=300)
    activity: Score
    respiration: Score
    consciousness: Score
    oxygen_saturation: Score


class DischargeIn(Versioned):
    escort_present: bool


class WasteIn(Versioned):
    witness_username: SafeStr = Field(min_length=1, max_length=150)
    witness_password: str = Field(min_length=1, max_length=200)


class CancelIn(Versioned):
    reason: SafeStr = Field(min_length=1, max_length=300)


class _ByWhom(Schema):
    recorded_by: str = Field(description="username of the staff member who charted it")

    @staticmethod
    def resolve_recorded_by(obj):
        return obj.recorded_by.username


class RateEventOut(_ByWhom):
    at: dt.datetime
    action: str
    rate_value: Decimal
    rate_unit: str
    rate_mg_per_kg_per_h: Decimal
    rate_mg_per_h: Decimal
    pump_rate_ml_per_h: Decimal
    limit_check: dict
    override_reason: str


class VitalOut(_ByWhom):
    id: int
    at: dt.datetime
    phase: str
    systolic_mmhg: int | None
    diastolic_mmhg: int | None
    heart_rate_per_min: int | None
    spo2_percent: int | None
    respiratory_rate_per_min: int | None
    rhythm_note: str
    level: str
    alerts: list[dict]
    response_taken: str
    response_by: str | None
    response_at: dt.datetime | None

    @staticmethod
    def resolve_response_by(obj):
        return obj.response_by.username if obj.response_by_id else None


class SideEffectOut(_ByWhom):
    at: dt.datetime
    kind: str
    grade: str
    note: str
    scale_result: dict | None


class AdministrationOut(_ByWhom):
    at: dt.datetime
    drug: str
    dose_mg: Decimal
    route: str
    reason: str


class SessionOut(Schema):
    id: int
    version: int
    status: str
    patient_id: uuid.UUID
    plan_id: int
    session_number: int
    ordered_rate_mg_per_kg_per_h: Decimal
    ordered_duration_min: int
    ordered_concentration_mg_per_ml: Decimal
    dosing_weight_kg: Decimal | None
    vitals_interval_min: int
    recovery_min_time_min: int
    escort_confirmed: bool
    escort_name: str
    fasting_hours_solids: Decimal | None
    pregnancy_test_negative: bool | None
    pre_pain_nrs: int | None
    bag_lot: str
    bag_concentration_mg_per_ml: Decimal | None
    bag_volume_ml: Decimal | None
    scheduled_for: dt.datetime | None = Field(description="the booked start, when the infusion was booked")
    checked_in_at: dt.datetime | None
    checked_in_by: str | None
    started_at: dt.datetime | None
    stopped_at: dt.datetime | None
    stop_reason: str
    post_pain_nrs: int | None
    aldrete: dict | None
    discharge_result: dict
    discharged_at: dt.datetime | None
    discharged_by: str | None
    escort_present_at_discharge: bool
    cancel_reason: str
    delivered: dict | None = Field(description="exact delivered dose from the rate segments (mg, mg/kg, mL)")
    delivered_so_far: dict | None = Field(description="while running or paused: the exact dose delivered up to now "
                                          "(mg, mg/kg, mL, percent of the order)")  # fmt: skip
    ordered_minutes_left: float | None = Field(description="while running or paused: ordered minutes not yet run "
                                               "(pauses not counted); 'stop' is refused until they have run")  # fmt: skip
    wasted_mg: Decimal | None
    wasted_ml: Decimal | None
    waste_recorded_by: str | None
    waste_witness: str | None
    waste_witnessed_at: dt.datetime | None
    next_vitals_due: dt.datetime | None
    vitals_overdue: bool
    rate_events: list[RateEventOut]
    vitals: list[VitalOut]
    side_effects: list[SideEffectOut]
    administrations: list[AdministrationOut]

    @staticmethod
    def resolve_session_number(obj):
        return obj.plan_session.index

    @staticmethod
    def resolve_delivered_so_far(obj):
        progress = progress_for(obj, now=timezone.now())
        return progress["delivered"] if progress else None

    @staticmethod
    def resolve_ordered_minutes_left(obj):
        progress = progress_for(obj, now=timezone.now())
        return progress["remaining_min"] if progress else None

    @staticmethod
    def resolve_checked_in_by(obj):
        return obj.checked_in_by.username if obj.checked_in_by_id else None

    @staticmethod
    def resolve_discharged_by(obj):
        return obj.discharged_by.username if obj.discharged_by_id else None

    @staticmethod
    def resolve_waste_recorded_by(obj):
        return obj.waste_recorded_by.username if obj.waste_recorded_by_id else None

    @staticmethod
    def resolve_waste_witness(obj):
        return obj.waste_witness.username if obj.waste_witness_id else None

    @staticmethod
    def resolve_next_vitals_due(obj):
        cadence = cadence_for(obj, now=timezone.now())
        return cadence.next_due_at if cadence else None

    @staticmethod
    def resolve_vitals_overdue(obj):
        cadence = cadence_for(obj, now=timezone.now())
        return bool(cadence and cadence.overdue)

    @staticmethod
    def resolve_rate_events(obj):
        return list(obj.rate_events.select_related("recorded_by"))

    @staticmethod
    def resolve_vitals(obj):
        return list(obj.vitals.select_related("recorded_by"))

    @staticmethod
    def resolve_side_effects(obj):
        return list(obj.side_effects.select_related("recorded_by"))

    @staticmethod
    def resolve_administrations(obj):
        return list(obj.administrations.select_related("recorded_by"))


def _session(request, session_id: int, audit_action: str = "") -> InfusionSession:
    session = get_object_or_404(InfusionSession.objects.select_related(
        "plan_session", "waste_witness", "waste_recorded_by", "checked_in_by", "discharged_by"), pk=session_id)  # fmt: skip
    # the patient check answers 404 for a record the user may not see, and audits the read
    patient_get(user=request.user, patient_id=session.patient_id, request=request, audit_action=audit_action)
    return session


def _act(request, session_id: int, action: str, body: Schema) -> InfusionSession:
    session = _session(request, session_id)
    actions.perform(actor=request.user, request=request, session_id=session.pk, action=action, data=body.dict(),
                    now=timezone.now())  # fmt: skip
    return _session(request, session_id)


@operation("post", "/plans/{plan_id}/infusions", "infusion_open", response={201: SessionOut, **errors(404, 422)},
           tags=TAGS)  # fmt: skip
def infusion_open(request, plan_id: ObjectId, body: OpenIn):
    """Open the chart for one planned infusion of a signed plan (an open chart for it is returned as is)."""
    plan = get_object_or_404(Plan, pk=plan_id)
    patient_get(user=request.user, patient_id=plan.patient_id, request=request, audit_action="")
    plan_session = get_object_or_404(PlanSession, plan=plan, index=body.index)
    existing = InfusionSession.objects.filter(plan_session=plan_session).exclude(status="cancelled").first()
    if existing is None:  # the chart keeps the booked time, as when opened from the day's chairs
        booking = plan_session.bookings.filter(status="booked").order_by("start").first()
        existing = services.session_create(actor=request.user, request=request, plan_session=plan_session,
                                           scheduled_for=booking.start if booking else None)  # fmt: skip
    session = existing
    return Status(201, _session(request, session.pk))


@operation("get", "/patients/{patient_id}/infusions", "infusion_list", response={200: list[SessionOut], **errors(404)},
           tags=TAGS)  # fmt: skip
def infusion_list(request, patient_id: uuid.UUID):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="infusion.list")
    return sessions_for_patient(patient=patient)


@operation("get", "/infusions/{session_id}", "infusion_get", response={200: SessionOut, **errors(404)}, tags=TAGS)
def infusion_get(request, session_id: ObjectId):
    """The whole chart: order, checks, rate events, vitals with alerts, side effects, adjuncts, delivered dose."""
    return _session(request, session_id, audit_action="infusion.view")


@operation("post", "/infusions/{session_id}/check-in", "infusion_check_in",
           response={200: SessionOut, **errors(404, 409, 422)}, tags=TAGS)  # fmt: skip
def infusion_check_in(request, session_id: ObjectId, body: CheckInIn):
    """Pre-infusion checks and vitals; 422 lists every failed check (nothing is saved)."""
    return _act(request, session_id, "check_in", body)


@operation("post", "/infusions/{session_id}/rate", "infusion_rate", response={200: SessionOut, **errors(404, 409, 422)},
           tags=TAGS)  # fmt: skip
def infusion_rate(request, session_id: ObjectId, body: RateIn):
    """start / change_rate / pause / resume / stop / stop_early. A rate is checked against the signed order and
    the protocol: above a hard limit it is refused; above a soft limit it needs `override_reason` (a rate within
    half a 0.1 mL/h pump step of the ordered pump rate is the ordered rate). `stop` (ordered time complete) is
    refused (422) before the ordered minutes have run, pauses not counted: use `stop_early` with `stop_reason`."""
    if body.action in ("start", "change_rate") and body.rate_value is None:
        raise DomainValidationError("rate_value", "is required to start or change the rate", "> 0 with rate_unit")
    return _act(request, session_id, body.action, body)


@operation("post", "/infusions/{session_id}/vitals", "infusion_vitals",
           response={200: SessionOut, **errors(404, 409, 422)}, tags=TAGS)  # fmt: skip
def infusion_vitals(request, session_id: ObjectId, body: VitalsIn):
    """A vitals reading; amber/red readings carry alerts with the suggested action (see `vitals[].alerts`)."""
    return _act(request, session_id, "vitals", body)


@operation("post", "/infusions/{session_id}/vitals/{vital_id}/response", "infusion_alert_response",
           response={200: SessionOut, **errors(404, 422)}, tags=TAGS)  # fmt: skip
def infusion_alert_response(request, session_id: ObjectId, vital_id: ObjectId, body: AlertResponseIn):
    """Record the response taken to an alerting reading (once)."""
    session = _session(request, session_id)
    services.vitals_response(actor=request.user, request=request, session_id=session.pk, vital_id=vital_id,
                             response_taken=body.response_taken)  # fmt: skip
    return _session(request, session_id)


@operation("post", "/infusions/{session_id}/side-effects", "infusion_side_effect",
           response={200: SessionOut, **errors(404, 409, 422)}, tags=TAGS)  # fmt: skip
def infusion_side_effect(request, session_id: ObjectId, body: SideEffectIn):
    return _act(request, session_id, "side_effect", body)


@operation("post", "/infusions/{session_id}/scales", "infusion_scale",
           response={200: SessionOut, **errors(404, 409, 422)}, tags=TAGS)  # fmt: skip
def infusion_scale(request, session_id: ObjectId, body: ScaleIn):
    """A CADSS-6 (dissociation), RASS or MOAA/S (sedation) rating, scored by the instrument's published rule."""
    return _act(request, session_id, "scale", body)


@operation("post", "/infusions/{session_id}/administrations", "infusion_administration",
           response={200: SessionOut, **errors(404, 409, 422)}, tags=TAGS)  # fmt: skip
def infusion_administration(request, session_id: ObjectId, body: AdministrationIn):
    """An adjunct drug given; a dose above the drug's maximum single dose (clinic policy) is refused."""
    return _act(request, session_id, "administration", body)


@operation("post", "/infusions/{session_id}/recovery", "infusion_recovery",
           response={200: SessionOut, **errors(404, 409, 422)}, tags=TAGS)  # fmt: skip
def infusion_recovery(request, session_id: ObjectId, body: RecoveryIn):
    """Post-infusion pain and the modified Aldrete score (circulation against the pre-infusion systolic)."""
    return _act(request, session_id, "recovery", body)


@operation("post", "/infusions/{session_id}/discharge", "infusion_discharge",
           response={200: SessionOut, **errors(404, 409, 422)}, tags=TAGS)  # fmt: skip
def infusion_discharge(request, session_id: ObjectId, body: DischargeIn):
    """Discharge when the Aldrete score, the minimum recovery time and the escort allow; 422 says which does not."""
    return _act(request, session_id, "discharge", body)


@operation("post", "/infusions/{session_id}/waste", "infusion_waste",
           response={200: SessionOut, **errors(404, 409, 422, 429)}, tags=TAGS)  # fmt: skip
def infusion_waste(request, session_id: ObjectId, body: WasteIn):
    """Record the wasted ketamine, witnessed by a second nurse or prescriber who authenticates here (repeated
    wrong witness passwords lock that account out: 429 with Retry-After)."""
    return _act(request, session_id, "waste", body)


@operation("post", "/infusions/{session_id}/cancel", "infusion_cancel",
           response={200: SessionOut, **errors(404, 409, 422)}, tags=TAGS)  # fmt: skip
def infusion_cancel(request, session_id: ObjectId, body: CancelIn):
    return _act(request, session_id, "cancel", body)
