"""The medical director's vitals thresholds file replaces the defaults on the chart; a broken file is a
start-up error (system check), not a crash in the middle of a session."""

import json
from datetime import timedelta

import pytest
from django.core import checks

from ketaflow.clinic.infusions import policy, services
from ketaflow.domain import units
from ketaflow.domain.charting.vitals import VitalsReading
from tests.clinic.infusion_fixtures import open_session
from tests.clinic.test_infusion_charting import T0, act, check_in

pytestmark = pytest.mark.django_db
STRICT = {"version": "clinic-2026-11", "thresholds": [
    {"parameter": "systolic_mmhg", "level": "red", "comparator": ">", "value": 160, "note": "SBP > 160 (director)"}]}  # fmt: skip


@pytest.fixture
def policy_file(tmp_path, settings):
    path = tmp_path / "vitals.json"
    settings.KETAFLOW_VITALS_THRESHOLDS_FILE = str(path)
    policy._load.cache_clear()
    yield path
    policy._load.cache_clear()


def test_a_reading_is_judged_by_the_clinics_own_thresholds_with_their_version(staff, patients, policy_file):
    policy_file.write_text(json.dumps(STRICT))
    session = open_session(staff, patients["ana"])
    nurse = staff["nurse"]
    check_in(nurse, session)
    act(nurse, session, "start", 0, rate=units.Quantity(0.3, units.MG_PER_KG_PER_H))
    session.refresh_from_db()
    sign = services.session_vitals(actor=nurse, session_id=session.pk, expected_version=session.version,
                                   now=T0 + timedelta(minutes=15), reading=VitalsReading(systolic_mmhg=166))  # fmt: skip
    assert sign.level == "red"  # amber under the defaults (>= 165)
    assert sign.alerts[0]["source"]["version"] == "clinic-2026-11" and "director" in sign.alerts[0]["source"]["citation"]


@pytest.mark.parametrize("content", ["not json", json.dumps({"thresholds": STRICT["thresholds"]}),
                                     json.dumps({"version": "v", "thresholds": [{"parameter": "spo2_percent"}]})])
def test_a_broken_policy_file_fails_the_system_check_naming_the_file(policy_file, content):
    policy_file.write_text(content)
    errors = [e for e in checks.run_checks() if e.id == "ketaflow.E101"]
    assert len(errors) == 1 and str(policy_file) in errors[0].msg
