"""The patient's diary: today's ratings in the portal (once per day), what else is due with links to the
questionnaires, the staff view, and a reminder's one-time link (single use, expiring)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.assessments.models import Assessment
from ketaflow.clinic.diaries import services
from ketaflow.clinic.diaries.models import DiaryDay
from tests.clinic.infusion_fixtures import signed_plan

pytestmark = pytest.mark.django_db
TODAY_RATINGS = {"pain_nrs_current": "6", "pain_nrs_average_24h": "5", "sleep_quality_nrs": "7", "fatigue_nrs": "4"}


@pytest.fixture
def ana(staff, patients):
    """A signed plan booked from the next open day: the daily diary starts 7 days before infusion 1."""
    from ketaflow.clinic.scheduling.services import booking_propose, booking_series_accept

    plan = signed_plan(staff, patients["ana"])
    booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(booking_propose(plan=plan).slots))
    return patients["ana"]


def test_a_patient_rates_today_once_and_the_answers_are_scored_assessments(ana, patients, client_for):
    client = client_for(patients["ana_user"])
    page = client.get(reverse("diaries:portal"))
    assert page.status_code == 200 and 'id="daily-diary"' in page.content.decode()
    saved = client.post(reverse("diaries:portal"), TODAY_RATINGS)
    assert saved.status_code == 302
    rows = Assessment.objects.filter(patient=ana, instrument_id__in=TODAY_RATINGS)
    assert sorted(a.instrument_id for a in rows) == sorted(TODAY_RATINGS)
    assert {a.instrument_id: a.total for a in rows}["pain_nrs_average_24h"] == 5
    assert all(a.entered_via == "portal" for a in rows)
    again = client.post(reverse("diaries:portal"), TODAY_RATINGS)
    assert again.status_code in (200, 422)  # the form is gone once done; a replay never records twice
    assert DiaryDay.objects.filter(patient=ana).count() == 4
    assert 'id="daily-done"' in client.get(reverse("diaries:portal")).content.decode()


def test_an_empty_or_out_of_range_submit_is_refused_naming_the_problem(ana, patients, client_for):
    client = client_for(patients["ana_user"])
    empty = client.post(reverse("diaries:portal"), {})
    assert empty.status_code == 422 and "tap a number (0–10) for at least one question" in empty.content.decode()
    bad = client.post(reverse("diaries:portal"), {"pain_nrs_current": "11"})
    assert bad.status_code == 422 and DiaryDay.objects.count() == 0


def test_another_patient_cannot_see_this_diary_and_staff_see_its_schedule(ana, patients, staff, client_for):
    staff_page = client_for(staff["nurse"]).get(reverse("diaries:staff", args=[ana.pk]))
    assert staff_page.status_code == 200 and '<th scope="col">pain 24-h average</th>' in staff_page.content.decode()
    assert client_for(patients["ben_user"]).get(reverse("diaries:staff", args=[ana.pk])).status_code in (302, 403)


def test_a_one_time_link_fills_the_diary_once_and_then_says_it_was_used(ana, patients, client):
    link, raw = services.diary_link_create(patient=ana, group="daily", instruments=list(TODAY_RATINGS),
                                           due_day=timezone.localdate(), now=timezone.now())  # fmt: skip
    url = reverse("diaries:link", args=[raw])
    assert client.get(url).status_code == 200
    assert client.post(url, TODAY_RATINGS).status_code == 200
    assert DiaryDay.objects.filter(patient=ana, via_link=link).count() == 4
    used = client.get(url)
    assert used.status_code == 410 and "already used" in used.content.decode()
    assert client.get(reverse("diaries:link", args=["not-a-token"])).status_code == 410


def test_an_expired_link_cannot_be_used(ana, client):
    _, raw = services.diary_link_create(patient=ana, group="phq9", instruments=["phq9"], due_day=timezone.localdate(),
                                        now=timezone.now() - timedelta(days=3))  # fmt: skip
    response = client.get(reverse("diaries:link", args=[raw]))
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_a_phq9_by_link_with_item_9_above_zero_shows_crisis_information_and_opens_a_task(ana, client):
    _, raw = services.diary_link_create(patient=ana, group="phq9", instruments=["phq9"], due_day=timezone.localdate(),
                                        now=timezone.now())  # fmt: skip
    answers = {f"phq9_{i}": "several_days" for i in range(1, 10)}
    done = client.post(reverse("diaries:link", args=[raw]), answers)
    assert done.status_code == 200 and 'id="crisis-info"' in done.content.decode()
    assert ana.tasks.filter(acknowledged_at__isnull=True).exists()
