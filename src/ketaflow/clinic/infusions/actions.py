"""One charting action by name, from already-parsed data: the page's forms and the API's schemas both
end here, so a rate typed on the tablet and a rate posted by an integration meet the same checks."""

from __future__ import annotations

from datetime import datetime

from ketaflow.clinic.infusions import services
from ketaflow.domain import units
from ketaflow.domain.charting.vitals import VitalsReading
from ketaflow.domain.errors import DomainValidationError

VITAL_KEYS = (
    "systolic_mmhg",
    "diastolic_mmhg",
    "heart_rate_per_min",
    "spo2_percent",
    "respiratory_rate_per_min",
)
RATE_ACTIONS = ("start", "change_rate", "pause", "resume", "stop", "stop_early")
ACTION_NAMES = ("check_in", *RATE_ACTIONS, "vitals", "side_effect", "scale", "administration", "recovery",
                "discharge", "waste", "cancel")  # fmt: skip


def reading(data: dict) -> VitalsReading:
    return VitalsReading(**{k: data.get(k) for k in VITAL_KEYS})


def _pre_vitals(data: dict) -> VitalsReading | None:
    """No vitals at all is one of the check-in gate's failures, listed with the others; a value out of range
    is still an error of its own."""
    if all(data.get(k) is None for k in VITAL_KEYS):
        return None
    return reading(data)


def _rate(data: dict) -> units.Quantity | None:
    if data.get("rate_value") is None:
        return None
    return units.Quantity(float(data["rate_value"]), data.get("rate_unit") or units.MG_PER_KG_PER_H)


def perform(*, actor, request, session_id: int, action: str, data: dict, now: datetime):
    """Run one charting action; raises DomainValidationError, StaleVersionError, GateRefused or RateRefused."""
    common = {
        "actor": actor,
        "request": request,
        "session_id": session_id,
        "expected_version": data["expected_version"],
    }
    if action == "check_in":
        return services.session_check_in(
            **common, now=now, escort_confirmed=data["escort_confirmed"], escort_name=data.get("escort_name", ""),
            fasting_hours_solids=data.get("fasting_hours_solids"),
            pregnancy_test_negative=data.get("pregnancy_test_negative"), pre_pain_nrs=data.get("pre_pain_nrs"),
            vitals=_pre_vitals(data), bag_lot=data.get("bag_lot", ""),
            bag_concentration_mg_per_ml=data.get("bag_concentration_mg_per_ml"), bag_volume_ml=data.get("bag_volume_ml"),
        )  # fmt: skip
    if action in ("start", "change_rate", "resume"):
        return services.session_rate_action(**common, now=now, action=action, rate=_rate(data),
                                            override_reason=data.get("override_reason", ""))  # fmt: skip
    if action in RATE_ACTIONS:
        return services.session_rate_action(
            **common, now=now, action=action, stop_reason=data.get("stop_reason", "")
        )
    if action == "vitals":
        return services.session_vitals(
            **common, now=now, reading=reading(data), rhythm_note=data.get("rhythm_note", ""), at=data.get("at")
        )
    if action == "side_effect":
        return services.session_side_effect(**common, now=now, kind=data["kind"], grade=data["grade"],
                                            note=data.get("note", ""), at=data.get("at"))  # fmt: skip
    if action == "scale":
        return services.session_scale(**common, now=now, instrument_id=data["instrument_id"], answers=data["answers"])
    if action == "administration":
        return services.session_administration(**common, now=now, drug=data["drug"], dose_mg=float(data["dose_mg"]),
                                               route=data["route"], reason=data.get("reason", ""),
                                               at=data.get("at"))  # fmt: skip
    if action == "recovery":
        answers = {k: data[k] for k in ("activity", "respiration", "consciousness", "oxygen_saturation")}
        return services.session_recovery_scores(**common, post_pain_nrs=data["post_pain_nrs"], aldrete_answers=answers,
                                                current_systolic_mmhg=data["current_systolic_mmhg"])  # fmt: skip
    if action == "discharge":
        return services.session_discharge(**common, now=now, escort_present=data["escort_present"])
    if action == "waste":
        return services.session_waste(**common, now=now, witness_username=data["witness_username"],
                                      witness_password=data["witness_password"])  # fmt: skip
    if action == "cancel":
        return services.session_cancel(**common, reason=data["reason"])
    raise DomainValidationError("action", f"unknown charting action {action!r}", ", ".join(ACTION_NAMES))
