"""The chart's timeline and the patient's portal show the infusions given, with the delivered dose; a
complete series says so in the portal instead of 'not booked yet'."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.infusions.models import InfusionSession
from tests.clinic.infusion_fixtures import open_session

pytestmark = pytest.mark.django_db


def _given(session, *, days_ago: int, dose_mg: float):
    started = timezone.now() - dt.timedelta(days=days_ago)
    InfusionSession.objects.filter(pk=session.pk).update(
        status="discharged", started_at=started, stopped_at=started + dt.timedelta(hours=4),
        delivered={"dose_mg": dose_mg, "dose_mg_per_kg": dose_mg / 68.5})  # fmt: skip


def test_an_infusion_given_is_on_the_chart_timeline_with_its_delivered_dose(staff, patients, client_for):
    session = open_session(staff, patients["ana"])
    _given(session, days_ago=2, dose_mg=54.8)
    page = client_for(staff["nurse"]).get(reverse("patients:chart", args=[patients["ana"].pk])).content.decode()
    timeline = page[page.index('id="timeline"'):]
    assert "Infusion 1 given" in timeline and "54.8 mg delivered · discharged" in timeline


def test_the_portal_counts_the_infusions_given_and_lists_them_among_the_visits(staff, patients, client_for):
    session = open_session(staff, patients["ana"])
    _given(session, days_ago=2, dose_mg=54.8)
    page = client_for(patients["ana_user"]).get(reverse("patients:chart", args=[patients["ana"].pk])).content.decode()
    assert "1 infusion given so far." in page
    assert "Infusion 1 given" in page.split("Your visits so far")[1]
    assert "Your intake forms" in page and "before your first visit" not in page
