"""QA of issue 5: the escalation cap is checked against the protocol's limits (a cap of 5 mg/kg/h that no
session reached was signable), and a step or cap for a plan that does not escalate is a 422, not dropped."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.plans import services as plans
from ketaflow.clinic.plans.models import Plan
from tests.clinic.scheduling_fixtures import PASSWORD, screened

pytestmark = pytest.mark.django_db


def post(path, body, user):
    _, raw = api_token_create(actor=user, name="test")
    return Client().post(path, data=json.dumps(body), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {raw}")  # fmt: skip


def body(**extra):
    return {"protocol": "chronic_pain_escalating", "n_sessions": 10, "start_dose": "0.1", "escalation_step": "0.01",
            "escalation_cap": "5", "duration_min": 240, "series_window_days": 14,
            "start_date": timezone.localdate().isoformat(), "bag_concentration_mg_per_ml": "1"} | extra  # fmt: skip


def test_a_cap_above_the_hard_maximum_blocks_signing_though_no_session_reaches_it(staff, patients, client_for):
    ana = screened(staff, patients["ana"])
    response = post(f"/api/patients/{ana.pk}/plans", body(), staff["prescriber"])
    assert response.status_code == 201
    check = response.json()["dose_check"]
    assert check["status"] == "hard_violation" and check["hard_count"] == 1
    assert [(v["name"], v["bound"]) for v in check["plan_violations"]] == [("escalation_cap", 0.6)]
    plan = Plan.objects.get(pk=response.json()["id"])
    signing = plans.plan_signing_check(plan, {})
    assert not signing.may_sign and any(b.startswith("Hard limit: plan: escalation_cap 5 mg/kg/h") for b in signing.blockers)
    refused = post(f"/api/plans/{plan.pk}/sign", {"password": PASSWORD, "meaning": "approved"}, staff["prescriber"])
    assert refused.status_code == 422 and "escalation_cap" in refused.json()["detail"][0]["message"]
    page = client_for(staff["prescriber"]).get(reverse("plans:detail", args=[ana.pk, plan.pk])).content.decode()
    assert 'id="plan-violation-escalation_cap"' in page


def test_a_step_for_a_booster_is_a_422_naming_the_field(staff, patients):
    ana = screened(staff, patients["ana"])
    response = post(f"/api/patients/{ana.pk}/plans",
                    body(protocol="chronic_pain_booster", n_sessions=1, series_window_days=7), staff["prescriber"])  # fmt: skip
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "escalation_step" and "a booster plan does not escalate" in detail["message"]
    assert not Plan.objects.exists()
