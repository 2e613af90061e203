"""KETAFLOW_SCREENING_POLICY_FILE: the clinic's own screening policy is what screening runs under, and every
decision stores that policy's version; a bad file stops start-up naming the setting."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from ketaflow.clinic.patients import services as patient_services
from ketaflow.clinic.screening import policy as screening_policy_module
from ketaflow.clinic.screening.models import ScreeningRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy_file(tmp_path, settings):
    def write(data) -> str:
        path = tmp_path / "screening-policy.json"
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        settings.KETAFLOW_SCREENING_POLICY_FILE = str(path)
        screening_policy_module._load.cache_clear()
        return str(path)

    yield write
    screening_policy_module._load.cache_clear()


def test_screening_runs_under_the_clinics_policy_and_stores_its_version(policy_file, staff, patients, client_for):
    policy_file({"version": "Clinic A 2027-01 (signed by the medical director)", "min_failed_therapy_classes": 0})
    patient_services.condition_add(actor=staff["nurse"], patient=patients["ana"], code="fibromyalgia")
    client_for(staff["nurse"]).post(reverse("screening:run", args=[patients["ana"].pk]), {"indication": "fibromyalgia"})
    record = ScreeningRecord.objects.get()
    assert record.policy_version == "Clinic A 2027-01 (signed by the medical director)"
    assert record.inputs["policy"]["min_failed_therapy_classes"] == 0
    assert any(r["code"] == "treatment_resistance_met" for r in record.reasons)


def test_a_bad_policy_file_stops_start_up_naming_the_setting_and_the_field(policy_file):
    policy_file({"version": "v", "min_age": 16})
    with pytest.raises(ImproperlyConfigured, match=r"KETAFLOW_SCREENING_POLICY_FILE .*policy\.min_age"):
        screening_policy_module.screening_policy()
