"""Charting writes. Each is one transaction: lock the session, check its version (no silent overwrite),
let the domain decide (lifecycle, gates, limits), write the rows, bump the version, audit."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import authenticate
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.utils import timezone

from ketaflow.clinic.accounts.roles import CLINICAL_ROLES
from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.infusions.models import Administration, InfusionSession, RateEvent, SideEffect, VitalSign
from ketaflow.clinic.infusions.policy import vitals_thresholds
from ketaflow.clinic.infusions.selectors import (
    checkin_facts,
    delivered_for,
    hours_since_last_session,
    running_minutes,
)
from ketaflow.clinic.patients.services import StaleVersionError
from ketaflow.clinic.plans.catalogue import profile_for
from ketaflow.clinic.plans.models import Plan, PlanSession
from ketaflow.domain import units
from ketaflow.domain.charting import lifecycle
from ketaflow.domain.charting.adjuncts import check_adjunct_dose
from ketaflow.domain.charting.gates import check_in_gate, completed_stop_gate, discharge_gate
from ketaflow.domain.charting.rates import VERSION as RATES_VERSION
from ketaflow.domain.charting.rates import check_running_rate
from ketaflow.domain.charting.vitals import VitalsReading, assess_vitals
from ketaflow.domain.dosing import bag_reconciliation
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import score


class GateRefused(Exception):
    def __init__(self, failures):
        self.failures = tuple(failures)
        super().__init__(" ".join(self.failures))


class RateRefused(Exception):
    def __init__(self, messages, needs_reason: bool):
        self.messages = tuple(messages)
        self.needs_reason = needs_reason
        super().__init__(" ".join(self.messages))


def _locked(session_id: int, expected_version: int) -> InfusionSession:
    session = InfusionSession.objects.select_for_update().select_related("patient", "plan").get(pk=session_id)
    if session.version != expected_version:
        raise StaleVersionError(session.version)
    return session


def _save(session: InfusionSession, actor, request, action: str, **detail) -> InfusionSession:
    session.version += 1
    session.save()
    audit_record(actor=actor, action=f"infusion.{action}", request=request, object_type="infusion_session",
                 object_id=session.pk, patient_id=session.patient_id, detail=detail)  # fmt: skip
    return session


def _ordered_rate(ps: PlanSession) -> Decimal:
    if ps.dose_unit == "rate_mg_per_kg_per_h":
        return ps.dose_value
    # "mg/kg over N min" runs as a constant rate for those minutes
    return (ps.dose_value * 60 / ps.duration_min).quantize(Decimal("0.0001"))


def session_create(*, actor, request=None, plan_session: PlanSession, scheduled_for: datetime | None = None):
    """Open a session for one planned infusion of a signed plan."""
    plan = plan_session.plan
    if plan.status != Plan.Status.SIGNED:
        raise DomainValidationError("plan", "is not signed; only a signed plan's infusions can be charted")
    profile = profile_for(plan.protocol_code)
    with transaction.atomic():
        session = InfusionSession.objects.create(
            patient=plan.patient, plan=plan, plan_session=plan_session, scheduled_for=scheduled_for,
            ordered_rate_mg_per_kg_per_h=_ordered_rate(plan_session), ordered_duration_min=plan_session.duration_min,
            ordered_concentration_mg_per_ml=plan.bag_concentration_mg_per_ml, dosing_weight_kg=plan.dosing_weight_kg,
            vitals_interval_min=int(profile.vitals_interval_min.value),
            recovery_min_time_min=int(profile.recovery_min_time_min.value),
        )  # fmt: skip
        audit_record(actor=actor, action="infusion.create", request=request, object_type="infusion_session",
                     object_id=session.pk, patient_id=plan.patient_id, detail={"plan_session": plan_session.index})  # fmt: skip
    return session


def _vitals(session, actor, phase: str, reading: VitalsReading, at, rhythm_note="", response_taken=""):
    assessment = assess_vitals(reading, vitals_thresholds())
    return VitalSign.objects.create(
        session=session, at=at, phase=phase, rhythm_note=rhythm_note, level=assessment.level,
        alerts=[a.as_dict() for a in assessment.alerts], response_taken=response_taken, recorded_by=actor,
        **{k: getattr(reading, k) for k in ("systolic_mmhg", "diastolic_mmhg", "heart_rate_per_min", "spo2_percent",
                                            "respiratory_rate_per_min")},
    )  # fmt: skip


def session_check_in(*, actor, request=None, session_id: int, expected_version: int, now: datetime,
                     escort_confirmed: bool, escort_name: str, fasting_hours_solids, pregnancy_test_negative,
                     pre_pain_nrs: int | None, vitals: VitalsReading | None, bag_lot: str, bag_concentration_mg_per_ml,
                     bag_volume_ml) -> InfusionSession:  # fmt: skip
    """Record the pre-infusion checks; a failed check blocks the start and says why (nothing is saved)."""
    with transaction.atomic():
        session = _locked(session_id, expected_version)
        lifecycle.next_state(session.status, "check_in")
        if pre_pain_nrs is not None and not 0 <= pre_pain_nrs <= 10:
            raise DomainValidationError("pre_pain_nrs", f"{pre_pain_nrs} is out of range", "0–10")
        session.escort_confirmed, session.escort_name = escort_confirmed, escort_name
        session.fasting_hours_solids = fasting_hours_solids
        session.pregnancy_test_negative = pregnancy_test_negative
        session.pre_pain_nrs, session.bag_lot = pre_pain_nrs, bag_lot.strip()
        session.bag_concentration_mg_per_ml, session.bag_volume_ml = bag_concentration_mg_per_ml, bag_volume_ml
        facts = checkin_facts(session, now=now, pre_vitals_recorded=vitals is not None,
                              hours_since_last=hours_since_last_session(session, now=now))  # fmt: skip
        gate = check_in_gate(facts)
        if not gate.ok:
            raise GateRefused(gate.failures)
        _vitals(session, actor, "pre", vitals, now)
        session.status = lifecycle.next_state(session.status, "check_in")
        session.checkin_result = {"ok": True, "rule_version": gate.rule_version}
        session.checked_in_at, session.checked_in_by = now, actor
        return _save(session, actor, request, "check_in")


def _rate_event(session, actor, action: str, rate: units.Quantity, at, override_reason: str = "") -> RateEvent:
    profile = profile_for(session.plan.protocol_code)
    weight = float(session.dosing_weight_kg)
    conc = float(session.bag_concentration_mg_per_ml or session.ordered_concentration_mg_per_ml)
    if rate.value == 0:
        mg_kg_h = mg_h = ml_h = 0.0
        check_data: dict = {"status": "pass", "messages": []}
    else:
        check = check_running_rate(rate=rate, weight_kg=weight, bag_concentration_mg_per_ml=conc,
                                   ordered_rate_mg_per_kg_per_h=float(session.ordered_rate_mg_per_kg_per_h),
                                   profile=profile)  # fmt: skip
        if check.status == "hard_violation":
            raise RateRefused(check.messages, needs_reason=False)
        if check.status == "soft_violation" and not override_reason.strip():
            raise RateRefused(check.messages, needs_reason=True)
        mg_kg_h, mg_h, ml_h = check.rate_mg_per_kg_per_h, check.rate_mg_per_h, check.pump_rate_ml_per_h
        check_data = {"status": check.status, "messages": list(check.messages), "at_order": check.at_order,
                      "rule_version": RATES_VERSION}  # fmt: skip
    return RateEvent.objects.create(
        session=session, at=at, action=action, rate_value=Decimal(str(rate.value)), rate_unit=rate.unit,
        rate_mg_per_kg_per_h=Decimal(str(round(mg_kg_h, 4))), rate_mg_per_h=Decimal(str(round(mg_h, 3))),
        pump_rate_ml_per_h=Decimal(str(round(ml_h, 3))), limit_check=check_data,
        override_reason=override_reason.strip(), recorded_by=actor,
    )  # fmt: skip


def _last_rate(session) -> units.Quantity:
    last = session.rate_events.exclude(action__in=("pause", "stop")).order_by("-at", "-pk").first()
    return units.Quantity(float(last.rate_value), last.rate_unit) if last else units.Quantity(0.0, units.MG_PER_KG_PER_H)


def session_rate_action(*, actor, request=None, session_id: int, expected_version: int, now: datetime, action: str,
                        rate: units.Quantity | None = None, override_reason: str = "",
                        stop_reason: str = "") -> InfusionSession:  # fmt: skip
    """start / change_rate / pause / resume / stop / stop_early, each a timestamped rate event."""
    with transaction.atomic():
        session = _locked(session_id, expected_version)
        target = lifecycle.next_state(session.status, action)
        if action in ("start", "change_rate"):
            if rate is None:
                raise DomainValidationError("rate", "is required", "a rate with its unit, e.g. 0.3 mg/kg/h or 21 mL/h")
            if rate.value <= 0:
                raise DomainValidationError("rate_value", f"must be above 0 to {action.replace('_', ' ')} "
                                            "(to stop the pump, use Pause or Stop)", "> 0")  # fmt: skip
            _rate_event(session, actor, action, rate, now, override_reason)
        elif action == "stop":
            running = running_minutes(delivered_for(session, stopped_at=now))
            gate = completed_stop_gate(running_min=running, ordered_duration_min=session.ordered_duration_min)
            if not gate.ok:
                raise GateRefused(gate.failures)
            _rate_event(session, actor, action, units.Quantity(0.0, units.MG_PER_KG_PER_H), now)
        elif action == "resume" and rate is not None:  # resume at a new rate (e.g. half, after an alert)
            if rate.value <= 0:
                raise DomainValidationError("rate_value", "must be above 0 to resume (or leave it empty to resume "
                                            "at the last rate)", "> 0")  # fmt: skip
            _rate_event(session, actor, action, rate, now, override_reason)
        elif action == "resume":
            _rate_event(session, actor, action, _last_rate(session), now, override_reason or "resumed previous rate")
        else:  # pause, stop_early: the pump runs at 0 from now
            _rate_event(session, actor, action, units.Quantity(0.0, units.MG_PER_KG_PER_H), now)
        if action == "start":
            session.started_at = now
        if action in ("stop", "stop_early"):
            if action == "stop_early" and not stop_reason.strip():
                raise DomainValidationError("stop_reason", "is required when an infusion is stopped early")
            session.stopped_at, session.stop_reason = now, stop_reason.strip()
            session.delivered = delivered_for(session, stopped_at=now)
        session.status = target
        return _save(session, actor, request, action, rate=str(rate) if rate else "")


LATE_ENTRY_MAX_H = 12


def _taken_at(session, at: datetime | None, now: datetime) -> datetime:
    """When a reading was taken or a drug given: now, or a late entry's own time — not in the future and not
    before the check-in (the session's chart starts there)."""
    if at is None:
        return now
    earliest = session.checked_in_at or now
    allowed = f"between the check-in ({timezone.localtime(earliest):%H:%M}) and now ({timezone.localtime(now):%H:%M})"
    if at > now + timedelta(minutes=1):
        raise DomainValidationError("at", f"{timezone.localtime(at):%H:%M} is in the future", allowed)
    if at < earliest or now - at > timedelta(hours=LATE_ENTRY_MAX_H):
        raise DomainValidationError("at", f"{timezone.localtime(at):%H:%M} is before this session's check-in", allowed)
    return at


def session_vitals(*, actor, request=None, session_id: int, expected_version: int, now: datetime,
                   reading: VitalsReading, rhythm_note: str = "", response_taken: str = "",
                   at: datetime | None = None) -> VitalSign:  # fmt: skip
    """A reading, charted now or late with the time it was taken (``at``)."""
    with transaction.atomic():
        session = _locked(session_id, expected_version)
        lifecycle.next_state(session.status, "vitals")
        taken = _taken_at(session, at, now)
        phase = {"checked_in": "pre", "recovery": "post", "stopped_early": "post"}.get(session.status, "intra")
        if session.started_at and taken < session.started_at:
            phase = "pre"
        elif session.stopped_at and taken < session.stopped_at:
            phase = "intra"
        sign = _vitals(session, actor, phase, reading, taken, rhythm_note, response_taken)
        _save(session, actor, request, "vitals", level=sign.level)
    return sign


def vitals_response(*, actor, request=None, session_id: int, vital_id: int, response_taken: str) -> VitalSign:
    if not response_taken.strip():
        raise DomainValidationError("response_taken", "is required: record what was done about the alert")
    with transaction.atomic():
        sign = VitalSign.objects.select_for_update().select_related("session").filter(
            pk=vital_id, session_id=session_id).first()  # fmt: skip
        if sign is None:
            raise DomainValidationError("vital_id", f"no reading {vital_id} on this session")
        if sign.response_taken:
            raise DomainValidationError("response_taken", "was already recorded for this reading")
        sign.response_taken = response_taken.strip()
        sign.response_by, sign.response_at = actor, timezone.now()
        sign.save(update_fields=["response_taken", "response_by", "response_at"])
        audit_record(actor=actor, action="infusion.alert_response", request=request, object_type="vital_sign",
                     object_id=sign.pk, patient_id=sign.session.patient_id,
                     detail={"session": sign.session_id, "level": sign.level})  # fmt: skip
    return sign


def session_side_effect(*, actor, request=None, session_id: int, expected_version: int, now: datetime, kind: str,
                        grade: str, note: str = "", scale_answers: dict | None = None,
                        at: datetime | None = None) -> SideEffect:  # fmt: skip
    from ketaflow.clinic.infusions.catalogue import GRADES, SCALES, SIDE_EFFECTS

    if kind not in dict(SIDE_EFFECTS):
        raise DomainValidationError("kind", f"unknown side effect {kind!r}", ", ".join(dict(SIDE_EFFECTS)))
    if grade not in dict(GRADES):
        raise DomainValidationError("grade", f"unknown grade {grade!r}", ", ".join(dict(GRADES)))
    scale_result = None
    if scale_answers and kind in SCALES:
        scale_result = score(SCALES[kind], scale_answers).as_dict()
    with transaction.atomic():
        session = _locked(session_id, expected_version)
        lifecycle.next_state(session.status, "side_effect")
        effect = SideEffect.objects.create(session=session, at=_taken_at(session, at, now), kind=kind, grade=grade,
                                           note=note,
                                           scale_result=scale_result, recorded_by=actor)  # fmt: skip
        _save(session, actor, request, "side_effect", kind=kind, grade=grade)
    return effect


SCALE_KINDS = {"cadss6": "dissociation", "rass": "sedation", "moaas": "sedation"}
SCALE_NAMES = {"cadss6": "CADSS-6", "rass": "RASS", "moaas": "MOAA/S"}


def session_scale(*, actor, request=None, session_id: int, expected_version: int, now: datetime, instrument_id: str,
                  answers: dict) -> SideEffect:  # fmt: skip
    """A dissociation (CADSS-6) or sedation (RASS, MOAA/S) rating during the session, scored and stored whole."""
    if instrument_id not in SCALE_KINDS:
        raise DomainValidationError("instrument_id", f"{instrument_id!r} is not a session scale", ", ".join(SCALE_KINDS))
    result = score(instrument_id, answers)
    if result.invalid:
        raise DomainValidationError("answers", result.invalid_reason)
    with transaction.atomic():
        session = _locked(session_id, expected_version)
        lifecycle.next_state(session.status, "scale")
        effect = SideEffect.objects.create(
            session=session, at=now, kind=SCALE_KINDS[instrument_id], grade="",
            note=f"{SCALE_NAMES[instrument_id]} {result.total_display}" + (f" ({result.band})" if result.band else ""),
            scale_result=result.as_dict(), recorded_by=actor,
        )  # fmt: skip
        _save(session, actor, request, "scale", instrument=instrument_id, total=result.total_display)
    return effect


def session_administration(*, actor, request=None, session_id: int, expected_version: int, now: datetime, drug: str,
                           dose_mg: float, route: str, reason: str = "",
                           at: datetime | None = None) -> Administration:  # fmt: skip
    check_adjunct_dose(drug, dose_mg)
    with transaction.atomic():
        session = _locked(session_id, expected_version)
        lifecycle.next_state(session.status, "administration")
        given = Administration.objects.create(session=session, at=_taken_at(session, at, now), drug=drug,
                                              dose_mg=Decimal(str(dose_mg)),
                                              route=route, reason=reason, recorded_by=actor)  # fmt: skip
        _save(session, actor, request, "administration", drug=drug, dose_mg=dose_mg)
    return given


def session_recovery_scores(*, actor, request=None, session_id: int, expected_version: int, post_pain_nrs: int,
                            aldrete_answers: dict, current_systolic_mmhg: int) -> InfusionSession:  # fmt: skip
    """Post-infusion pain and the modified Aldrete score, circulation judged against the pre-infusion BP."""
    if not 0 <= post_pain_nrs <= 10:
        raise DomainValidationError("post_pain_nrs", f"{post_pain_nrs} is out of range", "0–10")
    with transaction.atomic():
        session = _locked(session_id, expected_version)
        if session.status not in (lifecycle.RECOVERY, lifecycle.STOPPED_EARLY):
            raise DomainValidationError("action", "recovery scores are recorded after the infusion stops")
        baseline = session.vitals.filter(phase="pre", systolic_mmhg__isnull=False).order_by("at").first()
        if baseline is None:
            raise DomainValidationError("baseline_systolic_mmhg", "no pre-infusion blood pressure to compare with")
        result = score("modified_aldrete", aldrete_answers, baseline_systolic_mmhg=baseline.systolic_mmhg,
                       current_systolic_mmhg=current_systolic_mmhg)  # fmt: skip
        session.post_pain_nrs, session.aldrete = post_pain_nrs, result.as_dict()
        return _save(session, actor, request, "recovery_scores", aldrete=str(result.total))


def session_discharge(*, actor, request=None, session_id: int, expected_version: int, now: datetime,
                      escort_present: bool) -> InfusionSession:  # fmt: skip
    with transaction.atomic():
        session = _locked(session_id, expected_version)
        target = lifecycle.next_state(session.status, "discharge")
        total = int(session.aldrete["total_exact"]) if session.aldrete else None
        unanswered = tuple(f"{timezone.localtime(v.at):%H:%M} {v.level}" for v in session.vitals.exclude(level="normal")
                           .filter(response_taken="").order_by("at"))  # fmt: skip
        gate = discharge_gate(aldrete_total=total, stopped_at=session.stopped_at, now=now,
                              min_recovery_min=session.recovery_min_time_min, escort_present=escort_present,
                              unanswered_alerts=unanswered)  # fmt: skip
        if not gate.ok:
            raise GateRefused(gate.failures)
        session.status, session.discharged_at, session.discharged_by = target, now, actor
        session.escort_present_at_discharge = escort_present
        session.discharge_result = {"ok": True, "rule_version": gate.rule_version, "aldrete": total}
        return _save(session, actor, request, "discharge")


def session_waste(*, actor, request=None, session_id: int, expected_version: int, now: datetime,
                  witness_username: str, witness_password: str) -> InfusionSession:  # fmt: skip
    """Controlled-substance waste: what is left in the bag, witnessed by a second staff member who authenticates."""
    if request is not None:  # through the lockout (django-axes): a guessed witness password counts as a failure
        witness = authenticate(request, username=witness_username, password=witness_password)
    else:  # a command or the demo seed: no client to lock out
        witness = ModelBackend().authenticate(None, username=witness_username, password=witness_password)
    if witness is None or witness.role not in CLINICAL_ROLES:
        raise DomainValidationError("witness", "could not be authenticated as a nurse or prescriber")
    if witness.pk == actor.pk:
        raise DomainValidationError("witness", "must be a second staff member, not the person recording the waste")
    with transaction.atomic():
        session = _locked(session_id, expected_version)
        lifecycle.next_state(session.status, "waste")
        if session.waste_witnessed_at:
            raise DomainValidationError("waste", "was already recorded and witnessed for this session")
        delivered_mg = (session.delivered or {}).get("dose_mg", 0.0)
        bag = bag_reconciliation(bag_volume_ml=float(session.bag_volume_ml),
                                 bag_concentration_mg_per_ml=float(session.bag_concentration_mg_per_ml),
                                 delivered_mg=delivered_mg)  # fmt: skip
        session.wasted_mg, session.wasted_ml = Decimal(str(round(bag.wasted_mg, 3))), Decimal(str(round(bag.wasted_ml, 3)))
        session.waste_recorded_by, session.waste_witness, session.waste_witnessed_at = actor, witness, now
        return _save(session, actor, request, "waste", wasted_mg=round(bag.wasted_mg, 3), witness=witness.username)


def session_cancel(*, actor, request=None, session_id: int, expected_version: int, reason: str) -> InfusionSession:
    if not reason.strip():
        raise DomainValidationError("reason", "is required: say why the session is cancelled")
    with transaction.atomic():
        session = _locked(session_id, expected_version)
        session.status = lifecycle.next_state(session.status, "cancel")
        session.cancel_reason = reason.strip()
        return _save(session, actor, request, "cancel")


def now() -> datetime:
    return timezone.now()
