"""Demo clinic, outcomes part: synthetic courses whose pain responds and then returns, so a newcomer sees a
booster proposal on the worklist at first start, and a portal patient (`patient.booster`) whose relapse is
confirmed by the diary entry they make today (the browser test's story).

Past series are synthetic history: the signed plan is written today and its dates are moved back, and the
given infusions are stored as discharged sessions (the charting part seeds one fully charted series; this
one only needs the days and doses). Diary entries go through assessment_record with their diary_day.
All values are invented.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ketaflow.clinic.accounts.models import User
from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.assessments.models import Assessment
from ketaflow.clinic.assessments.services import assessment_record
from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.patients.models import Patient
from ketaflow.clinic.plans.catalogue import defaults_for, profile_for
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.plans.services import plan_create
from ketaflow.synth.intake import synthetic_answers

SERIES_OFFSETS = (0, 2, 4, 7, 9, 11)  # six infusions over two weeks
BOOSTER_LOGIN = "patient.booster"


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


def past_series(patient, prescriber, *, first_day: date, offsets=SERIES_OFFSETS,
                protocol: str = "fibromyalgia_induction") -> Plan:  # fmt: skip
    """A signed plan whose infusions were all given on first_day + offsets (synthetic history)."""
    data = defaults_for(profile_for(protocol))
    data.pop("protocol")
    data |= {"n_sessions": len(offsets), "start_date": timezone.localdate()}
    plan = plan_create(actor=prescriber, patient=patient, protocol=protocol, **data)
    shift = timezone.localdate() - first_day
    signed_at = _at(first_day - timedelta(days=3), 16)
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.SIGNED, signed_by=prescriber, signed_at=signed_at, signature_meaning="approved",
        soft_reasons={n: "Demo: reviewed" for n in plan.dose_check["soft_limits"]},
        start_date=plan.start_date - shift, end_date=plan.end_date - shift, review_date=plan.review_date - shift,
    )  # fmt: skip
    plan.refresh_from_db()
    for session, offset in zip(plan.sessions.order_by("index"), offsets, strict=True):
        start = _at(first_day + timedelta(days=offset), 9)
        per_kg = session.planned_mg_per_kg
        InfusionSession.objects.create(
            patient=patient, plan=plan, plan_session=session, status="discharged", scheduled_for=start,
            ordered_rate_mg_per_kg_per_h=session.dose_value, ordered_duration_min=session.duration_min,
            ordered_concentration_mg_per_ml=plan.bag_concentration_mg_per_ml, dosing_weight_kg=plan.dosing_weight_kg,
            started_at=start, stopped_at=start + timedelta(minutes=session.duration_min),
            discharged_at=start + timedelta(minutes=session.duration_min + 70),
            delivered={"dose_mg_per_kg": float(per_kg), "synthetic": True},
        )  # fmt: skip
    return plan


def diary_days(patient, actor, *, first_day: date, values) -> None:
    """One pain_nrs_average_24h entry per day from first_day; None = the patient skipped that day."""
    for i, value in enumerate(values):
        if value is None:
            continue
        day = first_day + timedelta(days=i)
        assessment_record(actor=actor, patient=patient, instrument_id="pain_nrs_average_24h",
                          answers={"pain": str(value)}, stored_context={"diary_day": day.isoformat()},
                          administered_at=_at(day, 20))  # fmt: skip


def intake_scores(patient, actor, *, day: date, seed: int) -> None:
    """Intake FIQR and PHQ-9 (item 9 at 0: the crisis path is demonstrated elsewhere)."""
    rng = random.Random(seed)
    for instrument_id in ("fiqr", "phq9"):
        answers = synthetic_answers(rng, instrument_id, severity=0.7)
        if instrument_id == "phq9":
            answers["phq9_9"] = "not_at_all"
        assessment_record(actor=actor, patient=patient, instrument_id=instrument_id, answers=answers,
                          administered_at=_at(day, 11))  # fmt: skip


def relapse_story(patient, prescriber, actor, *, today: date, confirm_today: bool, intake: bool = True) -> Plan:
    """Baseline 8, six infusions, pain 3 for weeks, then back up. With confirm_today the rolling mean has
    relapsed on 3 consecutive days by yesterday; without it, today's diary entry is the one that confirms it
    (the days before have gaps, so today's window is evaluable only with today's entry)."""
    last = today - timedelta(days=30)
    first = last - timedelta(days=SERIES_OFFSETS[-1])
    plan = past_series(patient, prescriber, first_day=first)
    if not intake:  # the demo's intake forms were filled "today": move them to before this story's series
        start_of_today = _at(today, 0)
        Assessment.objects.filter(patient=patient, administered_at__gte=start_of_today).update(
            administered_at=_at(first - timedelta(days=8), 11))
    else:
        intake_scores(patient, actor, day=first - timedelta(days=8), seed=len(patient.record_number) + first.toordinal())
    diary_days(patient, actor, first_day=first - timedelta(days=7), values=[8] * 7)
    during = [6, 6, 5, 5, 4, 4, 4, 3, 3, 3, 3]
    diary_days(patient, actor, first_day=first, values=during)
    if confirm_today:
        after = [3] * 20 + [7, 8, 8, 8, 9, 8, 8, 8, 9]  # up to yesterday
    else:
        # T-29 … T-9 at 3, then T-8: 6, T-7: 6, gaps, T-3: 7, T-2: 8, T-1: 8 (worked out in the browser test)
        after = [3] * 21 + [6, 6, None, None, None, 7, 8, 8]
    diary_days(patient, actor, first_day=last + timedelta(days=1), values=after)
    return plan


def seed_outcomes(patients, *, prescribers, password_for) -> list:
    """patients[0]: pain returned (booster proposed on first start); patients[1]: the portal patient
    `patient.booster`, whose diary entry today confirms the relapse. Then every signed plan is evaluated.
    Returns the demo login it created."""
    from ketaflow.clinic.outcomes.services import outcomes_evaluate_all
    from ketaflow.synth.demo import DemoLogin
    from ketaflow.synth.schedule import clear_screening

    if not patients:  # a demo smaller than six patients has no one left for this story
        return []
    today = timezone.localdate()
    prescriber, logins = prescribers[0], []
    clear_screening(patients[0], prescribers)
    relapse_story(patients[0], prescriber, prescriber, today=today, confirm_today=True, intake=False)
    if len(patients) > 1:
        patient = patients[1]
        user = User.objects.create_user(
            username=BOOSTER_LOGIN, password=password_for(BOOSTER_LOGIN), role=Role.PATIENT,
            first_name=patient.given_name, last_name=patient.family_name,
        )  # fmt: skip
        Patient.objects.filter(pk=patient.pk).update(user=user)
        clear_screening(patient, prescribers)
        relapse_story(patient, prescriber, user, today=today, confirm_today=False, intake=False)
        logins.append(DemoLogin(BOOSTER_LOGIN, password_for(BOOSTER_LOGIN), Role.PATIENT, patient.full_name))
    outcomes_evaluate_all(trigger="seed")
    return logins
