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


def test_the_demo_diary_patients_intake_comes_before_the_series_and_the_course_reads_as_a_response():
    from django.utils import timezone

    from ketaflow.clinic.assessments.models import Assessment
    from ketaflow.clinic.infusions.models import InfusionSession
    from ketaflow.clinic.outcomes.models import Proposal
    from ketaflow.clinic.outcomes.services import outcomes_evaluate_if_stale
    from ketaflow.clinic.outcomes.timeline import timeline_data, timeline_input
    from ketaflow.synth.demo import seed_demo_clinic

    seed_demo_clinic(patients=6)
    patient = InfusionSession.objects.filter(patient__user__username="patient.diary").first().patient
    first = InfusionSession.objects.filter(patient=patient).order_by("started_at").first().started_at
    intake = Assessment.objects.filter(patient=patient, instrument_id__in=("fiqr", "phq9")).exclude(context__has_key="diary_day")
    assert intake.exists() and all(a.administered_at < first for a in intake)
    pgic = Assessment.objects.filter(patient=patient, instrument_id="pgic").values_list("band", flat=True)
    assert pgic and all("improved" in band.lower() for band in pgic)
    outcomes_evaluate_if_stale(patient=patient, now=timezone.now())
    assert not Proposal.objects.filter(patient=patient, status__in=Proposal.OPEN_STATES).exists()
    markers = timeline_data(timeline_input(patient=patient))["markers"]
    assert markers == []  # a proposal withdrawn while the seed was still writing the diary is no chart event
