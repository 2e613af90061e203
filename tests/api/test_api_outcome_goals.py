"""The outcomes API's response summary says, per plan, whether the plan's own goals are met."""

import datetime as dt
from fractions import Fraction

import pytest
from django.test import Client
from django.utils import timezone

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.plans.models import Plan
from ketaflow.domain.plans.goal_catalogue import BY_METRIC
from ketaflow.domain.plans.goals import PHQ9_BELOW_10
from ketaflow.synth.outcomes import diary_days, past_series

pytestmark = pytest.mark.django_db


def get(path, user):
    _, raw = api_token_create(actor=user, name="test")
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_summary_gives_each_plan_goal_met_or_not_with_the_values_compared(patients, staff):
    first = timezone.localdate() - dt.timedelta(days=40)
    plan = past_series(patients["ben"], staff["prescriber"], first_day=first)
    diary_days(patients["ben"], staff["nurse"], first_day=first - dt.timedelta(days=7), values=[8] * 7)
    diary_days(patients["ben"], staff["nurse"], first_day=first + dt.timedelta(days=12), values=[4] * 28)
    goals = [BY_METRIC["pain_nrs_percent_reduction"].goal(Fraction(50)).as_dict(), PHQ9_BELOW_10.as_dict()]
    Plan.objects.filter(pk=plan.pk).update(goals=goals)
    response = get(f"/api/patients/{patients['ben'].pk}/outcomes", staff["nurse"])
    assert response.status_code == 200, response.content
    course = response.json()["courses"][0]
    attainment = course["goal_attainment"]
    pain, phq9 = attainment["goals"]
    assert pain | {"status": "met", "met": True, "baseline": "8", "latest": "4", "compared": "50"} == pain
    assert pain["threshold"] == "50" and pain["source"]["citation"].startswith("Dworkin")
    assert phq9["status"] == "not evaluable" and phq9["met"] is None
    assert phq9["reason"] == "no PHQ-9 since the series"
    assert attainment["summary"] == "1 of 2 plan goals met, 1 not evaluable"
    assert "not a claim that the treatment works" in attainment["describes"]
    assert attainment["rule_version"].startswith("goal-attainment-") and attainment["source"]["kind"] == "clinic policy"
    assert attainment["decision_id"] == course["decisions"]["goals"]["id"]
    assert attainment["inputs"]["goal_catalogue"] == plan.rule_versions["goals"]
    # the IMMPACT classes are untouched: 50 % is substantial whatever the plan's goals say
    assert course["decisions"]["response"]["result"]["current"]["classification"] == "substantial"


def test_the_schema_documents_goal_attainment_on_each_course(staff):
    schema = Client().get("/api/openapi.json").json()
    course = schema["components"]["schemas"]["OutcomeCourseOut"]
    assert "goal_attainment" in course["properties"]
    status = schema["components"]["schemas"]["GoalResultOut"]["properties"]["status"]
    assert status["enum"] == ["met", "not met", "not evaluable"]
