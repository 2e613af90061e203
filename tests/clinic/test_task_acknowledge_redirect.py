"""Acknowledging an alert returns to a page of this site only (no open redirect through "next")."""

import pytest
from django.urls import reverse

from ketaflow.clinic.assessments.models import ClinicalTask

pytestmark = pytest.mark.django_db

PHQ9_ITEM9 = {f"phq9_{i}": "not_at_all" for i in range(1, 9)} | {"phq9_9": "several_days"}


def _task(staff, patients, client_for):
    client_for(staff["nurse"]).post(reverse("assessments:administer", args=[patients["ana"].pk, "phq9"]), PHQ9_ITEM9)
    return ClinicalTask.objects.get()


def test_a_next_pointing_to_another_host_redirects_home_instead(staff, patients, client_for):
    task = _task(staff, patients, client_for)
    response = client_for(staff["prescriber"]).post(
        reverse("assessments:task_acknowledge", args=[task.pk]), {"note": "Called", "next": "https://evil.example/x"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_next_on_this_site_is_followed(staff, patients, client_for):
    task = _task(staff, patients, client_for)
    chart = reverse("patients:chart", args=[patients["ana"].pk])
    response = client_for(staff["prescriber"]).post(
        reverse("assessments:task_acknowledge", args=[task.pk]), {"note": "Called", "next": chart}
    )
    assert response.status_code == 302 and response["Location"] == chart
