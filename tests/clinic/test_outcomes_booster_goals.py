"""The booster draft page carries the plan page's goal table: the prescriber sets the booster plan's goals
there; a bad goal is an inline error naming goals[i].threshold and nothing is drafted."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ketaflow.clinic.outcomes.models import Proposal
from ketaflow.clinic.plans.models import Plan
from ketaflow.domain.plans.goal_catalogue import CATALOGUE_VERSION
from ketaflow.synth.outcomes import relapse_story
from ketaflow.synth.schedule import clear_screening

pytestmark = pytest.mark.django_db
PAIN, FIQR, PGIC = "pain_nrs_percent_reduction", "fiqr_percent_reduction", "pgic"


@pytest.fixture
def proposal(patients, staff, client_for):
    clear_screening(patients["ana"], [staff["prescriber"]])
    relapse_story(patients["ana"], staff["prescriber"], staff["nurse"], today=timezone.localdate(),
                  confirm_today=True)  # fmt: skip
    client_for(staff["prescriber"]).get("/worklist/")
    return Proposal.objects.get(patient=patients["ana"], kind="booster")


def booster(page) -> dict:
    initial = page.context["form"].initial
    return {k: initial[k] for k in ("n_sessions", "start_dose", "duration_min", "series_window_days",
                                    "bag_concentration_mg_per_ml")} | {  # fmt: skip
        "protocol": "chronic_pain_booster", "start_date": timezone.localdate().isoformat()}


def goals(**chosen) -> dict:
    data = {"goals_shown": "1"}
    for metric, threshold in chosen.items():
        data[f"goal_{metric}"] = "on"
        data[f"goal_{metric}_threshold"] = threshold
    return data


def test_the_booster_page_shows_the_goal_table_with_the_booster_plans_goals_ticked(proposal, staff, client_for):
    page = client_for(staff["prescriber"]).get(f"/proposals/{proposal.pk}/booster/")
    text = page.content.decode()
    assert page.status_code == 200 and 'name="goals_shown"' in text and f"Goal catalogue {CATALOGUE_VERSION}" in text
    assert f'name="goal_{PAIN}" id="id_goal_{PAIN}" checked' in text
    assert 'name="goal_phq9_total" id="id_goal_phq9_total" checked' not in text


def test_goals_chosen_on_the_booster_page_are_the_drafted_plans_goals(proposal, patients, staff, client_for):
    client = client_for(staff["prescriber"])
    page = client.get(f"/proposals/{proposal.pk}/booster/")
    response = client.post(f"/proposals/{proposal.pk}/booster/", booster(page) | goals(**{PAIN: "40", PGIC: "very much improved"}))
    assert response.status_code == 302, response.content.decode()
    plan = Plan.objects.get(patient=patients["ana"], kind="booster")
    assert [(g["metric"], g["threshold"]) for g in plan.goals] == [(PAIN, "40"), (PGIC, ["very much improved"])]
    assert plan.rule_versions["goals"] == CATALOGUE_VERSION and plan.goals[0]["source"]["kind"] == "clinic policy"
    proposal.refresh_from_db()
    assert proposal.status == "plan_drafted" and proposal.booster_plan == plan


def test_a_bad_goal_on_the_booster_page_is_an_inline_error_and_nothing_is_drafted(proposal, patients, staff, client_for):
    client = client_for(staff["prescriber"])
    page = client.get(f"/proposals/{proposal.pk}/booster/")
    response = client.post(f"/proposals/{proposal.pk}/booster/", booster(page) | goals(**{PAIN: "30", FIQR: "140"}))
    text = response.content.decode()
    assert response.status_code == 422
    assert f'data-field="goal_{FIQR}_threshold"' in text and "goals[1].threshold" in text and "10–100" in text
    none_ticked = client.post(f"/proposals/{proposal.pk}/booster/", booster(page) | goals())
    assert none_ticked.status_code == 422 and "needs at least one goal" in none_ticked.content.decode()
    assert not Plan.objects.filter(patient=patients["ana"], kind="booster").exists()
    proposal.refresh_from_db()
    assert proposal.status == "open"
