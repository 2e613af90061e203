"""A prescriber records the initial consultation; signed notes are locked and amended as new versions."""

import pytest
from django.urls import reverse

from ketaflow.clinic.patients.models import Consultation

pytestmark = pytest.mark.django_db

NOTE = {
    "occurred_on": "2026-11-20", "reason_for_referral": "Widespread pain",
    "history": "Fibromyalgia for 6 years", "findings": "Tender points", "plan_discussed": "Ketamine series",
}  # fmt: skip


def test_a_prescriber_signs_a_consultation_and_it_shows_on_the_chart(staff, patients, client_for):
    ana = patients["ana"]
    client = client_for(staff["prescriber"])
    response = client.post(reverse("patients:consultation_add", args=[ana.pk]), NOTE)
    assert response.status_code == 302
    note = Consultation.objects.get()
    assert note.author == staff["prescriber"] and note.signed_at is not None
    chart = client.get(reverse("patients:chart", args=[ana.pk])).content.decode()
    assert "Fibromyalgia for 6 years" in chart and "Initial consultation signed" in chart


def test_a_nurse_cannot_record_a_consultation(staff, patients, client_for):
    response = client_for(staff["nurse"]).post(reverse("patients:consultation_add", args=[patients["ana"].pk]), NOTE)
    assert response.status_code == 403 and Consultation.objects.count() == 0


def test_missing_history_is_refused_with_the_field_named(staff, patients, client_for):
    response = client_for(staff["prescriber"]).post(
        reverse("patients:consultation_add", args=[patients["ana"].pk]), NOTE | {"history": ""}
    )
    assert response.status_code == 422 and Consultation.objects.count() == 0


def test_an_amendment_is_a_new_version_pointing_to_the_original_which_is_unchanged(staff, patients, client_for):
    ana = patients["ana"]
    client = client_for(staff["prescriber"])
    client.post(reverse("patients:consultation_add", args=[ana.pk]), NOTE)
    original = Consultation.objects.get()
    url = reverse("patients:consultation_amend", args=[ana.pk, original.pk])
    no_reason = client.post(url, NOTE | {"findings": "Corrected"})
    assert no_reason.status_code == 422
    client.post(url, NOTE | {"findings": "Corrected", "amendment_reason": "Typo in findings"})
    amended = Consultation.objects.exclude(pk=original.pk).get()
    original.refresh_from_db()
    assert amended.amends == original and original.findings == "Tender points"
    assert amended.findings == "Corrected" and amended.amendment_reason == "Typo in findings"
    twice = client.post(url, NOTE | {"findings": "Again", "amendment_reason": "x"})
    assert twice.status_code == 422 and Consultation.objects.count() == 2
