"""Escalating plans: each escalation limit names what it compares — a session's rate against the protocol's
schedule (escalation_session_rate), the step from the previous session (escalation_step), or the plan's cap
(escalation_cap) — with the value and unit, the bound's kind and its source.

QA found "escalation_step 0.4 mg/kg/h is above the soft max 0.1 (… step 0.1)": the check named for the step
compared the session's rate with the protocol's scheduled rate, and no check compared a step.
"""

from datetime import timedelta
from fractions import Fraction

import pytest
from order_builders import NOW, standard_order, weighed

from ketaflow.domain.dosing import NOT_EVALUATED, PASS, SOFT, PastSession, WeightRecord, check_order
from ketaflow.domain.dosing.limits import source_label
from ketaflow.domain.plans.checks import check_plan
from ketaflow.domain.plans.generate import generate_plan
from ketaflow.domain.plans.spec import Dose, PlanSpec
from ketaflow.domain.protocols import protocol_get

PROFILE = protocol_get("chronic_pain_escalating")  # start 0.1, step 0.05, cap 0.35 mg/kg/h


def plan_check(start, step, cap, n=10):
    plan = generate_plan(PlanSpec("escalating", n, Dose(start, "rate_mg_per_kg_per_h"), 240, 14,
                                  escalation_step=Fraction(step), escalation_cap=Fraction(cap)))  # fmt: skip
    return check_plan(plan, profile=PROFILE, weights=(WeightRecord(70.0, NOW - timedelta(days=1)),),
                      first_session_at=NOW + timedelta(days=1), session_spacing_h=24,
                      bag_concentration_mg_per_ml=1.0, dosing_weight_kg=None, now=NOW)  # fmt: skip


def results(check, name):
    return [c.result(name) for c in check.session_checks]


def test_a_plan_that_starts_high_with_the_protocols_step_is_flagged_on_its_session_rate_not_on_its_step():
    check = plan_check("0.2", "0.05", "0.4")
    assert [r.status for r in results(check, "escalation_step")] == [PASS] * 10
    first = check.session_checks[0].result("escalation_session_rate")
    assert first.status == SOFT and first.value == pytest.approx(0.2) and first.bound == pytest.approx(0.1)
    assert first.message.startswith("session 1 rate 0.2 mg/kg/h is above the soft max 0.1 mg/kg/h")
    assert "source: clinic policy: 10 consecutive infusions" in first.message
    assert "escalation_step" not in check.soft_limit_names and "escalation_session_rate" in check.soft_limit_names


def test_a_plan_whose_step_is_four_times_the_protocols_step_is_flagged_on_the_step_into_session_2():
    check = plan_check("0.2", "0.2", "0.4")
    steps = results(check, "escalation_step")
    assert [r.status for r in steps] == [PASS, SOFT] + [PASS] * 8  # from session 3 on it is held at the cap
    jump = steps[1]
    assert jump.value == pytest.approx(0.2) and jump.bound == pytest.approx(0.05) and jump.bound_kind == "soft_max"
    assert jump.message.startswith("session 2 step 0.2 mg/kg/h (session 1 mean rate 0.2 mg/kg/h")
    assert "is above the soft max 0.05 mg/kg/h, the protocol's per-session step" in jump.message
    assert jump.source == PROFILE.escalation.source and "source: clinic policy" in jump.message


def test_a_session_above_the_protocol_cap_names_the_cap_and_its_literature_source():
    held = plan_check("0.2", "0.05", "0.4").session_checks[5].result("escalation_session_rate")  # session 6: 0.4
    assert held.status == SOFT and held.bound == pytest.approx(0.35)
    assert held.source == PROFILE.escalation.cap_source  # Schwartzman 2009, not the clinic's step policy
    assert "the protocol's escalation cap 0.35 mg/kg/h, which its schedule reaches at session 6" in held.message
    assert held.message.endswith("source: Schwartzman et al. 2009")


def test_a_session_below_the_protocol_cap_names_its_scheduled_rate_and_the_policy_source():
    below = plan_check("0.2", "0.05", "0.4").session_checks[2].result("escalation_session_rate")  # session 3
    assert below.bound == pytest.approx(0.2) and below.source == PROFILE.escalation.source
    assert "the protocol's escalation schedule for session 3 (start 0.1 + 2 × step 0.05 mg/kg/h)" in below.message


def test_a_plan_cap_above_the_hard_maximum_names_the_plans_cap_the_hard_max_and_its_source():
    cap = plan_check("0.2", "0.05", "0.7").plan_results[0]
    assert cap.name == "escalation_cap" and cap.status == "hard_violation"
    assert cap.message.startswith("escalation_cap 0.7 mg/kg/h is above the hard max 0.6 mg/kg/h (the plan's cap")
    assert cap.message.endswith("source: Rema et al. 2012")


@pytest.mark.parametrize(("start", "step", "cap"), [("0.2", "0.05", "0.4"), ("0.2", "0.2", "0.4"),
                                                     ("0.2", "0.05", "0.7"), ("0.1", "0.05", "0.35")])
def test_every_step_result_is_the_difference_of_two_session_rates_never_a_rate(start, step, cap):
    check = plan_check(start, step, cap)
    rates = [c.result("escalation_session_rate").value for c in check.session_checks]
    for i, c in enumerate(check.session_checks[1:], start=1):
        result = c.result("escalation_step")
        assert result.value == pytest.approx(rates[i] - rates[i - 1], abs=1e-12)
        assert f"session {i + 1} step {result.value:.4g} mg/kg/h" in result.message


def test_a_patient_held_back_who_then_jumps_three_steps_is_flagged_though_the_rate_is_on_schedule():
    # Four sessions held at 0.15 mg/kg/h (e.g. after dissociation); the fifth is ordered at the schedule's 0.3.
    end = NOW - timedelta(days=1)
    past = tuple(PastSession(end - timedelta(days=4 - i, hours=4), end - timedelta(days=4 - i), 0.15 * 70 * 4)
                 for i in range(4))  # fmt: skip
    check = check_order(order=standard_order(rate=0.3, duration_min=240), protocol=PROFILE,
                        patient=weighed(course_sessions=past), now=NOW)  # fmt: skip
    assert check.result("escalation_session_rate").status == PASS
    step = check.result("escalation_step")
    assert step.status == SOFT and step.value == pytest.approx(0.15)
    assert "session 5 step 0.15 mg/kg/h (session 4 mean rate 0.15 mg/kg/h: 42 mg over 4 h on 70 kg" in step.message


def test_the_first_session_of_a_course_has_no_step_and_says_so():
    result = check_order(order=standard_order(rate=0.1, duration_min=240), protocol=PROFILE, patient=weighed(),
                         now=NOW).result("escalation_step")  # fmt: skip
    assert result.status == PASS and result.value is None
    assert result.message == ("session 1 is the first of the course: no step to compare with the protocol's "
                              "per-session step 0.05 mg/kg/h")


def test_without_a_weight_neither_escalation_limit_is_evaluated_and_each_says_why():
    end = NOW - timedelta(days=1)
    past = (PastSession(end - timedelta(hours=4), end, 28.0),)
    from ketaflow.domain.dosing import PatientContext

    check = check_order(order=standard_order(rate=0.15, duration_min=240), protocol=PROFILE,
                        patient=PatientContext(course_sessions=past), now=NOW)  # fmt: skip
    for name in ("escalation_session_rate", "escalation_step"):
        result = check.result(name)
        assert result.status == NOT_EVALUATED and "needs the dosing weight" in result.message


def test_a_violation_of_any_protocol_limit_names_the_source_of_the_bound_it_crossed():
    result = check_order(order=standard_order(rate=0.4, duration_min=240), protocol=PROFILE, patient=weighed(),
                         now=NOW).result("rate_mg_per_kg_per_h")  # fmt: skip
    assert result.message == ("rate_mg_per_kg_per_h (segment 1) 0.4 mg/kg/h is above the soft max 0.35 mg/kg/h; "
                              "source: Schwartzman et al. 2009")


def test_source_labels_are_short_and_say_whether_a_bound_is_literature_a_label_or_clinic_policy():
    interval = PROFILE.limit("interval_between_sessions_h").source
    concentration = PROFILE.limit("bag_concentration_mg_per_ml").source
    assert source_label(PROFILE.escalation.cap_source) == "Schwartzman et al. 2009"
    assert source_label(interval) == ("clinic policy: minimum time between the end of one session and the start "
                                      "of the next")
    assert source_label(concentration) == "Ketalar (ketamine HCl) label"
