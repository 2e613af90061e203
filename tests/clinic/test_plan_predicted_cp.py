"""The plan page shows each planned session's predicted peak plasma ketamine for the dosing weight, and a
chart of one session, labelled as a model prediction next to the dose check."""

import pytest
from django.utils import timezone

from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.plans.services import plan_create
from ketaflow.domain import units
from ketaflow.domain.pk import PREDICTION_LABEL, predict, program_from_segments

pytestmark = pytest.mark.django_db


def _plan(staff, patient, **overrides):
    data = dict(protocol="chronic_pain_escalating", n_sessions=4, start_dose="0.5", escalation_step="0.1",
                escalation_cap="1.0", duration_min=240, series_window_days=14, start_date=timezone.localdate(),
                bag_concentration_mg_per_ml="1")  # fmt: skip
    return plan_create(actor=staff["prescriber"], patient=patient, **(data | overrides))


def test_each_session_shows_its_predicted_peak_for_the_dosing_weight_and_the_chart_is_labelled(staff, patients, client_for):
    plan = _plan(staff, patients["ana"])  # Ana weighs 68.5 kg
    page = client_for(staff["nurse"]).get(f"/patients/{patients['ana'].pk}/plans/{plan.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "Peak Cp" in html and PREDICTION_LABEL in html.lower()
    last = plan.sessions.order_by("-index").first()  # the escalation's highest rate
    expected = predict(program_from_segments([(240, units.Quantity(float(last.dose_value), units.MG_PER_KG_PER_H))]),
                       weight_kg=68.5, model="kamp2020", end_min=360)  # fmt: skip
    assert f"{round(expected.cmax_mg_per_l * 1000)} ng/mL" in html
    assert f"prediction.svg?session={last.index}" in html and "not targets" in html


def test_the_chart_is_an_svg_of_a_model_prediction_and_its_read_is_audited(staff, patients, client_for):
    plan = _plan(staff, patients["ana"])
    response = client_for(staff["prescriber"]).get(f"/patients/{patients['ana'].pk}/plans/{plan.pk}/prediction.svg?session=1")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert "model prediction" in response.content.decode()
    assert AuditEntry.objects.filter(action="plan.prediction", patient_id=str(patients["ana"].pk)).exists()


@pytest.mark.parametrize("session", ["99", "x"])
def test_an_unknown_session_is_a_404(staff, patients, client_for, session):
    plan = _plan(staff, patients["ana"])
    url = f"/patients/{patients['ana'].pk}/plans/{plan.pk}/prediction.svg?session={session}"
    assert client_for(staff["prescriber"]).get(url).status_code == 404


def test_a_patient_cannot_load_the_prediction_chart(staff, patients, client_for):
    plan = _plan(staff, patients["ana"])
    response = client_for(patients["ana_user"]).get(f"/patients/{patients['ana'].pk}/plans/{plan.pk}/prediction.svg")
    assert response.status_code == 403
