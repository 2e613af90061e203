"""The demo clinic opens with booked series in the chairs and a portal patient who may be given a plan."""

import pytest

from ketaflow.clinic.patients.models import Patient
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.scheduling.models import Booking
from ketaflow.clinic.screening.selectors import latest_screening
from ketaflow.synth.demo import seed_demo_clinic

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_signed_escalating_and_induction_plan_booked_from_the_next_open_day():
    seed_demo_clinic(patients=4)
    plans = {p.protocol_code: p for p in Plan.objects.filter(status="signed")}
    assert set(plans) == {"chronic_pain_escalating", "fibromyalgia_induction"}
    for plan in plans.values():
        assert plan.signed_by.role == "prescriber"
        assert Booking.objects.filter(plan=plan, status="booked").count() == plan.n_sessions
    portal = latest_screening(patient=Patient.objects.get(user__username="patient.demo"))
    assert portal.outcome == "eligible" or portal.cleared_by_override
