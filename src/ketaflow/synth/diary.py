"""Demo clinic, diary part: weeks of synthetic diary entries around a past series, so a newcomer opening a
chart sees a kept diary (daily pain now and 24-h average, sleep, fatigue; FIQR, PHQ-9, GAD-7 and PGIC on
the schedule's days) on first start.

The patient seeded here is a sustained responder (pain about 7 before the series, about 3 after); the
patients whose pain returns after responding are seeded by synth/outcomes.py. Entries go through
assessment_record (scored, audited) with their diary_day, and a DiaryDay row each, exactly as the portal
writes them; about one day in ten is left empty, as real diaries are. All values are invented.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from ketaflow.clinic.accounts.models import User
from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.assessments.models import Assessment
from ketaflow.clinic.assessments.services import assessment_record
from ketaflow.clinic.diaries.models import DiaryDay
from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.outcomes.mappers import GIVEN_STATES
from ketaflow.clinic.patients.models import Patient
from ketaflow.domain.outcomes.diary_schedule import DAILY_ITEMS, diary_schedule
from ketaflow.synth.intake import synthetic_answers


def _pain_level(day, first, last) -> float:
    """About 7 before the series, falling during it, about 3 afterwards."""
    if day < first:
        return 7.0
    if day <= last:
        span = max((last - first).days, 1)
        return 7.0 - 4.0 * (day - first).days / span
    return 3.0


DIARY_LOGIN = "patient.diary"


def seed_diaries(patients, *, rng: random.Random, password_for) -> list:
    """Fill each patient's diary up to yesterday around their given series. A patient without a portal
    login gets one (`patient.diary`, the first only): entries carry the portal user who made them."""
    from ketaflow.synth.demo import DemoLogin

    today = timezone.localdate()
    logins = []
    for patient in patients:
        if patient.user is None:
            if User.objects.filter(username=DIARY_LOGIN).exists():
                continue
            user = User.objects.create_user(
                username=DIARY_LOGIN, password=password_for(DIARY_LOGIN), role=Role.PATIENT,
                first_name=patient.given_name, last_name=patient.family_name,
            )  # fmt: skip
            Patient.objects.filter(pk=patient.pk).update(user=user)
            patient.user = user
            logins.append(DemoLogin(DIARY_LOGIN, password_for(DIARY_LOGIN), Role.PATIENT, patient.full_name))
        started = InfusionSession.objects.filter(
            patient=patient, status__in=GIVEN_STATES, started_at__isnull=False
        ).values_list("started_at", flat=True)
        days = sorted({timezone.localtime(s).date() for s in started})
        if not days:
            continue
        first, last = days[0], days[-1]
        # The demo's intake forms were filled "today"; this patient's series is past, so the intake belongs
        # before it (a pre-treatment FIQR dated after the series would read as a relapse on the timeline).
        start_of_today = timezone.make_aware(datetime.combine(today, time(0, 0)))
        Assessment.objects.filter(patient=patient, administered_at__gte=start_of_today).update(
            administered_at=timezone.make_aware(datetime.combine(first - timedelta(days=8), time(11, 0))))
        taken = set(DiaryDay.objects.filter(patient=patient).values_list("instrument_id", "day"))
        for instrument_id, day in diary_schedule([days]):
            if day >= today or (instrument_id, day) in taken:
                continue
            if instrument_id in DAILY_ITEMS and rng.random() < 0.1:
                continue
            level = _pain_level(day, first, last)
            if instrument_id in DAILY_ITEMS:
                value = min(10, max(0, round(level + rng.uniform(-1.2, 1.2))))
                answers = {"pain": str(value)} if instrument_id.startswith("pain") else {"rating": str(value)}
            elif instrument_id == "pgic":  # a sustained responder: improved, as the pain diary says
                answers = {"pgic": rng.choice(("much_improved", "much_improved", "very_much_improved", "minimally_improved"))}
            else:
                answers = synthetic_answers(rng, instrument_id, severity=level / 10)
                if instrument_id == "phq9":
                    answers["phq9_9"] = "not_at_all"  # item 9 alerts are demonstrated elsewhere
            at = timezone.make_aware(datetime.combine(day, time(19, rng.randint(0, 59))))
            assessment = assessment_record(
                actor=patient.user, patient=patient, instrument_id=instrument_id, answers=answers,
                stored_context={"diary_day": day.isoformat()}, administered_at=at,
            )  # fmt: skip
            DiaryDay.objects.create(patient=patient, instrument_id=instrument_id, day=day, assessment=assessment,
                                    due_day=day)  # fmt: skip
    return logins
