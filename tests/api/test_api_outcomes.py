"""The outcomes API: response summary per plan, worklist, proposals (list, dismiss), timeline data."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.outcomes.models import Proposal
from ketaflow.synth.outcomes import relapse_story

pytestmark = pytest.mark.django_db


def bearer(user):
    _, raw = api_token_create(actor=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def get(path, user):
    return Client().get(path, **bearer(user))


def post(path, body, user):
    return Client().post(path, data=json.dumps(body), content_type="application/json", **bearer(user))


@pytest.fixture
def relapsed(patients, staff):
    return relapse_story(patients["ana"], staff["prescriber"], staff["nurse"], today=timezone.localdate(),
                         confirm_today=True)  # fmt: skip


def test_the_summary_gives_each_decision_with_inputs_rule_version_and_source(relapsed, patients, staff):
    response = get(f"/api/patients/{patients['ana'].pk}/outcomes", staff["nurse"])
    assert response.status_code == 200, response.content
    course = response.json()["courses"][0]
    assert course["plan_id"] == relapsed.pk
    response_decision = course["decisions"]["response"]
    assert response_decision["result"]["onset"]["classification"] == "substantial"
    assert response_decision["source"]["kind"] == "clinic policy"
    baseline = course["decisions"]["baseline"]
    assert baseline["result"]["mean_pain_nrs"] == "8" and baseline["inputs"]["window_days"] == 7
    assert course["decisions"]["relapse"]["result"]["relapsed"] is True
    proposal = response.json()["proposals"][0]
    assert proposal["kind"] == "booster" and "not an order" in proposal["decision_support"]


def test_the_worklist_lists_the_booster_proposal(relapsed, patients, staff):
    rows = get("/api/worklist", staff["prescriber"]).json()
    ana = next(r for r in rows if r["patient_id"] == str(patients["ana"].pk))
    assert ana["items"][0]["kind"] == "booster" and ana["items"][0]["proposal_id"]


def test_dismissing_needs_a_reason_and_a_second_dismiss_is_refused(relapsed, patients, staff):
    get("/api/worklist", staff["prescriber"])
    proposal = Proposal.objects.get(patient=patients["ana"])
    empty = post(f"/api/proposals/{proposal.pk}/dismiss", {"reason": ""}, staff["prescriber"])
    assert empty.status_code == 422
    done = post(f"/api/proposals/{proposal.pk}/dismiss", {"reason": "patient prefers to wait"}, staff["prescriber"])
    assert done.status_code == 200 and done.json()["status"] == "dismissed"
    again = post(f"/api/proposals/{proposal.pk}/dismiss", {"reason": "again"}, staff["prescriber"])
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == "proposal"


def test_a_nurse_may_not_dismiss(relapsed, patients, staff):
    get("/api/worklist", staff["nurse"])
    proposal = Proposal.objects.get(patient=patients["ana"])
    assert post(f"/api/proposals/{proposal.pk}/dismiss", {"reason": "x"}, staff["nurse"]).status_code == 403


def test_the_timeline_data_has_infusions_scores_and_goal_lines(relapsed, patients, staff):
    get(f"/api/patients/{patients['ana'].pk}/outcomes", staff["nurse"])
    data = get(f"/api/patients/{patients['ana'].pk}/outcomes/timeline", staff["nurse"]).json()
    assert len([i for i in data["infusions"] if i["status"] == "given"]) == 6
    assert len(data["scores"]["pain_nrs_average_24h"]) > 40
    pain_goal = next(g for g in data["goals"] if g["series"] == "pain_nrs_average_24h")
    assert pain_goal["value"] == pytest.approx(5.6)  # baseline 8, goal >= 30 % below
    assert any("relapse" in m["label"] for m in data["markers"])


def test_evaluate_is_idempotent_and_unknown_patients_are_404(relapsed, patients, staff):
    first = post(f"/api/patients/{patients['ana'].pk}/outcomes/evaluate", {}, staff["nurse"]).json()
    second = post(f"/api/patients/{patients['ana'].pk}/outcomes/evaluate", {}, staff["nurse"]).json()
    assert first == second
    missing = get("/api/patients/00000000-0000-0000-0000-000000000000/outcomes", staff["nurse"])
    assert missing.status_code == 404


def test_a_patient_cannot_read_outcomes_through_the_api(relapsed, patients):
    assert get(f"/api/patients/{patients['ana'].pk}/outcomes", patients["ana_user"]).status_code == 403
