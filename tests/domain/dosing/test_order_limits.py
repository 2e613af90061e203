"""Every limit of check_order at, just inside and just beyond each of its bounds.

"Just" is a relative step of 1e-6: the check treats values within 1e-9 (relative) of a bound as on it,
so 1e-6 is well clear of that slack and of float rounding in the conversions.
"""

from datetime import timedelta

import pytest
from order_builders import NOW, standard_order, weighed

from ketaflow.domain.dosing import (
    DEFAULT_POLICY,
    HARD,
    PASS,
    SOFT,
    OrderSegment,
    PastSession,
    PatientContext,
    WeightRecord,
    check_order,
)
from ketaflow.domain.dosing.orders import InfusionOrder
from ketaflow.domain.protocols import protocol_get
from ketaflow.domain.units import Quantity

STEP = 1e-6
SEVERITY = {PASS: 0, SOFT: 1, HARD: 2}


def _past(total_mg, n=1):
    end = NOW - timedelta(days=2)
    return tuple(PastSession(end - timedelta(hours=4), end, total_mg / n) for _ in range(n))


# Each builder maps a wanted value of one limit to (order, patient) that yields exactly that value.
def rate_per_kg(v):
    return standard_order(rate=v, duration_min=60), weighed()


def rate_mg_per_h(v):
    return standard_order(rate=v, unit="mg/h", duration_min=60), weighed()


def session_dose_per_kg(v):
    return standard_order(rate=0.5, duration_min=v / 0.5 * 60), weighed()


def session_dose_mg(v):
    return standard_order(rate=35.0, unit="mg/h", duration_min=v / 35.0 * 60), weighed()


def session_duration(v):
    return standard_order(rate=0.3, duration_min=v), weighed()


def bag_concentration(v):
    return standard_order(conc=v), weighed()


def course_dose_mg(v):  # this order gives 0.5 mg/kg/h × 1 h × 70 kg = 35 mg
    return standard_order(duration_min=60), weighed(course_sessions=_past(v - 35.0))


def course_dose_per_kg(v):
    return standard_order(duration_min=60), weighed(course_sessions=_past((v - 0.5) * 70.0))


def interval(v):
    return standard_order(), weighed(last_session_ended_at=NOW - timedelta(hours=v))


def weight(v):
    return standard_order(), weighed(weight_kg=v)


def weight_age(v):
    return standard_order(), weighed(days_ago=v)


def dosing_weight_difference(v):
    return standard_order(weight=70.0 * (1 + v / 100)), weighed()


def weight_change(v):
    return standard_order(), PatientContext(weights=(
        WeightRecord(70.0, NOW - timedelta(days=20)), WeightRecord(70.0 * (1 + v / 100), NOW - timedelta(days=1))))


def course_sessions(v):
    return standard_order(), weighed(course_sessions=_past(100.0, n=round(v) - 1))


BUILDERS = {
    "rate_mg_per_kg_per_h": rate_per_kg,
    "rate_mg_per_h": rate_mg_per_h,
    "session_dose_mg_per_kg": session_dose_per_kg,
    "session_dose_mg": session_dose_mg,
    "session_duration_min": session_duration,
    "bag_concentration_mg_per_ml": bag_concentration,
    "course_dose_mg": course_dose_mg,
    "course_dose_mg_per_kg": course_dose_per_kg,
    "interval_between_sessions_h": interval,
    "weight_kg": weight,
    "weight_age_days": weight_age,
    "dosing_weight_difference_percent": dosing_weight_difference,
    "weight_change_percent": weight_change,
}

PROFILE = protocol_get("fibromyalgia_induction")
POLICY_LIMITS = {lim.name: lim for lim in (DEFAULT_POLICY.weight_kg, DEFAULT_POLICY.weight_age_days,
                                           DEFAULT_POLICY.dosing_weight_difference_percent,
                                           DEFAULT_POLICY.weight_change_percent)}


def _cases():
    for name in BUILDERS:
        limit = PROFILE.limit(name) or POLICY_LIMITS[name]
        for kind in ("soft_min", "soft_max", "hard_min", "hard_max"):
            bound = getattr(limit, kind)
            if bound is not None and bound > 0:
                yield pytest.param(name, kind, bound, id=f"{name}-{kind}")


def _status(name, value):
    order, patient = BUILDERS[name](value)
    result = check_order(order=order, protocol=PROFILE, patient=patient, now=NOW).result(name)
    assert result.value == pytest.approx(value, rel=1e-9), "the builder must produce the wanted value"
    return result


@pytest.mark.parametrize(("name", "kind", "bound"), _cases())
def test_limit_passes_its_bound_at_and_inside_and_fires_just_beyond(name, kind, bound):
    fires = HARD if kind.startswith("hard") else SOFT
    outward = -1 if kind.endswith("min") else 1
    at, inside = _status(name, bound), _status(name, bound * (1 - outward * STEP))
    beyond = _status(name, bound * (1 + outward * STEP))
    assert SEVERITY[at.status] < SEVERITY[fires], at.message
    assert inside.status == at.status
    assert beyond.status == fires and beyond.bound == bound and beyond.bound_kind == kind
    assert beyond.source == (at.limit.hard_source if fires == HARD else at.limit.source)
    assert beyond.unit == at.limit.unit and str(bound).rstrip("0").rstrip(".") in beyond.message


def test_course_sessions_allows_the_planned_number_and_flags_one_more():
    def status(n):
        order, patient = course_sessions(n)
        return check_order(order=order, protocol=PROFILE, patient=patient, now=NOW).result("course_sessions").status

    assert status(6) == PASS
    assert status(7) == SOFT


def test_escalation_session_rate_allows_this_sessions_scheduled_rate_and_flags_a_higher_one():
    profile = protocol_get("chronic_pain_escalating")
    patient = weighed(course_sessions=_past(200.0, n=2))  # third session: 0.1 + 2 × 0.05 = 0.2 mg/kg/h

    def status(rate):
        order = standard_order(rate=rate, duration_min=240)
        return check_order(order=order, protocol=profile, patient=patient, now=NOW).result("escalation_session_rate")

    assert status(0.2).status == PASS
    assert status(0.2 * (1 + STEP)).status == SOFT
    assert status(0.2).bound is None and status(0.25).bound == pytest.approx(0.2, rel=1e-12)


def test_the_worst_segment_decides_a_rate_limit_and_is_named():
    order = InfusionOrder(NOW, (OrderSegment(60, Quantity(0.3, "mg/kg/h")), OrderSegment(60, Quantity(0.8, "mg/kg/h"))),
                          1.0)
    result = check_order(order=order, protocol=PROFILE, patient=weighed(), now=NOW).result("rate_mg_per_kg_per_h")
    assert result.status == SOFT and result.segment_index == 1 and result.value == pytest.approx(0.8, rel=1e-12)
