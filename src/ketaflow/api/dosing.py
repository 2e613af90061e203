"""Dosing: check an order against its protocol's limits, and simulate predicted plasma ketamine (PK models).

Nothing is stored. An order check reads the patient's record (weights, the course given so far) when a
patient is named, and that read is audited. Every prediction is labelled as a model prediction, with the
model, its version and citation and the site it predicts; the effect bands are reference ranges, not targets.
"""

from __future__ import annotations

import math
import uuid
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Schema
from pydantic import Field

from ketaflow.api.base import IsoDate, IsoDateTime, errors, operation
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.clinic.plans import dosing
from ketaflow.clinic.plans.catalogue import PLAN_KIND
from ketaflow.clinic.plans.models import Plan
from ketaflow.domain import units
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.pk import (
    Bolus,
    Prediction,
    Program,
    effect_bands,
    model_get,
    model_list,
    output_grid,
    program_from_segments,
)
from ketaflow.domain.pk import predict as pk_predict

TAGS = ["dosing"]

ProtocolCode = Literal[tuple(PLAN_KIND)]  # type: ignore[valid-type]
ModelCode = Literal[tuple(m.code for m in model_list())]  # type: ignore[valid-type]
AmountUnit = Literal[units.RATE_UNITS + units.DOSE_UNITS]  # type: ignore[valid-type]
DoseUnit = Literal[units.DOSE_UNITS]  # type: ignore[valid-type]

MAX_SEGMENTS = 24
MAX_BOLUSES = 20
MAX_END_MIN = 2880.0  # 48 h
MAX_POINTS = 2881  # a 48-h curve at 1-min steps; ask for a coarser step_min for longer or finer curves
WEIGHT_RANGE = "30–300 kg"


def _finite(x):
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def _number(ge: float, le: float, description: str, default=..., gt: float | None = None):
    bounds = {"gt": gt} if gt is not None else {"ge": ge}
    return Field(default, le=le, allow_inf_nan=False, description=description, **bounds)


# --- order check ------------------------------------------------------------------------------------


class OrderSegmentIn(Schema):
    duration_min: float = _number(1, 720, "minutes this step lasts (1–720)")
    amount: float = _number(0, 10000, "a rate (mg/kg/h, mg/h, mL/h, mg/kg/min, mg/min) or a dose given evenly "
                            "over the step (mg/kg, mg, mL); 0–10000 in the stated unit")  # fmt: skip
    unit: AmountUnit


class OrderCheckIn(Schema):
    protocol: ProtocolCode = Field(description="a code from GET /api/protocols")
    patient_id: uuid.UUID | None = Field(None, description="check against this patient's record (audited)")
    plan_id: int | None = Field(None, ge=1, le=2**31 - 1, description="the course: sessions given under this plan")
    dosing_weight_kg: float | None = _number(
        1, 1000, "the weight dosed on (1–1000 kg; the protocol's plausibility limits are checked as results); "
        "without a patient it stands as a measured weight", None,
    )  # fmt: skip
    weight_measured_on: IsoDate | None = Field(None, description="without a patient: when that weight was measured")
    segments: list[OrderSegmentIn] = Field(min_length=1, max_length=MAX_SEGMENTS)
    bag_concentration_mg_per_ml: float = _number(0.1, 100, "mg/mL (0.1–100)")
    planned_start_at: IsoDateTime | None = Field(None, description="ISO 8601 with an offset; default now")
    model: ModelCode = Field(dosing.PREDICTION_MODEL, description="PK model for the predicted concentration")


class SourceOut(Schema):
    citation: str
    version: str
    kind: str
    url: str


class LimitResultOut(Schema):
    name: str
    status: str = Field(description="pass | soft_violation (needs a prescriber's reason) | hard_violation "
                        "(blocked) | not_evaluated")  # fmt: skip
    value: float | None
    unit: str
    bound: float | None
    bound_kind: str
    bounds: dict
    message: str
    segment_index: int | None
    source: SourceOut | None


class ModelOut(Schema):
    code: str
    version: str
    name: str
    prediction_site: str
    citation: SourceOut


class PredictionSummaryOut(Schema):
    label: str
    model: ModelOut
    weight_kg: float
    cmax_ng_per_ml: float
    tmax_min: float
    conc_at_end_of_order_ng_per_ml: float


class OrderCheckOut(Schema):
    status: str = Field(description="the worst result: pass, soft_violation or hard_violation")
    blocked: bool = Field(description="a hard limit is violated: the order cannot be given")
    reasons_needed: list[str] = Field(description="soft limits that need a prescriber's reason")
    protocol_code: str
    protocol_version: str
    policy_version: str
    checked_at: str
    weight_source: str = Field(description="record | stated | none")
    dosing_weight_kg: float | None
    course_sessions_given: int
    rates_mg_per_h: list[float | None]
    pump_rates_ml_per_h: list[float | None]
    session_dose_mg: float | None
    session_dose_mg_per_kg: float | None
    session_duration_min: float
    results: list[LimitResultOut]
    prediction: PredictionSummaryOut | None = Field(description="a model prediction, not a measurement")


def _model_out(prediction: Prediction) -> dict:
    model = model_get(prediction.model_code)
    return {"code": model.code, "version": model.version, "name": model.name,
            "prediction_site": prediction.prediction_site, "citation": prediction.model_citation.as_dict()}  # fmt: skip


def _summary(prediction: Prediction | None, end_min: float) -> dict | None:
    if prediction is None:
        return None
    at_end = float(prediction.conc_plasma_ng_per_ml[int(abs(prediction.t_min - end_min).argmin())])
    return {"label": prediction.label, "model": _model_out(prediction), "weight_kg": prediction.weight_kg,
            "cmax_ng_per_ml": round(prediction.cmax_mg_per_l * 1000.0, 3), "tmax_min": prediction.tmax_min,
            "conc_at_end_of_order_ng_per_ml": round(at_end, 3)}  # fmt: skip


@operation("post", "/dosing/order-check", "dosing_order_check", response={200: OrderCheckOut, **errors(404, 422)},
           tags=TAGS)  # fmt: skip
def order_check(request, body: OrderCheckIn):
    """Every limit of the protocol and the dosing policy for this order: pass, soft violation (needs a
    prescriber's reason) or hard violation (blocked), each with the value, the bound and its source; weight
    missing, old or implausible, interval since the last infusion, course caps. Nothing is clamped or
    stored. With `patient_id` the patient's recorded weights and given sessions are used (the read is audited)."""
    patient = plan = None
    if body.plan_id is not None and body.patient_id is None:
        raise DomainValidationError("plan_id", "needs the plan's patient", "give patient_id with plan_id")
    if body.patient_id is not None:
        patient = patient_get(user=request.user, patient_id=body.patient_id, request=request,
                              audit_action="dosing.order_check")  # fmt: skip
        if body.plan_id is not None:
            plan = get_object_or_404(Plan, pk=body.plan_id, patient=patient)
    if patient is not None and body.weight_measured_on is not None:
        raise DomainValidationError("weight_measured_on", "applies only without a patient (the record has the dates)")
    outcome = dosing.order_check(
        protocol=body.protocol, segments=[(s.duration_min, s.amount, s.unit) for s in body.segments],
        bag_concentration_mg_per_ml=body.bag_concentration_mg_per_ml, now=timezone.now(),
        planned_start_at=_aware(body.planned_start_at, "planned_start_at"), patient=patient, plan=plan,
        dosing_weight_kg=body.dosing_weight_kg, weight_measured_on=body.weight_measured_on, model=body.model,
    )  # fmt: skip
    check = outcome.check
    data = check.as_dict()
    results = [dict(r, value=_finite(r["value"]), bound=_finite(r["bound"])) for r in data["results"]]
    return {
        **{k: data[k] for k in ("status", "protocol_code", "protocol_version", "policy_version", "checked_at",
                                "dosing_weight_kg", "session_dose_mg_per_kg", "session_duration_min")},
        "session_dose_mg": _finite(data["session_dose_mg"]),
        "rates_mg_per_h": [_finite(x) for x in data["rates_mg_per_h"]],
        "pump_rates_ml_per_h": [_finite(x) for x in data["pump_rates_ml_per_h"]],
        "blocked": bool(check.hard_violations), "reasons_needed": list(dosing.reasons_needed(check)),
        "weight_source": outcome.weight_source, "course_sessions_given": outcome.course_sessions,
        "results": results, "prediction": _summary(outcome.prediction, check.session_duration_min),
    }  # fmt: skip


def _aware(value, field: str):
    if value is not None and value.tzinfo is None:
        raise DomainValidationError(field, "has no UTC offset", "ISO 8601 with an offset, e.g. 2026-11-23T08:00:00Z")
    return value


# --- simulation -------------------------------------------------------------------------------------


class RateSegmentIn(Schema):
    duration_min: float = _number(0.1, 1440, "minutes this step lasts (0.1–1440)")
    amount: float = _number(0, 10000, "a rate, or a dose spread evenly over the step; 0–10000 in the unit")
    unit: AmountUnit


class BolusIn(Schema):
    t_min: float = _number(0, MAX_END_MIN, "minutes from the start (0–2880)")
    dose: float = _number(0, 10000, "0–10000 in the unit")
    unit: DoseUnit


class SimulationIn(Schema):
    model: ModelCode = Field(dosing.PREDICTION_MODEL, description="a PK model code")
    weight_kg: float = _number(30, 300, f"body weight, the models' covariate ({WEIGHT_RANGE})")
    segments: list[RateSegmentIn] = Field(default_factory=list, max_length=MAX_SEGMENTS,
                                          description="consecutive steps from start_min")  # fmt: skip
    start_min: float = _number(0, 1440, "when the first segment starts (0–1440 min)", 0.0)
    boluses: list[BolusIn] = Field(default_factory=list, max_length=MAX_BOLUSES)
    bag_concentration_mg_per_ml: float | None = _number(0.1, 100, "needed for mL amounts (0.1–100 mg/mL)", None)
    end_min: float | None = _number(0, MAX_END_MIN, "last output time (0 < t ≤ 2880); default: end of the "
                                    "programme + 120 min of washout", None, gt=0)  # fmt: skip
    step_min: float = _number(0.25, 60, "output spacing in minutes (0.25–60)", 1.0)
    effect_site: bool = Field(True, strict=True, description="also predict the effect site when the model has ke0")


class BandOut(Schema):
    code: str
    label: str
    low_ng_per_ml: float
    high_ng_per_ml: float
    site: str
    source: SourceOut


class SimulationOut(Schema):
    label: str = Field(description="every number here is a model prediction, not a measurement")
    model: ModelOut
    weight_kg: float
    ke0_per_min: float | None
    n_points: int
    t_min: list[float]
    conc_plasma_ng_per_ml: list[float]
    conc_effect_ng_per_ml: list[float] | None
    cmax_ng_per_ml: float
    tmax_min: float
    auc_mg_min_per_l: float
    effect_bands: list[BandOut] = Field(description="literature reference ranges (mostly venous), never targets")


def _program(body: SimulationIn) -> Program:
    conc = body.bag_concentration_mg_per_ml
    used = [s.unit for s in body.segments] + [b.unit for b in body.boluses]
    if conc is None and (units.ML_PER_H in used or units.ML in used):
        raise DomainValidationError("bag_concentration_mg_per_ml", "is required for amounts in mL or mL/h", "0.1–100 mg/mL")
    steps = program_from_segments([(s.duration_min, units.Quantity(s.amount, s.unit)) for s in body.segments],
                                  bag_concentration_mg_per_ml=conc, start_min=body.start_min)  # fmt: skip
    boluses = tuple(Bolus(b.t_min, units.Quantity(b.dose, b.unit)) for b in body.boluses)
    return Program(steps.infusions, boluses, conc)


@operation("post", "/dosing/simulations", "pk_simulate", response={200: SimulationOut, **errors(422)}, tags=TAGS)
def simulate(request, body: SimulationIn):
    """Predicted plasma (and effect-site) ketamine for one body weight and a programme of rate segments and
    boluses, solved exactly. At most 2881 output points (end_min / step_min + 1): ask for a coarser step for
    a longer curve. No patient data is read or stored."""
    if not body.segments and not body.boluses:
        raise DomainValidationError("segments", "give at least one segment or bolus", "1–24 segments, 0–20 boluses")
    program = _program(body)
    end_min = body.end_min if body.end_min is not None else program.end_min + dosing.WASHOUT_MIN
    if end_min > MAX_END_MIN:
        raise DomainValidationError("end_min", f"the programme plus washout ends at {end_min:g} min",
                                    f"give end_min ≤ {MAX_END_MIN:g} (48 h)")  # fmt: skip
    n_points = int(math.floor(end_min / body.step_min + 1e-9)) + 2
    if n_points > MAX_POINTS + 1:
        raise DomainValidationError(
            "step_min", f"{end_min:g} min at {body.step_min:g}-min steps gives {n_points - 1} points, more than {MAX_POINTS}",
            f"step_min ≥ {end_min / (MAX_POINTS - 1):.3g} for this end_min",
        )  # fmt: skip
    t = output_grid(end_min, body.step_min)
    pred = pk_predict(program, weight_kg=body.weight_kg, model=body.model, t_min=t, effect_site=body.effect_site)
    ce = pred.conc_effect_ng_per_ml
    return {
        "label": pred.label, "model": _model_out(pred), "weight_kg": pred.weight_kg,
        "ke0_per_min": _finite(None if pred.ke0_per_min is None else float(pred.ke0_per_min)), "n_points": int(t.size),
        "t_min": [round(float(x), 6) for x in t],
        "conc_plasma_ng_per_ml": [round(float(x), 4) for x in pred.conc_plasma_ng_per_ml],
        "conc_effect_ng_per_ml": None if ce is None else [round(float(x), 4) for x in ce],
        "cmax_ng_per_ml": round(pred.cmax_mg_per_l * 1000.0, 4), "tmax_min": pred.tmax_min,
        "auc_mg_min_per_l": pred.auc_mg_min_per_l,
        "effect_bands": [{"code": b.code, "label": b.label, "low_ng_per_ml": b.low_ng_per_ml, "high_ng_per_ml": b.high_ng_per_ml,
                          "site": b.site, "source": b.source.as_dict()} for b in effect_bands()],
    }  # fmt: skip
