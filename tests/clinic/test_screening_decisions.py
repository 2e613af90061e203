"""Screening on the chart: a decision with every reason and its source; overrides with co-signature."""

import pytest
from django.urls import reverse

from ketaflow.clinic.patients import services as patient_services
from ketaflow.clinic.screening.models import ScreeningRecord

pytestmark = pytest.mark.django_db


def run(client, patient):
    return client.post(reverse("screening:run", args=[patient.pk]), {"indication": "fibromyalgia"})


def test_running_screening_stores_the_decision_with_inputs_and_rule_version(staff, patients, client_for):
    ana = patients["ana"]
    response = run(client_for(staff["nurse"]), ana)
    record = ScreeningRecord.objects.get()
    assert response.status_code == 302
    assert record.outcome in ("eligible", "needs_review", "not_eligible")
    assert record.rule_set_version and record.inputs["indication"] == "fibromyalgia"
    assert all(r["source"]["citation"] for r in record.reasons)


def test_pregnancy_is_an_absolute_contraindication_needing_two_prescribers(staff, patients, client_for, make_user):
    ana = patients["ana"]
    patient_services.condition_add(actor=staff["nurse"], patient=ana, code="pregnancy")
    run(client_for(staff["nurse"]), ana)
    record = ScreeningRecord.objects.get()
    assert record.outcome == "not_eligible"
    assert any(r["severity"] == "absolute" for r in record.reasons)
    detail = client_for(staff["prescriber"]).get(reverse("screening:detail", args=[ana.pk, record.pk])).content.decode()
    assert "absolute" in detail and "co-signature" in detail
    override = reverse("screening:override", args=[ana.pk, record.pk])
    first = client_for(staff["prescriber"])
    first.post(override, {"reason": "Documented negative test; condition entered in error"})
    record.refresh_from_db()
    assert not record.cleared_by_override
    first.post(override, {"reason": "again"})
    assert record.overrides.count() == 1
    second = make_user("prescriber", "dr-second")
    client_for(second).post(override, {"reason": "Agree: pregnancy test negative today"})
    record.refresh_from_db()
    assert record.cleared_by_override and record.may_proceed


def test_a_nurse_cannot_override(staff, patients, client_for):
    run(client_for(staff["nurse"]), patients["ana"])
    record = ScreeningRecord.objects.get()
    response = client_for(staff["nurse"]).post(
        reverse("screening:override", args=[patients["ana"].pk, record.pk]), {"reason": "x"}
    )
    assert response.status_code == 403 and record.overrides.count() == 0


def test_an_override_needs_a_reason(staff, patients, client_for):
    patient_services.condition_add(actor=staff["nurse"], patient=patients["ana"], code="glaucoma")
    run(client_for(staff["nurse"]), patients["ana"])
    record = ScreeningRecord.objects.get()
    client_for(staff["prescriber"]).post(reverse("screening:override", args=[patients["ana"].pk, record.pk]), {"reason": " "})
    assert record.overrides.count() == 0


def test_the_evidence_page_lists_the_studies(staff, client_for):
    body = client_for(staff["nurse"]).get(reverse("screening:evidence")).content.decode()
    assert "Sorensen J, Bengtsson A, Backman E" in body and "Consensus Guidelines" in body


def test_screening_uses_the_latest_phq9_and_acr_from_the_chart(staff, patients, client_for):
    from ketaflow.clinic.assessments.services import assessment_record

    ana = patients["ana"]
    assessment_record(actor=staff["nurse"], patient=ana, instrument_id="phq9",
                      answers={f"phq9_{i}": "nearly_every_day" for i in range(1, 10)})  # fmt: skip
    run(client_for(staff["nurse"]), ana)
    record = ScreeningRecord.objects.get()
    assert record.inputs["phq9_result"]["total_exact"] == "27"


def test_an_assessment_is_dated_by_the_clinics_day_not_by_utc(staff, patients, settings):
    """At 01:30 UTC on 7 December it is still 6 December in New York: screening there that evening must not
    see the PHQ-9 as taken tomorrow."""
    import datetime as dt

    from django.utils import timezone

    from ketaflow.clinic.assessments.services import assessment_record
    from ketaflow.clinic.screening.mappers import screening_input_for

    settings.TIME_ZONE = "America/New_York"
    taken = dt.datetime(2026, 12, 7, 1, 30, tzinfo=dt.UTC)
    assessment_record(actor=staff["nurse"], patient=patients["ana"], instrument_id="phq9",
                      answers={f"phq9_{i}": 0 for i in range(1, 10)}, administered_at=taken)  # fmt: skip
    assert timezone.localdate(taken) == dt.date(2026, 12, 6)
    screening_input = screening_input_for(patients["ana"], indication="fibromyalgia", today=dt.date(2026, 12, 6))
    assert screening_input.phq9_assessed_on == dt.date(2026, 12, 6)
