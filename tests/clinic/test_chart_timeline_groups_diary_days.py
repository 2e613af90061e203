"""The chart's timeline shows a kept diary as one line per day, and the assessment table names instruments
by title rather than by id."""

import pytest
from django.urls import reverse

from ketaflow.clinic.assessments.services import assessment_record

pytestmark = pytest.mark.django_db


def _rate(user, patient, instrument_id, answers, day):
    return assessment_record(actor=user, patient=patient, instrument_id=instrument_id, answers=answers,
                             stored_context={"diary_day": day})  # fmt: skip


def test_four_diary_ratings_on_one_day_are_one_timeline_line(staff, patients, client_for):
    ana = patients["ana"]
    for day in ("2026-11-20", "2026-11-21"):
        _rate(patients["ana_user"], ana, "pain_nrs_current", {"pain": "6"}, day)
        _rate(patients["ana_user"], ana, "pain_nrs_average_24h", {"pain": "5"}, day)
        _rate(patients["ana_user"], ana, "sleep_quality_nrs", {"rating": "7"}, day)
        _rate(patients["ana_user"], ana, "fatigue_nrs", {"rating": "4"}, day)
    page = client_for(staff["nurse"]).get(reverse("patients:chart", args=[ana.pk])).content.decode()
    timeline = page[page.index('id="timeline"'):]
    assert timeline.count("Diary for 2026-11-21") == 1 and timeline.count("Diary for 2026-11-20") == 1
    assert "pain now 6 · pain 24-h 5 · sleep 7 · fatigue 4 (0–10)" in timeline
    assert "Pain NRS" not in timeline  # no line per rating


def test_the_latest_assessments_table_names_each_instrument_by_its_title(staff, patients, client_for):
    ana = patients["ana"]
    assessment_record(actor=staff["nurse"], patient=ana, instrument_id="gad7",
                      answers={f"gad7_{i}": "not_at_all" for i in range(1, 8)})  # fmt: skip
    page = client_for(staff["nurse"]).get(reverse("patients:chart", args=[ana.pk])).content.decode()
    assert "Generalized Anxiety Disorder" in page and ">gad7</a>" not in page
