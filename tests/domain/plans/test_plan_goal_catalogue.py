"""The plan goal catalogue: the prescriber's goals are checked against data (metric, comparator, range, unit,
default and source, version); every bad goal is named by its index and field; nothing is clamped or dropped."""

from fractions import Fraction

import pytest

from ketaflow.domain.plans.goal_catalogue import (
    BY_METRIC,
    CATALOGUE,
    CATALOGUE_VERSION,
    GoalProblems,
    catalogue_dict,
    choose_goals,
)
from ketaflow.domain.plans.goals import PAIN_30, PHQ9_BELOW_10, default_goals

KINDS = ("induction", "escalating", "booster", "depression")


def pain(threshold, comparator=">="):
    return {"metric": "pain_nrs_percent_reduction", "comparator": comparator, "threshold": threshold}


def problems(kind, rows):
    with pytest.raises(GoalProblems) as error:
        choose_goals(kind, rows)
    return [(p.field, p.message, p.allowed) for p in error.value.problems]


@pytest.mark.parametrize("kind", KINDS)
def test_no_goals_given_means_the_kinds_defaults_exactly_as_before(kind):
    assert choose_goals(kind, None) == default_goals(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_every_default_goal_passes_its_own_catalogue_check(kind):
    rows = [g.as_dict() for g in default_goals(kind)]
    assert choose_goals(kind, rows) == default_goals(kind)


def test_every_metric_names_its_comparator_unit_default_source_and_the_catalogue_version():
    data = catalogue_dict()
    assert data["version"] == CATALOGUE_VERSION and data["range_source"]["version"] == CATALOGUE_VERSION
    for entry in data["metrics"]:
        assert entry["comparator"] in (">=", "<", "in") and entry["unit"] and entry["allowed"]
        assert entry["default"]["source"]["citation"] and entry["default"]["source"]["version"]
    pain_entry = next(m for m in data["metrics"] if m["metric"] == "pain_nrs_percent_reduction")
    assert (pain_entry["threshold_min"], pain_entry["threshold_max"]) == (10, 100)
    assert [a["threshold"] for a in pain_entry["anchors"]] == ["30", "50"]
    assert all("IMMPACT" in a["source"]["citation"] for a in pain_entry["anchors"])


def test_the_fiqr_default_is_labelled_clinic_policy_and_phq9_below_10_cites_keith():
    assert BY_METRIC["fiqr_percent_reduction"].default.source.kind == "clinic policy"
    assert BY_METRIC["fiqr_percent_reduction"].default.threshold == 14
    assert BY_METRIC["phq9_total"].default == PHQ9_BELOW_10 and "Keith" in PHQ9_BELOW_10.source.citation


def test_a_threshold_at_an_immpact_anchor_carries_immpacts_source():
    (goal,) = choose_goals("induction", [pain("50")])
    assert goal.threshold == 50 and "IMMPACT" in goal.source.citation and "(substantial)" in goal.description
    assert choose_goals("induction", [pain(30)]) == (PAIN_30,)


def test_a_threshold_between_anchors_is_the_prescribers_choice_labelled_clinic_policy():
    (goal,) = choose_goals("escalating", [pain("40")])
    assert (
        goal.threshold == Fraction(40) and goal.description == "average pain NRS at least 40 % below baseline"
    )
    assert goal.source.kind == "clinic policy" and goal.source.version == CATALOGUE_VERSION
    assert "40" in goal.source.citation and "10–100" in goal.source.citation


def test_an_out_of_range_threshold_is_refused_naming_the_index_and_range_not_clamped():
    assert problems(
        "induction",
        [pain("30"), {"metric": "fiqr_percent_reduction", "comparator": ">=", "threshold": "120"}],
    ) == [  # fmt: skip
        ("goals[1].threshold", "120 is out of range", "whole number 10–100 (% below baseline)")
    ]
    assert problems("induction", [pain(5)])[0][:2] == ("goals[0].threshold", "5 is out of range")


def test_a_fractional_threshold_is_refused_not_rounded():
    assert problems("induction", [pain("30.5")]) == [
        ("goals[0].threshold", "30.5 is not a whole number", "whole number 10–100 (% below baseline)")
    ]
    assert problems("induction", [pain(30.5)])[0][1] == "30.5 is not a whole number"


def test_a_huge_or_non_numeric_threshold_is_refused_quickly():
    assert problems("induction", [pain("1e999999999")])[0][1] == "1e999999999 is out of range"
    assert problems("induction", [pain("NaN")])[0][1] == "'NaN' is not a number"
    assert problems("induction", [pain(True)])[0][1] == "pain_nrs_percent_reduction takes a number"
    assert problems("induction", [pain(["30"])])[0][1] == "pain_nrs_percent_reduction takes a number"


def test_an_unknown_metric_names_the_field_and_lists_the_kinds_metrics():
    (found,) = problems("depression", [{"metric": "happiness", "comparator": ">=", "threshold": "1"}])
    assert found == ("goals[0].metric", "'happiness' is not in the goal catalogue",
                     "pgic, phq9_percent_reduction, phq9_total")  # fmt: skip


def test_a_pain_goal_on_a_depression_plan_is_refused():
    (found,) = problems("depression", [pain("30")])
    assert found[0] == "goals[0].metric" and "not a goal for a depression plan" in found[1]


def test_the_wrong_comparator_is_refused_naming_the_allowed_one():
    (found,) = problems("induction", [pain("30", comparator="<")])
    assert found == ("goals[0].comparator", "'<' is not the comparator of pain_nrs_percent_reduction", "'>='")


def test_a_duplicate_metric_is_refused_naming_the_first():
    (found,) = problems("booster", [pain("30"), pain("50")])
    assert found == ("goals[1].metric", "pain_nrs_percent_reduction is already goals[0]", "each metric once")


def test_every_bad_goal_is_listed_at_once():
    rows = [pain("300"), {"metric": "phq9_total", "comparator": "<", "threshold": "0"}, "not a goal"]
    assert [f for f, _, _ in problems("induction", rows)] == [
        "goals[0].threshold",
        "goals[1].threshold",
        "goals[2]",
    ]


def test_at_least_one_goal_is_required():
    (found,) = problems("induction", [])
    assert (
        found[0] == "goals" and "at least one goal" in found[1] and "pain_nrs_percent_reduction" in found[2]
    )


def test_a_missing_threshold_is_refused_not_defaulted():
    (found,) = problems("induction", [{"metric": "pgic", "comparator": "in"}])
    assert found[:2] == ("goals[0].threshold", "is required")


def test_pgic_takes_one_of_its_immpact_bands_in_any_order():
    (goal,) = choose_goals("depression", [{"metric": "pgic", "comparator": "in",
                                           "threshold": ["Very much improved", "much improved"]}])  # fmt: skip
    assert goal.threshold == ("much improved", "very much improved") and "IMMPACT" in goal.source.citation
    (found,) = problems("induction", [{"metric": "pgic", "comparator": "in", "threshold": ["no change"]}])
    assert found[0] == "goals[0].threshold" and "[much improved, very much improved]" in found[2]


def test_chosen_goals_still_decide_met_or_not_inclusively():
    (pain40, below5) = choose_goals("induction", [pain("40"), {"metric": "phq9_total", "comparator": "<",
                                                                "threshold": 5}])  # fmt: skip
    assert pain40.met_by(40) and not pain40.met_by(Fraction(3999, 100))
    assert below5.met_by(4) and not below5.met_by(5)


def test_the_catalogue_covers_each_metric_goals_are_built_from():
    from ketaflow.domain.plans.goals import METRICS

    assert {m.metric for m in CATALOGUE} == METRICS
