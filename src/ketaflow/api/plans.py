"""Protocols (the drug library), treatment plans, signing and amendments."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from ninja import Schema, Status
from pydantic import ConfigDict, Field

from ketaflow.api.base import IsoDate, ObjectId, SafeStr, errors, operation
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.clinic.plans import services
from ketaflow.clinic.plans.catalogue import PLAN_KIND, defaults_for
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.plans.selectors import plan_get_for, plans_visible_to
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.plans.goal_catalogue import GoalProblems, catalogue_dict
from ketaflow.domain.protocols.profiles import protocol_list

TAGS = ["plans"]


class GoalIn(Schema):
    """One goal from GET /api/plan-goals. Loose types on purpose: a wrong one gets the catalogue's own 422
    ({field: goals[i].threshold, message, allowed}), not a type error."""

    model_config = ConfigDict(extra="forbid")
    metric: SafeStr = Field(max_length=60, description="a metric of the goal catalogue")
    comparator: SafeStr = Field(max_length=4, description="the metric's comparator: '>=', '<' or 'in'")
    threshold: bool | int | float | SafeStr | list[SafeStr] = Field(
        description="a whole number within the metric's range, or for pgic a list of answers (one of its bands)"
    )


GOALS_DESCRIPTION = (
    "the plan's goals, checked against GET /api/plan-goals; omitted: the plan kind's defaults (an amendment of "
    "the same kind keeps the goals of the version it amends); [] is refused (a plan needs a goal)"
)


class PlanIn(Schema):
    protocol: SafeStr = Field(description="a code from GET /api/protocols")
    n_sessions: int = Field(ge=1, le=30)
    start_dose: Decimal = Field(gt=0, le=10, description="mg/kg/h, or mg/kg over the session (depression)")
    escalation_step: Decimal | None = Field(None, gt=0, le=5)
    escalation_cap: Decimal | None = Field(None, gt=0, le=10)
    duration_min: int = Field(ge=1, le=720)
    series_window_days: int = Field(ge=1, le=120)
    start_date: IsoDate = Field(description="today or later, years 2000–2100")
    bag_concentration_mg_per_ml: Decimal = Field(gt=0, le=100)
    goals: list[GoalIn] | None = Field(None, max_length=20, description=GOALS_DESCRIPTION)


class AmendIn(PlanIn):
    amendment_reason: SafeStr = Field(min_length=1, max_length=300)


class SignIn(Schema):
    password: str = Field(min_length=1, max_length=200, description="the signer's own password, re-entered")
    meaning: SafeStr = Field("approved", description="approved")
    soft_reasons: dict[SafeStr, SafeStr] = Field(default_factory=dict, description="limit name → reason")


class PlanSessionOut(Schema):
    index: int
    dose_value: Decimal
    dose_unit: str
    duration_min: int
    planned_mg_per_kg: Decimal
    planned_mg: Decimal | None
    pump_rate_ml_per_h: Decimal | None
    held_at_cap: bool


class PlanOut(Schema):
    id: int
    version: int
    amends_id: int | None
    status: str
    protocol_code: str
    protocol_version: str
    kind: str
    n_sessions: int
    duration_min: int
    series_window_days: int
    start_date: dt.date
    end_date: dt.date
    review_date: dt.date
    goals: list[dict]
    notes: list[dict]
    dose_check: dict
    soft_reasons: dict
    rule_versions: dict
    signed_at: dt.datetime | None
    signed_by: str | None = Field(None, description="the signer's name, printed with the time and meaning")
    signature_meaning: str
    sessions: list[PlanSessionOut]

    @staticmethod
    def resolve_signed_by(obj):
        return obj.signed_by.display_name if obj.signed_by_id else None

    @staticmethod
    def resolve_sessions(obj):
        return list(obj.sessions.all())


@operation("get", "/protocols", "protocol_list", response={200: list[dict], **errors()}, tags=TAGS)
def protocols(request):
    """The protocol profiles plans are built from, with their limits and sources."""
    out = []
    for p in protocol_list():
        if p.code in PLAN_KIND:
            limits = [{"name": lim.name, "unit": lim.unit, "soft_min": lim.soft_min, "soft_max": lim.soft_max,
                       "hard_min": lim.hard_min, "hard_max": lim.hard_max, "source": lim.source.as_dict()}
                      for lim in p.limits]  # fmt: skip
            out.append({"code": p.code, "version": p.version, "name": p.name, "kind": PLAN_KIND[p.code],
                        "defaults": defaults_for(p), "limits": limits, "advisory": p.advisory})  # fmt: skip
    return out


@operation("get", "/plan-goals", "plan_goal_catalogue", response={200: dict, **errors()}, tags=TAGS)
def plan_goal_catalogue(request):
    """The goals a plan may set: each metric's comparator, allowed range and unit, the plan kinds it fits, its
    default and anchors with their sources, each kind's defaults, and the catalogue version stored on plans."""
    return catalogue_dict()


def _goal_rows(body) -> list[dict] | None:
    return None if body.goals is None else [g.dict() for g in body.goals]


def _create(request, **fields):
    try:
        return Status(201, services.plan_create(actor=request.user, request=request, **fields))
    except GoalProblems as exc:
        return Status(422, {"detail": [p.as_dict() for p in exc.problems]})


@operation("post", "/patients/{patient_id}/plans", "plan_create", response={201: PlanOut, **errors(404, 422)}, tags=TAGS)
def plan_create(request, patient_id: uuid.UUID, body: PlanIn):
    """Create a draft plan; every session is checked against the protocol's limits (see `check`). Goals: see
    GET /api/plan-goals; every bad goal is listed in one 422 naming goals[i].metric, .comparator or .threshold."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    return _create(request, patient=patient, **(body.dict() | {"goals": _goal_rows(body)}))


@operation(
    "get", "/patients/{patient_id}/plans", "plan_list", response={200: list[PlanOut], **errors(404, 422)}, tags=TAGS
)
def plan_list(request, patient_id: uuid.UUID):
    """The patient's plans, newest first; a patient reading their own sees only the signed plan."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="plan.list")
    return list(plans_visible_to(request.user, Plan.objects.filter(patient=patient)).prefetch_related("sessions")[:50])


def _plan(request, plan_id, audit_action=""):
    plan = plan_get_for(request.user, pk=plan_id)
    patient_get(user=request.user, patient_id=plan.patient_id, request=request, audit_action=audit_action)
    return plan


@operation("get", "/plans/{plan_id}", "plan_get", response={200: PlanOut, **errors(404)}, tags=TAGS)
def plan_get(request, plan_id: ObjectId):
    return _plan(request, plan_id, audit_action="plan.view")


@operation("post", "/plans/{plan_id}/sign", "plan_sign", response={200: PlanOut, **errors(404, 409, 422)}, tags=TAGS)
def plan_sign(request, plan_id: ObjectId, body: SignIn):
    """Sign with a re-entered password; 422 lists what blocks signing (hard limits, reasons, screening)."""
    plan = _plan(request, plan_id)
    try:
        return services.plan_sign(actor=request.user, request=request, plan=plan, password=body.password,
                                  meaning=body.meaning, soft_reasons=body.soft_reasons)  # fmt: skip
    except services.SigningRefused as exc:
        raise DomainValidationError("plan", "cannot be signed: " + " ".join(exc.blockers)) from None


@operation("post", "/plans/{plan_id}/amend", "plan_amend", response={201: PlanOut, **errors(404, 422)}, tags=TAGS)
def plan_amend(request, plan_id: ObjectId, body: AmendIn):
    """A new draft version pointing to this one; signing it supersedes this one."""
    original = _plan(request, plan_id)
    if original.status not in (Plan.Status.SIGNED, Plan.Status.DRAFT) or Plan.objects.filter(amends=original).exists():
        raise DomainValidationError("plan", "only the current version of a plan can be amended")
    return _create(request, patient=original.patient, amends=original, **(body.dict() | {"goals": _goal_rows(body)}))
