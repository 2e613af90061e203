"""Plan generation: sessions, delivered dose, escalation that stops at the cap and says so."""

from fractions import Fraction

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.plans.generate import generate_plan
from ketaflow.domain.plans.spec import Dose, PlanSpec


def escalating(n=10, start="0.2", step="0.2", cap="0.6", duration_min=240):
    return PlanSpec(
        "escalating",
        n,
        Dose(start, "rate_mg_per_kg_per_h"),
        duration_min,
        14,
        escalation_step=step,
        escalation_cap=cap,
    )


def test_induction_repeats_the_start_dose_with_its_delivered_mg_per_kg():
    plan = generate_plan(PlanSpec("induction", 6, Dose("0.35", "rate_mg_per_kg_per_h"), 240, 21))
    assert [s.index for s in plan.sessions] == [1, 2, 3, 4, 5, 6]
    assert {s.dose.value for s in plan.sessions} == {Fraction(7, 20)}
    assert plan.sessions[0].planned_delivered_mg_per_kg == Fraction(7, 5)  # 0.35 mg/kg/h × 4 h
    assert plan.notes == ()


def test_depression_dose_over_40_minutes_delivers_the_dose_itself():
    plan = generate_plan(PlanSpec("depression", 6, Dose("0.5", "dose_mg_per_kg", over_min=40), 40, 21))
    assert plan.sessions[0].planned_delivered_mg_per_kg == Fraction(1, 2)
    assert plan.sessions[0].dose.over_min == 40


def test_escalation_follows_rema_steps_and_reaching_the_cap_exactly_is_not_a_clamp():
    # Rema 2012 (clinical.md §2.1): 0.2 → 0.4 → 0.6 mg/kg/h on successive days.
    plan = generate_plan(escalating(n=3))
    assert [s.dose.value for s in plan.sessions] == [Fraction(1, 5), Fraction(2, 5), Fraction(3, 5)]
    assert plan.notes == ()
    assert not any(s.held_at_cap for s in plan.sessions)


def test_the_cap_is_never_exceeded_and_every_held_session_has_a_note():
    plan = generate_plan(escalating(n=10, start="0.2", step="0.2", cap="0.7"))
    values = [s.dose.value for s in plan.sessions]
    assert max(values) == Fraction(7, 10)
    assert values[:4] == [Fraction(1, 5), Fraction(2, 5), Fraction(3, 5), Fraction(7, 10)]
    assert [n.session_index for n in plan.notes] == list(range(4, 11))
    assert "the step to 0.8 rate_mg_per_kg_per_h would pass the cap 0.7" in plan.notes[0].message
    assert "held at the cap 0.7" in plan.notes[1].message
    assert all(s.held_at_cap for s in plan.sessions[3:])


def test_cap_below_the_start_dose_is_refused():
    with pytest.raises(DomainValidationError) as error:
        generate_plan(escalating(start="0.5", cap="0.4"))
    assert error.value.field == "escalation_cap"
    assert error.value.allowed == ">= 0.5"  # a decimal, as the prescriber typed it (QA: was ">= 1/2")
    assert error.value.message == "cap 0.4 is below the start dose 0.5 rate_mg_per_kg_per_h"


def test_escalating_without_a_step_is_refused():
    spec = PlanSpec("escalating", 10, Dose("0.2", "rate_mg_per_kg_per_h"), 240, 14)
    with pytest.raises(DomainValidationError) as error:
        generate_plan(spec)
    assert error.value.field == "escalation_step"


def test_a_step_on_a_non_escalating_plan_is_refused():
    spec = PlanSpec("induction", 6, Dose("0.2", "rate_mg_per_kg_per_h"), 120, 21, escalation_step="0.1")
    with pytest.raises(DomainValidationError):
        generate_plan(spec)


def test_induction_sessions_longer_than_4_hours_are_refused_with_the_range():
    with pytest.raises(DomainValidationError) as error:
        generate_plan(PlanSpec("induction", 6, Dose("0.3", "rate_mg_per_kg_per_h"), 300, 21))
    assert error.value.field == "duration_min"
    assert error.value.allowed == "whole number 60–240"


def test_more_sessions_than_window_days_is_refused():
    with pytest.raises(DomainValidationError) as error:
        generate_plan(PlanSpec("induction", 6, Dose("0.3", "rate_mg_per_kg_per_h"), 120, 5))
    assert error.value.field == "series_window_days"


def test_a_dose_running_longer_than_the_session_is_refused():
    with pytest.raises(DomainValidationError) as error:
        generate_plan(PlanSpec("depression", 6, Dose("0.5", "dose_mg_per_kg", over_min=90), 60, 21))
    assert error.value.field == "start_dose.over_min"


def test_dose_unit_must_be_explicit_and_known():
    with pytest.raises(DomainValidationError) as error:
        Dose("0.3", "mg")
    assert error.value.field == "dose.unit"
    with pytest.raises(DomainValidationError):
        Dose("0.5", "dose_mg_per_kg")  # no over_min
    with pytest.raises(DomainValidationError):
        Dose("0", "rate_mg_per_kg_per_h")


def test_unknown_plan_kind_is_refused():
    with pytest.raises(DomainValidationError) as error:
        PlanSpec("maintenance", 1, Dose("0.3", "rate_mg_per_kg_per_h"), 60, 7)
    assert error.value.field == "kind"


def test_plan_records_inputs_and_labelled_policy_version():
    plan = generate_plan(escalating(n=3))
    assert plan.inputs["start_dose"] == {"value": "1/5", "unit": "rate_mg_per_kg_per_h", "over_min": None}
    assert plan.inputs["escalation_cap"] == "3/5"
    assert plan.source.kind == "clinic policy" and plan.rule_version == plan.source.version


def test_booster_plans_allow_at_most_four_sessions():
    assert (
        len(generate_plan(PlanSpec("booster", 2, Dose("0.3", "rate_mg_per_kg_per_h"), 120, 7)).sessions) == 2
    )
    with pytest.raises(DomainValidationError) as error:
        generate_plan(PlanSpec("booster", 5, Dose("0.3", "rate_mg_per_kg_per_h"), 120, 7))
    assert error.value.allowed == "whole number 1–4"
