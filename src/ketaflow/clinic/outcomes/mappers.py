"""Rows → domain values for the outcome rules. A fixed number of queries per patient, whatever the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.utils import timezone

from ketaflow.clinic.assessments.models import Assessment
from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.scheduling.models import Booking
from ketaflow.domain.outcomes.course import CourseFacts, booster_protocol_for, daily_pain
from ketaflow.domain.outcomes.diary_schedule import DAILY_ITEMS

# Which stored instrument feeds which outcome input (the diary stores its entries as Assessment rows);
# how they combine into one pain value a day is the domain's rule (course.daily_pain).
DIARY_PAIN = "pain_nrs_average_24h"
DIARY_PAIN_FALLBACK = "pain_nrs_current"
DIARY_PAIN_ITEMS = (DIARY_PAIN, DIARY_PAIN_FALLBACK)  # either gives a day its pain (course rule)
OUTCOME_INSTRUMENTS = (*DAILY_ITEMS, "fiqr", "phq9", "pgic", "gad7")
GIVEN_STATES = ("running", "paused", "recovery", "discharged", "stopped_early")


def local_day(moment) -> date:
    return timezone.localtime(moment).date()


def assessment_day(a: Assessment) -> date:
    """A diary entry may name the day it describes (context "diary_day"); otherwise the day it was saved."""
    named = (a.context or {}).get("diary_day")
    if named:
        try:
            return date.fromisoformat(named)
        except (TypeError, ValueError):
            pass
    return local_day(a.administered_at)


@dataclass(frozen=True)
class PatientRows:
    plans: list[Plan]  # signed, oldest series first
    given_days: dict[int, tuple[date, ...]]  # plan id → days an infusion was given (amended versions included)
    planned_days: dict[int, tuple[date, ...]]  # plan id → booked days (for the diary schedule before infusions)
    assessments: list[Assessment]  # outcome instruments, oldest first


def patient_rows(*, patient) -> PatientRows:
    plans = list(Plan.objects.filter(patient=patient, status=Plan.Status.SIGNED).order_by("start_date", "pk"))
    all_plans = {p.pk: p.amends_id for p in Plan.objects.filter(patient=patient).only("pk", "amends_id")}
    root = {}
    for plan in plans:  # a session charted on an earlier version belongs to the version that replaced it
        chain, current = [plan.pk], all_plans.get(plan.pk)
        while current is not None and len(chain) < 50:
            chain.append(current)
            current = all_plans.get(current)
        root.update({pk: plan.pk for pk in chain})
    given: dict[int, set[date]] = {p.pk: set() for p in plans}
    sessions = InfusionSession.objects.filter(
        patient=patient, status__in=GIVEN_STATES, started_at__isnull=False
    ).values_list("plan_id", "started_at")
    for plan_id, started_at in sessions:
        if plan_id in root:
            given[root[plan_id]].add(local_day(started_at))
    assessments = list(
        Assessment.objects.filter(patient=patient, instrument_id__in=OUTCOME_INSTRUMENTS, invalid=False)
        .order_by("administered_at", "pk")
        .only("instrument_id", "result", "total", "administered_at", "context")
    )
    planned: dict[int, set[date]] = {p.pk: set() for p in plans}
    for plan_id, start in Booking.objects.filter(patient=patient, status=Booking.Status.BOOKED).values_list("plan_id", "start"):
        if plan_id in root:
            planned[root[plan_id]].add(local_day(start))
    return PatientRows(
        plans, {k: tuple(sorted(v)) for k, v in given.items()}, {k: tuple(sorted(v)) for k, v in planned.items()},
        assessments,
    )


def course_facts(rows: PatientRows, plan: Plan) -> CourseFacts:
    given = rows.given_days.get(plan.pk, ())
    later = [p for p in rows.plans if p.start_date > plan.start_date and rows.given_days.get(p.pk)]
    next_first = min((rows.given_days[p.pk][0] for p in later), default=None)
    baseline_day = None
    if plan.kind == "booster":  # judged against the course it boosts (clinic policy, see the domain)
        earlier = [p for p in rows.plans if p.kind != "booster" and p.start_date < plan.start_date and rows.given_days.get(p.pk)]
        if earlier:
            baseline_day = rows.given_days[earlier[-1].pk][0]
    first = baseline_day or (given[0] if given else None)
    last = given[-1] if given else None
    pain, current, phq9_after = [], [], []
    intake_fiqr = intake_phq9 = fiqr_after = pgic_after = None
    for a in rows.assessments:
        day = assessment_day(a)
        if a.instrument_id == DIARY_PAIN and a.total is not None:
            pain.append((day, int(a.total)))
        elif a.instrument_id == DIARY_PAIN_FALLBACK and a.total is not None:
            current.append((day, int(a.total)))
        elif a.instrument_id == "fiqr" and first is not None and day <= first:
            intake_fiqr = Fraction(a.result["total_exact"])
        elif a.instrument_id == "phq9" and first is not None and day <= first:
            intake_phq9 = int(a.total)
        if last is not None and day > last:
            if a.instrument_id == "fiqr":
                fiqr_after = (day, Fraction(a.result["total_exact"]))
            elif a.instrument_id == "phq9":
                phq9_after.append((day, int(a.total)))
            elif a.instrument_id == "pgic" and a.result.get("band_code"):
                pgic_after = (day, a.result["band_code"].replace("_", " "))
    return CourseFacts(
        plan_kind=plan.kind, planned_sessions=plan.n_sessions, series_last_day=plan.end_date, infusion_days=given,
        baseline_first_infusion_day=baseline_day, pain_entries=daily_pain(pain, current),
        intake_fiqr_total=intake_fiqr, intake_phq9_total=intake_phq9, phq9_after=tuple(phq9_after),
        fiqr_after=fiqr_after, pgic_after=pgic_after, next_series_first_day=next_first,
        booster_protocol_code=booster_protocol_for(plan.kind),
    )  # fmt: skip
