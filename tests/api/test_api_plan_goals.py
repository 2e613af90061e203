"""Plan goals through the API: the prescriber sets them on create and amend, checked against the goal
catalogue (GET /api/plan-goals); every bad goal is a 422 naming goals[i].field and what is allowed."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.plans.models import Plan
from ketaflow.domain.plans.goal_catalogue import CATALOGUE_VERSION
from tests.clinic.scheduling_fixtures import screened, signed_plan

pytestmark = pytest.mark.django_db


def call(method, path, user, body=None):
    _, raw = api_token_create(actor=user, name="test")
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if body is not None:
        kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(Client(), method)(path, **kwargs)


def induction(**extra):
    return {"protocol": "fibromyalgia_induction", "n_sessions": 6, "start_dose": "0.3", "duration_min": 120,
            "series_window_days": 21, "start_date": timezone.localdate().isoformat(),
            "bag_concentration_mg_per_ml": "1"} | extra  # fmt: skip


PAIN_50 = {"metric": "pain_nrs_percent_reduction", "comparator": ">=", "threshold": 50}
PHQ9_BELOW_5 = {"metric": "phq9_total", "comparator": "<", "threshold": "5"}


def test_the_catalogue_lists_each_metric_with_its_range_default_source_and_version(staff):
    response = call("get", "/api/plan-goals", staff["nurse"])
    data = response.json()
    assert response.status_code == 200 and data["version"] == CATALOGUE_VERSION
    pain = next(m for m in data["metrics"] if m["metric"] == "pain_nrs_percent_reduction")
    assert pain["comparator"] == ">=" and pain["allowed"] == "whole number 10–100 (% below baseline)"
    assert pain["default"]["threshold"] == "30" and "IMMPACT" in pain["default"]["source"]["citation"]
    assert [g["metric"] for g in data["defaults_by_kind"]["depression"]] == ["phq9_percent_reduction", "phq9_total"]


def test_a_patient_may_not_read_the_goal_catalogue(patients):
    assert call("get", "/api/plan-goals", patients["ana"].user).status_code == 403


def test_a_plan_created_with_chosen_goals_stores_them_with_the_catalogue_version(staff, patients):
    ana = screened(staff, patients["ana"])
    response = call("post", f"/api/patients/{ana.pk}/plans", staff["prescriber"], induction(goals=[PAIN_50, PHQ9_BELOW_5]))
    data = response.json()
    assert response.status_code == 201
    assert [(g["metric"], g["comparator"], g["threshold"]) for g in data["goals"]] == [
        ("pain_nrs_percent_reduction", ">=", "50"), ("phq9_total", "<", "5")]  # fmt: skip
    assert "IMMPACT" in data["goals"][0]["source"]["citation"]
    assert data["goals"][1]["source"]["kind"] == "clinic policy" and data["rule_versions"]["goals"] == CATALOGUE_VERSION
    entry = AuditEntry.objects.filter(action="plan.create", object_id=str(data["id"])).get()
    assert entry.detail["goals"] == ["pain_nrs_percent_reduction >= 50", "phq9_total < 5"]


def test_a_plan_without_goals_gets_its_kinds_defaults_as_before(staff, patients):
    ana = screened(staff, patients["ana"])
    data = call("post", f"/api/patients/{ana.pk}/plans", staff["prescriber"], induction()).json()
    assert [(g["metric"], g["threshold"]) for g in data["goals"]] == [
        ("pain_nrs_percent_reduction", "30"), ("fiqr_percent_reduction", "14"),
        ("pgic", ["much improved", "very much improved"])]  # fmt: skip


def test_every_bad_goal_is_one_422_naming_its_index_field_and_range_and_nothing_is_saved(staff, patients):
    ana = screened(staff, patients["ana"])
    goals = [PAIN_50 | {"threshold": 120}, PHQ9_BELOW_5 | {"comparator": "<="}, PAIN_50,
             {"metric": "mood", "comparator": ">=", "threshold": 1}]  # fmt: skip
    response = call("post", f"/api/patients/{ana.pk}/plans", staff["prescriber"], induction(goals=goals))
    detail = response.json()["detail"]
    assert response.status_code == 422 and not Plan.objects.exists()
    assert [d["field"] for d in detail] == ["goals[0].threshold", "goals[1].comparator", "goals[2].metric",
                                            "goals[3].metric"]  # fmt: skip
    assert detail[0]["message"] == "120 is out of range" and detail[0]["allowed"] == "whole number 10–100 (% below baseline)"
    assert detail[1]["allowed"] == "'<'" and "already goals[0]" in detail[2]["message"]


def test_an_empty_goal_list_is_refused_not_replaced_by_the_defaults(staff, patients):
    ana = screened(staff, patients["ana"])
    response = call("post", f"/api/patients/{ana.pk}/plans", staff["prescriber"], induction(goals=[]))
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "goals"
    assert not Plan.objects.exists()


def test_a_fractional_or_text_threshold_is_the_catalogues_422_not_rounded(staff, patients):
    ana = screened(staff, patients["ana"])
    for threshold, message in ((30.5, "30.5 is not a whole number"), ("lots", "'lots' is not a number"),
                               (True, "pain_nrs_percent_reduction takes a number")):  # fmt: skip
        response = call("post", f"/api/patients/{ana.pk}/plans", staff["prescriber"],
                        induction(goals=[PAIN_50 | {"threshold": threshold}]))  # fmt: skip
        assert response.status_code == 422 and response.json()["detail"][0]["message"] == message
    assert not Plan.objects.exists()


def test_an_unknown_goal_field_is_refused_not_ignored(staff, patients):
    ana = screened(staff, patients["ana"])
    response = call("post", f"/api/patients/{ana.pk}/plans", staff["prescriber"],
                    induction(goals=[PAIN_50 | {"description": "my own words"}]))  # fmt: skip
    assert response.status_code == 422 and "description" in json.dumps(response.json())
    assert not Plan.objects.exists()


def test_amending_a_signed_plan_changes_its_goals_in_the_new_version(staff, patients):
    ana = screened(staff, patients["ana"])
    signed = signed_plan(staff, ana, "fibromyalgia_induction")
    body = induction(amendment_reason="Patient wants a bigger pain target", goals=[PAIN_50])
    response = call("post", f"/api/plans/{signed.pk}/amend", staff["prescriber"], body)
    assert response.status_code == 201 and response.json()["amends_id"] == signed.pk
    assert [g["threshold"] for g in response.json()["goals"]] == ["50"]
    signed.refresh_from_db()
    assert signed.status == "signed" and [g["threshold"] for g in signed.goals][0] == "30"


def test_an_amendment_without_goals_keeps_the_goals_of_the_version_it_amends(staff, patients):
    ana = screened(staff, patients["ana"])
    first = call("post", f"/api/patients/{ana.pk}/plans", staff["prescriber"], induction(goals=[PAIN_50])).json()
    response = call("post", f"/api/plans/{first['id']}/amend", staff["prescriber"],
                    induction(n_sessions=5, amendment_reason="One fewer infusion"))  # fmt: skip
    assert response.status_code == 201 and response.json()["goals"] == first["goals"]


def test_a_bad_goal_on_an_amendment_is_a_422_and_makes_no_version(staff, patients):
    ana = screened(staff, patients["ana"])
    signed = signed_plan(staff, ana, "fibromyalgia_induction")
    response = call("post", f"/api/plans/{signed.pk}/amend", staff["prescriber"],
                    induction(amendment_reason="x", goals=[PHQ9_BELOW_5 | {"threshold": 28}]))  # fmt: skip
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "goals[0].threshold"
    assert "1–27" in response.json()["detail"][0]["allowed"] and Plan.objects.count() == 1
