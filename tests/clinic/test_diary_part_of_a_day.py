"""A patient who rated some items this morning: the diary asks only for the rest, says what was rated, and
a second rating of the same item is refused in words (never a 5xx, nothing half saved). A reminder link
opened after the items were filled in the portal says so instead of offering a form that cannot be sent."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.diaries import services
from ketaflow.clinic.diaries.models import DiaryDay, DiaryLink
from ketaflow.domain.errors import DomainValidationError
from tests.clinic.infusion_fixtures import signed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(staff, patients):
    from ketaflow.clinic.scheduling.services import booking_propose, booking_series_accept

    plan = signed_plan(staff, patients["ana"])
    booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(booking_propose(plan=plan).slots))
    return patients["ana"]


def test_after_rating_pain_now_the_portal_shows_it_and_asks_only_for_the_other_three(ana, patients, client_for):
    client = client_for(patients["ana_user"])
    saved = client.post(reverse("diaries:portal"), {"pain_nrs_current": "6"}, follow=True)
    page = saved.content.decode()
    assert "Your ratings are saved: pain now. Still to rate today: pain 24-h average, sleep, fatigue." in page
    assert 'id="rated-today"' in page and "pain now <strong>6</strong>" in page
    assert 'id="q-pain_nrs_current"' not in page and 'id="q-fatigue_nrs"' in page
    rest = client.post(reverse("diaries:portal"), {"pain_nrs_average_24h": "5", "sleep_quality_nrs": "3",
                                                   "fatigue_nrs": "4"}, follow=True)  # fmt: skip
    assert "Today&#x27;s diary is complete" in rest.content.decode() and 'id="daily-diary"' not in rest.content.decode()
    assert DiaryDay.objects.filter(patient=ana, day=timezone.localdate()).count() == 4


def test_a_post_for_an_item_already_rated_today_is_refused_in_words_and_saves_none_of_the_post(ana, patients, client_for):
    services.diary_entry_record(actor=patients["ana_user"], patient=ana, day=timezone.localdate(),
                                answers={"pain_nrs_current": {"pain": "6"}})  # fmt: skip
    with pytest.raises(DomainValidationError) as refused:
        services.diary_entry_record(actor=patients["ana_user"], patient=ana, day=timezone.localdate(),
                                    answers={"pain_nrs_current": {"pain": "2"}, "fatigue_nrs": {"rating": "3"}})  # fmt: skip
    assert refused.value.field == "pain_nrs_current" and "already rated today: pain now (6)" in refused.value.message
    assert DiaryDay.objects.filter(patient=ana).count() == 1  # the fatigue rating of the refused post is not kept


def test_the_api_names_the_item_already_rated_today(ana, patients):
    _, raw = api_token_create(actor=patients["ana_user"], name="test")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/patients/{ana.pk}/diary"
    body = json.dumps({"day": timezone.localdate().isoformat(), "answers": {"sleep_quality_nrs": {"rating": "4"}}})
    assert api.post(url, body, content_type="application/json").status_code == 201
    again = api.post(url, body, content_type="application/json")
    assert again.status_code == 422
    assert again.json()["detail"][0]["field"] == "sleep_quality_nrs" and "sleep (4)" in again.json()["detail"][0]["message"]


def test_a_daily_link_opened_after_the_portal_diary_is_complete_says_so_and_stays_unused(ana, patients, client):
    link, raw = services.diary_link_create(patient=ana, group="daily", instruments=[], due_day=timezone.localdate(),
                                           now=timezone.now())  # fmt: skip
    services.diary_entry_record(actor=patients["ana_user"], patient=ana, day=timezone.localdate(),
                                answers={"pain_nrs_current": {"pain": "6"}, "pain_nrs_average_24h": {"pain": "5"},
                                         "sleep_quality_nrs": {"rating": "4"}, "fatigue_nrs": {"rating": "3"}})  # fmt: skip
    page = client.get(reverse("diaries:link", args=[raw]))
    assert page.status_code == 200 and 'id="link-already"' in page.content.decode()
    assert DiaryLink.objects.get(pk=link.pk).used_at is None


def test_a_daily_link_after_a_partial_portal_entry_asks_only_for_the_rest(ana, patients, client):
    link, raw = services.diary_link_create(patient=ana, group="daily", instruments=[], due_day=timezone.localdate(),
                                           now=timezone.now())  # fmt: skip
    services.diary_entry_record(actor=patients["ana_user"], patient=ana, day=timezone.localdate(),
                                answers={"pain_nrs_current": {"pain": "6"}})  # fmt: skip
    url = reverse("diaries:link", args=[raw])
    form = client.get(url).content.decode()
    assert 'id="q-pain_nrs_current"' not in form and 'id="q-sleep_quality_nrs"' in form
    assert client.post(url, {"pain_nrs_current": "1", "fatigue_nrs": "2"}).status_code == 200
    assert sorted(DiaryDay.objects.filter(patient=ana).values_list("instrument_id", flat=True)) == [
        "fatigue_nrs", "pain_nrs_current"]  # the stale pain rating in the post is not a field any more


def test_a_questionnaire_link_left_half_answered_asks_for_every_question_in_words(ana, client):
    _, raw = services.diary_link_create(patient=ana, group="pgic", instruments=["pgic"], due_day=timezone.localdate(),
                                        now=timezone.now())  # fmt: skip
    refused = client.post(reverse("diaries:link", args=[raw]), {})
    assert refused.status_code == 422 and "Please answer every question: 1 not answered yet." in refused.content.decode()
    assert "missing-data rule" not in refused.content.decode()


def test_a_questionnaire_link_answered_in_the_portal_since_the_email_says_so(ana, patients, client):
    from ketaflow.clinic.assessments.services import assessment_record

    link, raw = services.diary_link_create(patient=ana, group="pgic", instruments=["pgic"], due_day=timezone.localdate(),
                                           now=timezone.now())  # fmt: skip
    assessment_record(actor=patients["ana_user"], patient=ana, instrument_id="pgic", answers={"pgic": "much_improved"})
    page = client.get(reverse("diaries:link", args=[raw]))
    assert page.status_code == 200 and 'id="link-already"' in page.content.decode()
    assert DiaryLink.objects.get(pk=link.pk).used_at is None


def test_after_a_questionnaire_from_the_diary_the_patient_is_offered_the_way_back_to_the_diary(ana, patients, client_for):
    client = client_for(patients["ana_user"])
    done = client.post(reverse("assessments:administer", args=[ana.pk, "pgic"]), {"pgic": "much_improved"}, follow=True)
    assert done.status_code == 200 and 'id="back-to-diary" href="/portal/diary/"' in done.content.decode()


def test_a_questionnaire_link_shows_the_recall_period_and_each_section_with_its_instruction(ana, client):
    _, phq = services.diary_link_create(patient=ana, group="phq9", instruments=["phq9"], due_day=timezone.localdate(),
                                        now=timezone.now())  # fmt: skip
    page = client.get(reverse("diaries:link", args=[phq])).content.decode()
    assert 'id="recall">Over the last 2 weeks, how often have you been bothered' in page
    _, fiqr = services.diary_link_create(patient=ana, group="fiqr", instruments=["fiqr"], due_day=timezone.localdate(),
                                         now=timezone.now())  # fmt: skip
    page = client.get(reverse("diaries:link", args=[fiqr])).content.decode()
    assert "<legend>Function</legend>" in page and "How difficult was each activity over the past 7 days?" in page


def test_a_stale_page_sending_only_an_item_already_rated_says_so_instead_of_asking_to_tap_a_number(ana, patients, client_for):
    client = client_for(patients["ana_user"])
    client.post(reverse("diaries:portal"), {"pain_nrs_current": "6"})
    stale = client.post(reverse("diaries:portal"), {"pain_nrs_current": "2"})
    assert stale.status_code == 422 and "Already rated today: pain now (6). Nothing else was sent." in stale.content.decode()
    assert DiaryDay.objects.filter(patient=ana).count() == 1


def test_a_value_off_the_scale_names_the_allowed_range_without_echoing_the_value(ana, patients, client_for):
    refused = client_for(patients["ana_user"]).post(reverse("diaries:portal"), {"fatigue_nrs": "x" * 5000})
    page = refused.content.decode()
    assert refused.status_code == 422 and "Tap one number (allowed: 0–10)." in page and "x" * 100 not in page


def test_the_portal_home_says_what_is_waiting_in_the_diary(ana, patients, client_for):
    client = client_for(patients["ana_user"])
    home = client.get(reverse("patients:chart", args=[ana.pk])).content.decode()
    assert 'id="diary-due"' in home and "Today's ratings are waiting</strong> (4 to rate)" in home
    client.post(reverse("diaries:portal"), {"pain_nrs_current": "6", "pain_nrs_average_24h": "5",
                                            "sleep_quality_nrs": "3", "fatigue_nrs": "4"})  # fmt: skip
    assert "Today's ratings are done." in client.get(reverse("patients:chart", args=[ana.pk])).content.decode()


def test_the_staff_diary_page_shows_one_row_a_day_with_the_ratings_given(ana, patients, staff, client_for):
    services.diary_entry_record(actor=patients["ana_user"], patient=ana, day=timezone.localdate(),
                                answers={"pain_nrs_current": {"pain": "6"}, "fatigue_nrs": {"rating": "3"}})  # fmt: skip
    page = client_for(staff["nurse"]).get(reverse("diaries:staff", args=[ana.pk])).content.decode()
    row = page[page.index(timezone.localdate().strftime("%Y-%m-%d"), page.index('id="diary-days"')):]
    row = row[: row.index("</tr>")]
    assert row.count("<strong>6</strong>") == 1 and row.count("<strong>3</strong>") == 1 and row.count(">due<") == 2
