"""The prescriber chooses a plan's goals on the plan page (create and amend) from the goal catalogue; a bad goal
is an inline error naming goals[i].field and the allowed range; the chosen goals show on the plan page and the
handout, are drawn on the timeline and are audited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.outcomes.models import OutcomeDecision
from ketaflow.clinic.outcomes.timeline import timeline_input
from ketaflow.clinic.plans.models import Plan
from ketaflow.domain.plans.goal_catalogue import CATALOGUE_VERSION
from tests.clinic.scheduling_fixtures import PASSWORD, screened

pytestmark = pytest.mark.django_db
PAIN, FIQR, PGIC = "pain_nrs_percent_reduction", "fiqr_percent_reduction", "pgic"
PHQ9_DROP, PHQ9_TOTAL = "phq9_percent_reduction", "phq9_total"


def induction(**extra):
    return {"protocol": "fibromyalgia_induction", "n_sessions": 6, "start_dose": "0.3", "duration_min": 120,
            "series_window_days": 21, "start_date": timezone.localdate().isoformat(),
            "bag_concentration_mg_per_ml": "1"} | extra  # fmt: skip


def goals(**chosen):
    """The goal table as the page posts it: a tick and a threshold per chosen metric."""
    data = {"goals_shown": "1"}
    for metric, threshold in chosen.items():
        data[f"goal_{metric}"] = "on"
        data[f"goal_{metric}_threshold"] = threshold
    return data


def sign(client, patient, plan):
    reasons = {f"reason_{name}": "Reviewed: tolerated before" for name in plan.dose_check["soft_limits"]}
    response = client.post(reverse("plans:sign", args=[patient.pk, plan.pk]),
                           {"password": PASSWORD, "meaning": "approved"} | reasons)  # fmt: skip
    assert response.status_code == 302, response.content.decode()


@pytest.fixture
def ana(staff, patients):
    return screened(staff, patients["ana"])


@pytest.fixture
def prescriber(staff, client_for):
    return client_for(staff["prescriber"])


def test_the_new_plan_page_ticks_the_plan_types_default_goals_with_their_sources(ana, prescriber):
    page = prescriber.get(reverse("plans:new", args=[ana.pk]) + "?protocol=depression_standard").content.decode()
    assert 'name="goals_shown"' in page and f"Goal catalogue {CATALOGUE_VERSION}" in page
    assert 'name="goal_phq9_total" id="id_goal_phq9_total" checked' in page
    assert 'name="goal_pain_nrs_percent_reduction" id="id_goal_pain_nrs_percent_reduction" checked' not in page
    assert "whole number 1–27 (PHQ-9 points, scale 0–27)" in page and "Keith" in page


def test_chosen_goals_are_stored_with_the_catalogue_version_and_shown_on_the_plan_and_handout(ana, prescriber):
    response = prescriber.post(reverse("plans:new", args=[ana.pk]),
                               induction() | goals(**{PAIN: "40", PGIC: "very much improved"}))  # fmt: skip
    plan = Plan.objects.get()
    assert response.status_code == 302 and plan.rule_versions["goals"] == CATALOGUE_VERSION
    assert [(g["metric"], g["threshold"]) for g in plan.goals] == [(PAIN, "40"), (PGIC, ["very much improved"])]
    assert plan.goals[0]["source"]["kind"] == "clinic policy" and "IMMPACT" in plan.goals[1]["source"]["citation"]
    detail = prescriber.get(reverse("plans:detail", args=[ana.pk, plan.pk])).content.decode()
    assert "average pain NRS at least 40 % below baseline" in detail and f"catalogue {CATALOGUE_VERSION}" in detail
    assert "FIQR total at least 14 %" not in detail
    handout = prescriber.get(reverse("plans:handout", args=[ana.pk, plan.pk])).content.decode()
    assert "average pain NRS at least 40 % below baseline" in handout and "very much improved" in handout
    audit = AuditEntry.objects.get(action="plan.create", object_id=str(plan.pk))
    assert audit.detail["goals"] == [f"{PAIN} >= 40", f"{PGIC} in very much improved"]


def test_a_threshold_out_of_range_is_an_inline_error_naming_the_field_and_range_and_nothing_is_saved(ana, prescriber):
    response = prescriber.post(reverse("plans:new", args=[ana.pk]), induction() | goals(**{PAIN: "30", FIQR: "140"}))
    page = response.content.decode()
    assert response.status_code == 422 and not Plan.objects.exists()
    assert ('data-field="goal_fiqr_percent_reduction_threshold">FIQR total reduction: 140 is out of range '
            "(goals[1].threshold). Allowed: whole number 10–100 (% below baseline).") in page
    assert 'value="140"' in page  # kept as typed, not clamped


def test_a_fractional_threshold_is_refused_not_rounded(ana, prescriber):
    response = prescriber.post(reverse("plans:new", args=[ana.pk]), induction() | goals(**{PAIN: "33.5"}))
    assert response.status_code == 422 and "33.5 is not a whole number (goals[0].threshold)" in response.content.decode()
    assert not Plan.objects.exists()


def test_a_ticked_goal_without_a_threshold_is_refused(ana, prescriber):
    response = prescriber.post(reverse("plans:new", args=[ana.pk]), induction() | goals(**{PAIN: ""}))
    assert response.status_code == 422 and "is required (goals[0].threshold)" in response.content.decode()


def test_unticking_every_goal_is_refused_because_a_plan_needs_one(ana, prescriber):
    response = prescriber.post(reverse("plans:new", args=[ana.pk]), induction() | goals())
    page = response.content.decode()
    assert response.status_code == 422 and not Plan.objects.exists()
    assert 'id="goals-errors"' in page and "needs at least one goal" in page


def test_pain_goals_left_ticked_for_a_depression_protocol_are_refused_on_their_row(ana, prescriber):
    data = {"protocol": "depression_standard", "n_sessions": 6, "start_dose": "0.5", "duration_min": 40,
            "series_window_days": 21, "start_date": timezone.localdate().isoformat(), "bag_concentration_mg_per_ml": "1"}  # fmt: skip
    response = prescriber.post(reverse("plans:new", args=[ana.pk]), data | goals(**{PAIN: "30", PHQ9_TOTAL: "10"}))
    page = response.content.decode()
    assert response.status_code == 422 and not Plan.objects.exists()
    assert "is not a goal for a depression plan (goals[0].metric)" in page


def test_a_post_without_the_goal_table_gets_the_plan_types_defaults_as_before(ana, prescriber):
    prescriber.post(reverse("plans:new", args=[ana.pk]), induction())
    assert [(g["metric"], g["threshold"]) for g in Plan.objects.get().goals] == [
        (PAIN, "30"), (FIQR, "14"), (PGIC, ["much improved", "very much improved"])]  # fmt: skip


def test_amending_a_signed_plan_starts_from_its_goals_and_changes_them_in_the_new_version(ana, prescriber):
    prescriber.post(reverse("plans:new", args=[ana.pk]), induction() | goals(**{PAIN: "40", PHQ9_DROP: "50"}))
    v1 = Plan.objects.get()
    sign(prescriber, ana, v1)
    v1.refresh_from_db()
    assert v1.status == "signed"
    amend = reverse("plans:amend", args=[ana.pk, v1.pk])
    form = prescriber.get(amend).content.decode()
    assert 'name="goal_pain_nrs_percent_reduction_threshold" value="40"' in form
    assert 'name="goal_fiqr_percent_reduction" id="id_goal_fiqr_percent_reduction" checked' not in form
    bad = prescriber.post(amend, induction(amendment_reason="Bigger target") | goals(**{PAIN: "0"}))
    assert bad.status_code == 422 and Plan.objects.count() == 1
    prescriber.post(amend, induction(amendment_reason="Bigger target") | goals(**{PAIN: "50"}))
    v2 = Plan.objects.get(amends=v1)
    assert [(g["metric"], g["threshold"]) for g in v2.goals] == [(PAIN, "50")]
    assert "IMMPACT" in v2.goals[0]["source"]["citation"]
    v1.refresh_from_db()
    assert [g["threshold"] for g in v1.goals] == ["40", "50"] and v1.status == "signed"
    assert AuditEntry.objects.get(action="plan.amend", object_id=str(v2.pk)).detail["goals"] == [f"{PAIN} >= 50"]


def test_the_timeline_draws_the_chosen_goals_from_the_baseline(ana, prescriber):
    prescriber.post(reverse("plans:new", args=[ana.pk]), induction() | goals(**{PAIN: "40", PHQ9_TOTAL: "5"}))
    plan = Plan.objects.get()
    sign(prescriber, ana, plan)
    OutcomeDecision.objects.create(
        patient=ana, plan=plan, kind="baseline", summary="baseline", result={"mean_pain_nrs": "8"}, inputs={},
        rule_version="t", source={}, digest="x", decided_at=timezone.now(),
    )  # fmt: skip
    lines = {g.label: g.value for g in timeline_input(patient=ana, today=timezone.localdate() + dt.timedelta(days=1)).goals}
    assert lines == {"goal: pain ≥ 40 % below baseline": pytest.approx(4.8), "goal: PHQ-9 < 5": 5.0}
