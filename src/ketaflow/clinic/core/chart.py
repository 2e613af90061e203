"""What the chart shows beyond intake: assessments, alerts and screening, each in a fixed number of queries."""

from __future__ import annotations

from django.utils import timezone

from ketaflow.clinic.assessments.catalogue import PORTAL_INTAKE, STAFF_INSTRUMENTS
from ketaflow.clinic.assessments.selectors import (
    assessments_for_patient,
    latest_by_instrument,
    tasks_for_patient,
)
from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.patients.selectors import TimelineEvent
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.scheduling.selectors import bookings_for_plans, upcoming_for_patient
from ketaflow.clinic.screening.selectors import latest_screening
from ketaflow.clinic.screening.views import indication_choices
from ketaflow.domain.instruments import INSTRUMENTS
from ketaflow.domain.outcomes.diary_schedule import DAILY_ITEMS

# A kept diary is four ratings a day: one timeline line per day, not four (the Diary page has them all).
DIARY_SHORT = {"pain_nrs_current": "pain now", "pain_nrs_average_24h": "pain 24-h", "sleep_quality_nrs": "sleep",
               "fatigue_nrs": "fatigue"}  # fmt: skip


def _assessment_events(assessments) -> list[TimelineEvent]:
    events, diary_days = [], {}
    for a in assessments:
        a.title = INSTRUMENTS[a.instrument_id].definition.title if a.instrument_id in INSTRUMENTS else a.instrument_id
        if a.instrument_id in DAILY_ITEMS:
            day = (a.context or {}).get("diary_day") or timezone.localdate(a.administered_at).isoformat()
            diary_days.setdefault(day, []).append(a)
        else:
            events.append(TimelineEvent(a.administered_at, "assessment", a.title, f"{a.total_display} {a.band}".strip()))
    for day, rows in diary_days.items():
        rows.sort(key=lambda a: DAILY_ITEMS.index(a.instrument_id))
        detail = " · ".join(f"{DIARY_SHORT[a.instrument_id]} {a.total_display}" for a in rows)
        events.append(TimelineEvent(max(a.administered_at for a in rows), "diary", f"Diary for {day}", f"{detail} (0–10)"))
    return events


STATUS_WORDS = {"running": "running", "paused": "paused", "recovery": "in recovery", "discharged": "discharged",
                "stopped_early": "stopped early"}  # fmt: skip


def _infusion_events(patient) -> tuple[list[TimelineEvent], int]:
    """Each infusion given (started), newest 50, with the delivered dose; and how many were given in all."""
    given = InfusionSession.objects.filter(patient=patient, status__in=tuple(STATUS_WORDS), started_at__isnull=False)
    events = []
    for s in given.select_related("plan_session").order_by("-started_at")[:50]:
        dose = (s.delivered or {}).get("dose_mg")
        detail = f"{float(dose):.1f} mg delivered · {STATUS_WORDS[s.status]}" if dose is not None else STATUS_WORDS[s.status]
        events.append(TimelineEvent(s.started_at, "infusion", f"Infusion {s.plan_session.index} given", detail))
    return events, given.count()


def chart_extras(*, patient, timeline: list) -> dict:
    assessments = assessments_for_patient(patient=patient)
    screening = latest_screening(patient=patient)
    infusions, infusions_given = _infusion_events(patient)
    events = list(timeline) + _assessment_events(assessments) + infusions
    if screening:
        events.append(TimelineEvent(screening.run_at, "screening", f"Screening: {screening.outcome_label}", screening.indication))
    events.sort(key=lambda e: e.at, reverse=True)
    plans = list(Plan.objects.filter(patient=patient).select_related("signed_by")[:20])
    booked = bookings_for_plans(plan_ids=[p.pk for p in plans])  # scheduling: each plan's booked dates
    for p in plans:
        p.booked_sessions = booked.get(p.pk, [])
    for p in plans:
        events.append(TimelineEvent(p.created_at, "plan", f"Plan v{p.version} drafted", p.protocol_name))
        if p.signed_at:
            events.append(TimelineEvent(p.signed_at, "plan", f"Plan v{p.version} signed", p.signed_by.display_name))
    events.sort(key=lambda e: e.at, reverse=True)
    latest = latest_by_instrument(assessments)
    return {
        "assessments": assessments,
        "latest_assessments": [latest[i] for i in INSTRUMENTS if i in latest],
        "tasks": tasks_for_patient(patient=patient),
        "plans": plans,
        "signed_plan": next((p for p in plans if p.status == Plan.Status.SIGNED), None),
        "upcoming_sessions": upcoming_for_patient(patient=patient),
        "screening": screening,
        "indications": indication_choices(),
        "staff_instruments": [(i, INSTRUMENTS[i].definition.title) for i in STAFF_INSTRUMENTS],
        "portal_forms": [
            (i, INSTRUMENTS[i].definition.title, latest.get(i)) for i in PORTAL_INTAKE
        ],
        "timeline": events[:50],
        "infusions_given": infusions_given,
    }
