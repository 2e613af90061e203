"""PHQ-9 item 9 above 0 sent from a one-time diary link: the urgent task is on the nurse's home page until
someone acknowledges it with a note, and then it is gone."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.diaries import services

pytestmark = pytest.mark.django_db


def test_the_diary_alert_shows_on_the_staff_dashboard_until_acknowledged(patients, staff, client, client_for):
    ana = patients["ana"]
    _, raw = services.diary_link_create(patient=ana, group="phq9", instruments=["phq9"], due_day=timezone.localdate(),
                                        now=timezone.now())  # fmt: skip
    answers = {f"phq9_{i}": "not_at_all" for i in range(1, 9)} | {"phq9_9": "several_days"}
    assert client.post(reverse("diaries:link", args=[raw]), answers).status_code == 200
    nurse = client_for(staff["nurse"])
    home = nurse.get(reverse("home")).content.decode()
    task = ana.tasks.get(acknowledged_at__isnull=True)
    assert 'id="worklist"' in home and task.message in home
    nurse.post(reverse("assessments:task_acknowledge", args=[task.pk]), {"note": "Called the patient; safe, plan agreed"})
    task.refresh_from_db()
    assert task.acknowledged_at is not None
    assert task.message not in nurse.get(reverse("home")).content.decode()
