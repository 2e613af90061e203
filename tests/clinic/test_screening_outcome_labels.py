"""QA of issue 3 on the screening pages: the decision reads as words ("Not eligible", not "NOTELIGIBLE"),
each reason's kind is named, and an over-long override reason or alert note is refused with its limit."""

import pytest
from django.urls import reverse

from ketaflow.clinic.assessments.models import ClinicalTask
from ketaflow.clinic.patients import services as patient_services
from ketaflow.clinic.screening.models import ScreeningRecord

pytestmark = pytest.mark.django_db


def screened(staff, patients, client_for, code="glaucoma"):
    patient_services.condition_add(actor=staff["nurse"], patient=patients["ana"], code=code)
    client_for(staff["nurse"]).post(reverse("screening:run", args=[patients["ana"].pk]), {"indication": "fibromyalgia"})
    return ScreeningRecord.objects.get()


def test_the_decision_and_reason_kinds_read_as_words_on_the_chart_and_the_detail_page(staff, patients, client_for):
    record = screened(staff, patients, client_for)
    client = client_for(staff["prescriber"])
    chart = client.get(reverse("patients:chart", args=[patients["ana"].pk])).content.decode()
    detail = client.get(reverse("screening:detail", args=[patients["ana"].pk, record.pk])).content.decode()
    for page in (chart, detail):
        assert "Not eligible" in page and "NOTELIGIBLE" not in page
        assert "Absolute contraindication" in page


def test_an_override_reason_over_the_limit_is_refused_with_the_limit(staff, patients, client_for):
    record = screened(staff, patients, client_for)
    override = reverse("screening:override", args=[patients["ana"].pk, record.pk])
    page = client_for(staff["prescriber"]).post(override, {"reason": "x" * 501}, follow=True).content.decode()
    assert record.overrides.count() == 0 and "at most 500 characters" in page


def test_an_alert_note_over_the_limit_is_refused_with_the_limit(staff, patients, client_for):
    answers = {f"phq9_{i}": "not_at_all" for i in range(1, 10)} | {"phq9_9": "several_days"}
    client_for(staff["nurse"]).post(reverse("assessments:administer", args=[patients["ana"].pk, "phq9"]), answers)
    task = ClinicalTask.objects.get()
    page = client_for(staff["prescriber"]).post(reverse("assessments:task_acknowledge", args=[task.pk]),
                                                {"note": "y" * 401}, follow=True).content.decode()  # fmt: skip
    task.refresh_from_db()
    assert task.acknowledged_at is None and "at most 400 characters" in page
