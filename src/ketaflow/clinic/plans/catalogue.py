"""Which plan kind each shipped protocol makes, and the form defaults a protocol suggests (clinic data)."""

from __future__ import annotations

from ketaflow.domain.protocols.profiles import ProtocolProfile, protocol_get, protocol_list

PLAN_KIND = {
    "fibromyalgia_induction": "induction",
    "chronic_pain_escalating": "escalating",
    "chronic_pain_booster": "booster",
    "depression_standard": "depression",
}


def protocol_choices() -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in protocol_list() if p.code in PLAN_KIND]


def defaults_for(profile: ProtocolProfile) -> dict:
    rate = profile.limit("rate_mg_per_kg_per_h")
    dose = profile.limit("session_dose_mg_per_kg")
    duration = profile.limit("session_duration_min")
    weight_based_rate = profile.dosing_unit == "mg/kg/h"
    if profile.escalation:
        start = profile.escalation.start
    elif weight_based_rate and rate:
        start = rate.soft_min
    else:
        start = dose.soft_min if dose else None
    return {
        "protocol": profile.code,
        "n_sessions": profile.course.sessions_min,
        "series_window_days": int(profile.course.series_window_days),
        "start_dose": start,
        "escalation_step": profile.escalation.step if profile.escalation else None,
        "escalation_cap": profile.escalation.cap if profile.escalation else None,
        "duration_min": int(profile.standard_duration_min or (duration.soft_max if duration else 120) or 120),
        "bag_concentration_mg_per_ml": profile.bag_concentrations_mg_per_ml[0],
    }


def profile_for(code: str) -> ProtocolProfile:
    return protocol_get(code)
