"""The demo seed gives a newcomer a kept diary: weeks of daily entries around a past series, each a scored
portal Assessment with its DiaryDay, never two pain values for one day."""

from collections import Counter

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_diary_patient_has_weeks_of_entries_one_per_item_per_day():
    from ketaflow.clinic.assessments.models import Assessment
    from ketaflow.clinic.diaries.models import DiaryDay
    from ketaflow.synth.demo import seed_demo_clinic

    logins = seed_demo_clinic(patients=6)
    assert "patient.diary" in [login.username for login in logins]
    days = DiaryDay.objects.filter(patient__user__username="patient.diary")
    counts = Counter(days.values_list("instrument_id", flat=True))
    assert counts["pain_nrs_average_24h"] >= 21 and counts["sleep_quality_nrs"] >= 21 and counts["fiqr"] >= 2
    pain = Assessment.objects.filter(patient__user__username="patient.diary", instrument_id="pain_nrs_average_24h")
    diary_days = [a.context["diary_day"] for a in pain]
    assert len(diary_days) == len(set(diary_days))
    assert set(pain.values_list("entered_via", flat=True)) == {"portal"}
