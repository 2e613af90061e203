"""Charting an infusion: check-in gate, rates against the order and limits, vitals alerts, exact delivered
dose, recovery and discharge gate, witnessed waste, version conflicts — through services and pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.infusions import services
from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.patients.services import StaleVersionError
from ketaflow.domain import units
from ketaflow.domain.charting.vitals import VitalsReading
from ketaflow.domain.errors import DomainValidationError
from tests.clinic.infusion_fixtures import PASSWORD, open_session

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)


@pytest.fixture
def session(staff, patients):
    return open_session(staff, patients["ana"])


def check_in(nurse, s, **overrides):
    args = dict(actor=nurse, session_id=s.pk, expected_version=s.version, now=T0, escort_confirmed=True,
                escort_name="Rita", fasting_hours_solids=Decimal("8"), pregnancy_test_negative=True, pre_pain_nrs=7,
                vitals=VitalsReading(systolic_mmhg=128, diastolic_mmhg=80, heart_rate_per_min=72, spo2_percent=98),
                bag_lot="LOT-42", bag_concentration_mg_per_ml=Decimal("1"), bag_volume_ml=Decimal("100"))  # fmt: skip
    args.update(overrides)
    return services.session_check_in(**args)


def act(nurse, s, action, at_min, **kw):
    s.refresh_from_db()
    return services.session_rate_action(actor=nurse, session_id=s.pk, expected_version=s.version,
                                        now=T0 + timedelta(minutes=at_min), action=action, **kw)  # fmt: skip


def test_a_failed_check_in_blocks_the_start_and_says_why(staff, session):
    with pytest.raises(services.GateRefused) as err:
        check_in(staff["nurse"], session, escort_confirmed=False, bag_lot="")
    assert any("Escort" in f for f in err.value.failures) and any("lot number" in f for f in err.value.failures)
    session.refresh_from_db()
    assert session.status == "scheduled" and session.vitals.count() == 0


def test_delivered_dose_is_exact_from_the_rate_segments(staff, session):
    nurse = staff["nurse"]
    check_in(nurse, session)
    rate = units.Quantity(0.3, units.MG_PER_KG_PER_H)
    act(nurse, session, "start", 0, rate=rate)
    act(nurse, session, "pause", 60)
    act(nurse, session, "resume", 70)
    act(nurse, session, "stop", 130)
    session.refresh_from_db()
    # 0.3 mg/kg/h × 68.5 kg × (60 + 60) min = 41.1 mg; the 10-min pause delivers nothing
    assert session.delivered["dose_mg"] == pytest.approx(41.1, rel=1e-12)
    assert session.delivered["dose_mg_per_kg"] == pytest.approx(0.6, rel=1e-12)
    assert session.status == "recovery"


def test_a_pump_rate_in_ml_per_h_is_stored_as_the_dose_rate_it_means(staff, session):
    nurse = staff["nurse"]
    check_in(nurse, session)
    act(nurse, session, "start", 0, rate=units.Quantity(20.55, units.ML_PER_H))
    event = session.rate_events.get()
    assert float(event.rate_mg_per_kg_per_h) == pytest.approx(0.3, abs=1e-4) and event.rate_unit == "mL/h"


def test_a_rate_over_the_hard_limit_is_refused_and_one_over_the_order_needs_a_reason(staff, session):
    nurse = staff["nurse"]
    check_in(nurse, session)
    act(nurse, session, "start", 0, rate=units.Quantity(0.3, units.MG_PER_KG_PER_H))
    with pytest.raises(services.RateRefused) as hard:
        act(nurse, session, "change_rate", 10, rate=units.Quantity(1.5, units.MG_PER_KG_PER_H))
    assert not hard.value.needs_reason
    with pytest.raises(services.RateRefused) as soft:
        act(nurse, session, "change_rate", 10, rate=units.Quantity(0.4, units.MG_PER_KG_PER_H))
    assert soft.value.needs_reason
    act(nurse, session, "change_rate", 10, rate=units.Quantity(0.4, units.MG_PER_KG_PER_H),
        override_reason="Dr Reyes by phone: pain uncontrolled")  # fmt: skip
    assert session.rate_events.count() == 2


def test_a_red_vital_raises_an_alert_with_the_suggested_action(staff, session):
    nurse = staff["nurse"]
    check_in(nurse, session)
    act(nurse, session, "start", 0, rate=units.Quantity(0.3, units.MG_PER_KG_PER_H))
    session.refresh_from_db()
    sign = services.session_vitals(actor=nurse, session_id=session.pk, expected_version=session.version,
                                   now=T0 + timedelta(minutes=15),
                                   reading=VitalsReading(systolic_mmhg=186, diastolic_mmhg=104))  # fmt: skip
    assert sign.level == "red" and "Pause the infusion" in sign.alerts[0]["suggested_action"]
    services.vitals_response(actor=nurse, session_id=sign.session_id, vital_id=sign.pk, response_taken="Paused, called prescriber")
    sign.refresh_from_db()
    assert sign.response_taken.startswith("Paused")


def test_a_stale_form_gets_a_conflict_not_a_silent_overwrite(staff, session):
    nurse = staff["nurse"]
    check_in(nurse, session)
    with pytest.raises(StaleVersionError):
        services.session_rate_action(actor=nurse, session_id=session.pk, expected_version=session.version,
                                     now=T0, action="start", rate=units.Quantity(0.3, units.MG_PER_KG_PER_H))  # fmt: skip


def test_discharge_needs_aldrete_9_the_recovery_time_and_the_escort(staff, session):
    nurse = staff["nurse"]
    check_in(nurse, session)
    act(nurse, session, "start", 0, rate=units.Quantity(0.3, units.MG_PER_KG_PER_H))
    act(nurse, session, "stop", 120)
    session.refresh_from_db()
    good = {"activity": "2", "respiration": "2", "consciousness": "2", "oxygen_saturation": "2"}
    services.session_recovery_scores(actor=nurse, session_id=session.pk, expected_version=session.version,
                                     post_pain_nrs=3, aldrete_answers=good, current_systolic_mmhg=130)  # fmt: skip
    session.refresh_from_db()
    assert session.aldrete["total_exact"] == "10"
    with pytest.raises(services.GateRefused, match="minimum recovery"):
        services.session_discharge(actor=nurse, session_id=session.pk, expected_version=session.version,
                                   now=T0 + timedelta(minutes=150), escort_present=True)  # fmt: skip
    done = services.session_discharge(actor=nurse, session_id=session.pk, expected_version=session.version,
                                      now=T0 + timedelta(minutes=181), escort_present=True)  # fmt: skip
    assert done.status == "discharged"


def test_waste_is_the_bag_minus_the_delivered_dose_and_needs_a_second_authenticated_witness(staff, session, rf):
    nurse = staff["nurse"]
    check_in(nurse, session)
    act(nurse, session, "start", 0, rate=units.Quantity(0.3, units.MG_PER_KG_PER_H))
    act(nurse, session, "stop", 120)
    session.refresh_from_db()
    base = dict(actor=nurse, session_id=session.pk, expected_version=session.version, now=T0 + timedelta(minutes=125),
                request=rf.post("/"))  # the witness's login is checked (and rate-limited) like any other
    with pytest.raises(DomainValidationError, match="second staff member"):
        services.session_waste(**base, witness_username="nurse-user", witness_password=PASSWORD)
    with pytest.raises(DomainValidationError, match="authenticated"):
        services.session_waste(**base, witness_username="prescriber-user", witness_password="wrong")
    done = services.session_waste(**base, witness_username="prescriber-user", witness_password=PASSWORD)
    # 100 mL × 1 mg/mL − 0.3 × 68.5 × 2 h = 100 − 41.1 = 58.9 mg
    assert float(done.wasted_mg) == pytest.approx(58.9, abs=1e-3) and done.waste_witness == staff["prescriber"]


def test_the_session_page_flow_and_record(staff, session, client_for):
    client = client_for(staff["nurse"])
    url = reverse("infusions:session", args=[session.pk])
    page = client.get(url).content.decode()
    assert "Check in" in page and "Still to do" in page
    do = lambda action, data: client.post(reverse("infusions:action", args=[session.pk, action]),  # noqa: E731
                                          data | {"expected_version": InfusionSession.objects.get(pk=session.pk).version})
    bad = do("check_in", {"escort_confirmed": "", "bag_lot": ""})
    assert bad.status_code == 422 and "Escort not confirmed" in bad.content.decode()
    ok = do("check_in", {"escort_confirmed": "on", "escort_name": "Rita", "fasting_hours_solids": "8",
                         "pregnancy_test_negative": "true", "pre_pain_nrs": "7", "systolic_mmhg": "125",
                         "diastolic_mmhg": "80", "heart_rate_per_min": "70", "spo2_percent": "98", "bag_lot": "L1",
                         "bag_concentration_mg_per_ml": "1", "bag_volume_ml": "100"})  # fmt: skip
    assert ok.status_code == 302
    assert do("start", {"rate_value": "0.3", "rate_unit": "mg/kg/h"}).status_code == 302
    refused = do("change_rate", {"rate_value": "2", "rate_unit": "mg/kg/h"})
    assert refused.status_code == 422 and "hard limit" in refused.content.decode()
    stale = client.post(reverse("infusions:action", args=[session.pk, "pause"]), {"expected_version": 1})
    assert stale.status_code == 409
    chart = client.get(reverse("infusions:chart", args=[session.pk]))
    assert chart["Content-Type"] == "image/svg+xml" and b"model prediction" in chart.content
    assert "mL/h" in client.get(url).content.decode()


def test_a_rass_rating_entered_on_the_page_is_scored_and_listed(staff, session, client_for):
    nurse = staff["nurse"]
    check_in(nurse, session)
    act(nurse, session, "start", 0, rate=units.Quantity(0.3, units.MG_PER_KG_PER_H))
    session.refresh_from_db()
    client = client_for(nurse)
    url = reverse("infusions:action", args=[session.pk, "scale"])
    response = client.post(url, {"instrument_id": "rass", "rass": "light_sedation", "expected_version": session.version})
    assert response.status_code == 302
    effect = session.side_effects.get()
    assert effect.kind == "sedation" and effect.scale_result["total"] == -2
    page = client.get(reverse("infusions:session", args=[session.pk])).content.decode()
    assert "RASS -2" in page and 'id="scale_cadss6-button"' in page
    unknown = client.post(url, {"instrument_id": "phq9", "expected_version": session.version + 1})
    assert unknown.status_code == 404


def test_a_double_tapped_vitals_submit_is_charted_once(staff, session, client_for):
    nurse = staff["nurse"]
    check_in(nurse, session)
    act(nurse, session, "start", 0, rate=units.Quantity(0.3, units.MG_PER_KG_PER_H))
    session.refresh_from_db()
    client = client_for(nurse)
    url = reverse("infusions:action", args=[session.pk, "vitals"])
    form = {"systolic_mmhg": 131, "heart_rate_per_min": 70, "expected_version": session.version,
            "idempotency_key": "3f6c1d2e-tap-twice"}  # fmt: skip
    first, second = client.post(url, form), client.post(url, form)
    assert first.status_code == second.status_code == 302
    assert session.vitals.filter(phase="intra").count() == 1
    other = client.post(url, form | {"idempotency_key": "another-key"})
    assert other.status_code == 409  # a new submit of the stale form is a conflict, not a second reading


def test_a_medication_added_after_screening_blocks_the_check_in_until_screening_is_rerun(staff, session, patients):
    from ketaflow.clinic.patients.services import medication_add

    medication_add(actor=staff["nurse"], patient=patients["ana"], name="Phenelzine", drug_class="maoi",
                   dose_text="15 mg tid")  # fmt: skip
    with pytest.raises(services.GateRefused) as refused:
        check_in(staff["nurse"], session)
    assert any("changed since the last screening" in f for f in refused.value.failures)
