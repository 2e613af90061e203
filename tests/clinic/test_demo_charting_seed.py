"""The demo clinic shows charting in use on first start: a past induction series charted to discharge
through the services (exact delivered dose, witnessed waste, an answered amber reading) and one infusion
running now."""

import pytest

from ketaflow.clinic.infusions.models import InfusionSession, VitalSign
from ketaflow.synth.demo import seed_demo_clinic

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_charted_past_series_and_a_running_infusion():
    seed_demo_clinic(patients=4)
    past = list(InfusionSession.objects.filter(status="discharged").order_by("started_at"))
    assert len(past) == 6 and len({s.patient_id for s in past}) == 1
    for s in past:
        minutes = (s.stopped_at - s.started_at).total_seconds() / 60
        expected_mg = float(s.ordered_rate_mg_per_kg_per_h) * float(s.dosing_weight_kg) * minutes / 60
        assert s.delivered["dose_mg"] == pytest.approx(expected_mg, rel=1e-9)
        assert s.waste_witness_id and s.waste_witness_id != s.waste_recorded_by_id
        assert float(s.wasted_ml) == pytest.approx(float(s.bag_volume_ml) - s.delivered["volume_ml"], abs=1e-3)
    answered = VitalSign.objects.filter(session__in=past).exclude(level="normal")
    assert answered.exists() and all(v.response_taken for v in answered)
    running = InfusionSession.objects.get(status="running")
    assert running.patient_id != past[0].patient_id and running.vitals.count() == 3
