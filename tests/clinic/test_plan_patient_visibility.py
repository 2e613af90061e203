"""QA of issue 5: a patient sees their signed plan (handout, API) and never a draft: a draft's handout and
its dose checks answered 200 to the patient's own login through the handout URL and /api/plans/<id>."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.plans.services import plan_create
from tests.clinic.scheduling_fixtures import screened, signed_plan

pytestmark = pytest.mark.django_db


def api_get(path, user):
    _, raw = api_token_create(actor=user, name="test")
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def ana_plans(staff, patients):
    ana = screened(staff, patients["ana"])
    signed = signed_plan(staff, ana)
    draft = plan_create(actor=staff["prescriber"], patient=ana, protocol="chronic_pain_booster", n_sessions=1,
                        start_dose="0.1", duration_min=240, series_window_days=7, start_date=timezone.localdate(),
                        bag_concentration_mg_per_ml="1")  # fmt: skip
    return ana, signed, draft


def test_the_patient_reads_the_signed_handout_but_a_draft_answers_404(patients, ana_plans, client_for):
    ana, signed, draft = ana_plans
    client = client_for(patients["ana_user"])
    assert client.get(reverse("plans:handout", args=[ana.pk, signed.pk])).status_code == 200
    assert client.get(reverse("plans:handout", args=[ana.pk, draft.pk])).status_code == 404
    assert client.get(reverse("plans:handout_pdf", args=[ana.pk, draft.pk])).status_code == 404


def test_the_patient_lists_only_the_signed_plan_through_the_api(patients, ana_plans):
    ana, signed, draft = ana_plans
    listed = api_get(f"/api/patients/{ana.pk}/plans", patients["ana_user"]).json()
    assert [p["id"] for p in listed] == [signed.pk]
    assert api_get(f"/api/plans/{draft.pk}", patients["ana_user"]).status_code == 404
    assert api_get(f"/api/plans/{signed.pk}", patients["ana_user"]).status_code == 200


def test_staff_still_see_the_draft_and_its_handout(staff, ana_plans, client_for):
    ana, signed, draft = ana_plans
    assert len(api_get(f"/api/patients/{ana.pk}/plans", staff["nurse"]).json()) == 2
    page = client_for(staff["nurse"]).get(reverse("plans:handout", args=[ana.pk, draft.pk]))
    assert page.status_code == 200 and "DRAFT" in page.content.decode()
    assert json.loads(api_get(f"/api/plans/{draft.pk}", staff["front_desk"]).content)["status"] == "draft"
