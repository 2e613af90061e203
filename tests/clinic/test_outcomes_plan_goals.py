"""The plan's own goals in the outcome evaluation: stored as a decision with inputs and rule version, shown per
plan on the response summary (page and chart panel), next to the IMMPACT classes that stay as they were."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest
from django.utils import timezone

from ketaflow.clinic.assessments.services import assessment_record
from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.outcomes.models import OutcomeDecision
from ketaflow.clinic.outcomes.services import outcomes_evaluate_patient
from ketaflow.clinic.plans.models import Plan
from ketaflow.domain.outcomes.goal_attainment import RULE_VERSION
from ketaflow.domain.plans.goal_catalogue import BY_METRIC
from ketaflow.domain.plans.goals import FIQR_14, PGIC_MUCH
from ketaflow.synth.outcomes import diary_days, past_series

pytestmark = pytest.mark.django_db


def pain_goal(percent: int) -> dict:
    return BY_METRIC["pain_nrs_percent_reduction"].goal(Fraction(percent)).as_dict()


@pytest.fixture
def course(patients, staff):
    """Ben: baseline pain 7, six infusions, then pain 4 every day (3/7 = 42.857… % below baseline, shown cut to 42.8); no intake FIQR."""
    first = timezone.localdate() - dt.timedelta(days=40)
    plan = past_series(patients["ben"], staff["prescriber"], first_day=first)
    diary_days(patients["ben"], staff["nurse"], first_day=first - dt.timedelta(days=7), values=[7] * 7)
    diary_days(patients["ben"], staff["nurse"], first_day=first + dt.timedelta(days=12), values=[4] * 28)
    return plan


def set_goals(plan, goals):
    Plan.objects.filter(pk=plan.pk).update(goals=goals)


def current_goals(plan) -> OutcomeDecision:
    return OutcomeDecision.objects.get(plan=plan, kind="goals", superseded_at__isnull=True)


def by_metric(decision) -> dict:
    return {g["metric"]: g for g in decision.result["goals"]}


def test_a_40_percent_pain_goal_is_met_by_a_course_43_percent_below_baseline(course, patients, staff):
    set_goals(course, [pain_goal(40), FIQR_14.as_dict(), PGIC_MUCH.as_dict()])
    assessment_record(actor=staff["nurse"], patient=patients["ben"], instrument_id="pgic",
                      answers={"pgic": "much_improved"})  # fmt: skip
    outcomes_evaluate_patient(patient=patients["ben"])
    decision = current_goals(course)
    goals = by_metric(decision)
    pain = goals["pain_nrs_percent_reduction"]
    assert (pain["status"], pain["met"]) == ("met", True)
    assert pain["baseline"] == "7" and pain["latest"] == "4" and pain["compared"] == "300/7"
    assert pain["threshold"] == "40" and pain["source"]["kind"] == "clinic policy"
    assert goals["pgic"]["status"] == "met" and goals["pgic"]["compared"] == "much improved"
    assert goals["fiqr_percent_reduction"] == goals["fiqr_percent_reduction"] | {
        "status": "not evaluable", "met": None, "reason": "no intake FIQR"}
    assert decision.rule_version == RULE_VERSION and decision.source["kind"] == "clinic policy"
    assert "the thresholds are the prescriber's" in decision.source["citation"]
    assert decision.inputs["goal_catalogue"] == course.rule_versions["goals"]
    assert decision.inputs["baseline_pain_nrs"] == "7" and decision.inputs["latest_pgic"] == "much improved"
    assert decision.summary == "2 of 3 plan goals met, 1 not evaluable"


def test_a_45_percent_goal_is_not_met_while_the_immpact_class_stays_moderately_important(course, patients):
    set_goals(course, [pain_goal(45)])
    outcomes_evaluate_patient(patient=patients["ben"])
    assert by_metric(current_goals(course))["pain_nrs_percent_reduction"]["status"] == "not met"
    response = OutcomeDecision.objects.get(plan=course, kind="response", superseded_at__isnull=True)
    assert response.result["current"]["classification"] == "moderately important"


def test_a_pgic_given_later_supersedes_the_goals_decision_and_the_old_one_is_kept(course, patients, staff):
    set_goals(course, [PGIC_MUCH.as_dict()])
    outcomes_evaluate_patient(patient=patients["ben"])
    before = current_goals(course)
    assert by_metric(before)["pgic"]["reason"] == "no PGIC since the series"
    outcomes_evaluate_patient(patient=patients["ben"])
    assert current_goals(course).pk == before.pk  # unchanged: nothing new stored
    assessment_record(actor=staff["nurse"], patient=patients["ben"], instrument_id="pgic",
                      answers={"pgic": "very_much_improved"})  # fmt: skip
    outcomes_evaluate_patient(patient=patients["ben"])
    after = current_goals(course)
    assert after.pk != before.pk and by_metric(after)["pgic"]["status"] == "met"
    before.refresh_from_db()
    assert before.superseded_at is not None


def test_a_plan_with_no_infusion_given_judges_no_goal_and_says_why(course, patients):
    InfusionSession.objects.filter(plan=course).delete()
    outcomes_evaluate_patient(patient=patients["ben"])
    decision = current_goals(course)
    assert decision.result["not_judged"] == "course not started: goals are judged once the series is over"
    assert {g["status"] for g in decision.result["goals"]} == {"not evaluable"}


def test_the_response_summary_page_and_chart_panel_show_each_goal_with_its_values(course, patients, staff, client_for):
    set_goals(course, [pain_goal(40), FIQR_14.as_dict(), PGIC_MUCH.as_dict()])
    client = client_for(staff["nurse"])
    for path in (f"/patients/{patients['ben'].pk}/outcomes/", f"/patients/{patients['ben'].pk}/outcomes/?partial=panel"):
        text = client.get(path).content.decode()
        assert "Plan goals: 1 of 3 plan goals met, 2 not evaluable" in text
        assert 'data-metric="pain_nrs_percent_reduction" data-status="met"' in text
        assert "average pain NRS at least 40 % below baseline" in text
        assert "42.8 % below" in text and "no intake FIQR" in text and "no PGIC since the series" in text
        assert "not a claim that the treatment works" in text
        assert RULE_VERSION in text
