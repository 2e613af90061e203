"""Instruments on the chart: administered by staff or filled at home, scored by the domain, saved whole."""

import pytest
from django.urls import reverse

from ketaflow.clinic.assessments.models import Assessment, ClinicalTask
from ketaflow.clinic.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PHQ9_LOW = {f"phq9_{i}": "not_at_all" for i in range(1, 10)}
FIQR_ALL = {f"fiqr_function_{i}": "5" for i in range(1, 10)} | {"fiqr_overall_1": "6", "fiqr_overall_2": "6"} | {
    f"fiqr_symptom_{s}": "7"
    for s in ("pain", "energy", "stiffness", "sleep", "depression", "memory", "anxiety", "tenderness", "balance",
              "environmental_sensitivity")
}  # fmt: skip


def url(patient, instrument_id):
    return reverse("assessments:administer", args=[patient.pk, instrument_id])


def test_a_nurse_administers_phq9_and_the_result_is_stored_with_its_version_and_source(staff, patients, client_for):
    ana = patients["ana"]
    response = client_for(staff["nurse"]).post(url(ana, "phq9"), PHQ9_LOW | {"phq9_1": "several_days"})
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert assessment.result["total_exact"] == "1" and assessment.band
    assert assessment.instrument_version == assessment.result["rule_version"] and "Kroenke" in assessment.result["source"]["citation"]
    assert assessment.answers["phq9_1"] == "several_days" and assessment.entered_via == "staff"
    assert AuditEntry.objects.filter(action="assessment.create", patient_id=str(ana.pk)).exists()


def test_phq9_item_9_above_zero_opens_an_urgent_task_whatever_the_total(staff, patients, client_for):
    ana = patients["ana"]
    client_for(staff["nurse"]).post(url(ana, "phq9"), PHQ9_LOW | {"phq9_9": "several_days"})
    task = ClinicalTask.objects.get()
    assert task.severity == "critical" and task.patient == ana and task.acknowledged_at is None
    home = client_for(staff["prescriber"]).get("/").content.decode()
    assert "Needs attention now" in home and "Lopez, Ana" in home


def test_the_patient_sees_crisis_information_at_once_after_item_9(patients, client_for):
    client = client_for(patients["ana_user"])
    response = client.post(url(patients["ana"], "phq9"), PHQ9_LOW | {"phq9_9": "several_days"}, follow=True)
    body = response.content.decode()
    assert "988" in body and 'id="crisis-info"' in body


def test_acknowledging_a_task_needs_a_note_and_closes_it(staff, patients, client_for):
    client_for(staff["nurse"]).post(url(patients["ana"], "phq9"), PHQ9_LOW | {"phq9_9": "several_days"})
    task = ClinicalTask.objects.get()
    ack = reverse("assessments:task_acknowledge", args=[task.pk])
    client = client_for(staff["prescriber"])
    client.post(ack, {"note": ""})
    task.refresh_from_db()
    assert task.acknowledged_at is None
    client.post(ack, {"note": "Called patient; safety plan reviewed"})
    task.refresh_from_db()
    assert task.acknowledged_by == staff["prescriber"] and "safety plan" in task.response_note


def test_fiqr_with_one_function_item_missing_is_scored(patients, client_for):
    answers = dict(FIQR_ALL)
    del answers["fiqr_function_3"]
    response = client_for(patients["ana_user"]).post(url(patients["ana"], "fiqr"), answers)
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.entered_via == "portal" and not assessment.invalid and assessment.total is not None


def test_fiqr_with_two_function_items_missing_explains_why_it_cannot_be_scored_and_saves_nothing(patients, client_for):
    answers = dict(FIQR_ALL)
    del answers["fiqr_function_3"], answers["fiqr_function_7"]
    response = client_for(patients["ana_user"]).post(url(patients["ana"], "fiqr"), answers)
    body = response.content.decode()
    assert response.status_code == 422
    assert "cannot be scored" in body and 'id="not-scorable"' in body
    assert Assessment.objects.count() == 0


def test_an_out_of_range_answer_is_refused_naming_the_item(staff, patients, client_for):
    response = client_for(staff["nurse"]).post(url(patients["ana"], "phq9"), PHQ9_LOW | {"phq9_2": "sometimes"})
    assert response.status_code == 422 and Assessment.objects.count() == 0
    assert "phq9_2" in response.content.decode() or "Feeling down" in response.content.decode()


def test_patients_may_fill_only_the_portal_questionnaires_and_only_for_themselves(patients, client_for):
    client = client_for(patients["ana_user"])
    assert client.get(url(patients["ana"], "rass")).status_code == 404
    assert client.get(url(patients["ben"], "phq9")).status_code == 404
    assert client.get(url(patients["ana"], "phq9")).status_code == 200


def test_the_chart_shows_the_latest_score_and_the_portal_shows_what_is_done(staff, patients, client_for):
    client_for(staff["nurse"]).post(url(patients["ana"], "phq9"), PHQ9_LOW)
    chart = client_for(staff["prescriber"]).get(reverse("patients:chart", args=[patients["ana"].pk])).content.decode()
    assert "phq9" in chart and "Patient Health Questionnaire-9" in chart
    portal = client_for(patients["ana_user"]).get(reverse("patients:chart", args=[patients["ana"].pk])).content.decode()
    assert "Forms to fill before your first visit" in portal and "done" in portal and "to do" in portal
