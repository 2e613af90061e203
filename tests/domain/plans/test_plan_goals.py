"""Goals as data, with their source; defaults per plan kind."""

from fractions import Fraction

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.plans.durations import InductionDurationPolicy, induction_duration
from ketaflow.domain.plans.generate import generate_plan
from ketaflow.domain.plans.goals import PAIN_30, PGIC_MUCH, PHQ9_BELOW_10, Goal
from ketaflow.domain.plans.spec import Dose, PlanSpec
from ketaflow.domain.sources import Source


def test_pain_plans_default_to_immpact_fiqr_and_pgic_goals():
    plan = generate_plan(PlanSpec("induction", 6, Dose("0.3", "rate_mg_per_kg_per_h"), 120, 21))
    assert [g.metric for g in plan.goals] == ["pain_nrs_percent_reduction", "fiqr_percent_reduction", "pgic"]
    assert plan.goals[0].threshold == 30 and "IMMPACT" in plan.goals[0].source.citation
    assert plan.goals[1].threshold == 14 and plan.goals[1].source.kind == "clinic policy"


def test_depression_plans_default_to_phq9_goals():
    plan = generate_plan(PlanSpec("depression", 6, Dose("0.5", "dose_mg_per_kg", over_min=40), 40, 21))
    assert [(g.metric, g.comparator, g.threshold) for g in plan.goals] == [
        ("phq9_percent_reduction", ">=", 50),
        ("phq9_total", "<", 10),
    ]


def test_goal_thresholds_are_inclusive_or_strict_as_stated():
    assert PAIN_30.met_by(30) and not PAIN_30.met_by(Fraction(2999, 100))
    assert PHQ9_BELOW_10.met_by(9) and not PHQ9_BELOW_10.met_by(10)
    assert PGIC_MUCH.met_by("much improved") and not PGIC_MUCH.met_by("minimally improved")


def test_custom_goals_replace_the_defaults_and_are_stored_as_plain_data():
    goal = Goal(
        "pain_nrs_percent_reduction", ">=", Fraction(50), Source.clinic_policy("50 % target", "v1"), "halve"
    )
    plan = generate_plan(
        PlanSpec("induction", 6, Dose("0.3", "rate_mg_per_kg_per_h"), 120, 21, goals=(goal,))
    )
    assert plan.goals == (goal,)
    assert plan.inputs["goals"][0] == {
        "metric": "pain_nrs_percent_reduction",
        "comparator": ">=",
        "threshold": "50",
        "source": goal.source.as_dict(),
        "description": "halve",
    }


def test_unknown_goal_metric_is_refused():
    with pytest.raises(DomainValidationError) as error:
        Goal("happiness", ">=", Fraction(1), Source.clinic_policy("x", "v"), "")
    assert error.value.field == "goal.metric"


def test_induction_duration_follows_the_labelled_severity_table():
    assert induction_duration("mild").duration_min == 60
    chosen = induction_duration("very severe")
    assert chosen.duration_min == 240
    assert chosen.source.kind == "clinic policy" and chosen.rule_version == chosen.source.version
    assert chosen.inputs["severity"] == "very severe"
    assert induction_duration("severe", InductionDurationPolicy({"severe": 150})).duration_min == 150


def test_remission_has_no_induction_duration():
    with pytest.raises(DomainValidationError) as error:
        induction_duration("remission")
    assert error.value.field == "severity"
