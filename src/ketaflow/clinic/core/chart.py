"""What the chart shows beyond intake: assessments, alerts and screening, each in a fixed number of queries."""

from __future__ import annotations

from ketaflow.clinic.assessments.catalogue import PORTAL_INTAKE, STAFF_INSTRUMENTS
from ketaflow.clinic.assessments.selectors import (
    assessments_for_patient,
    latest_by_instrument,
    tasks_for_patient,
)
from ketaflow.clinic.patients.selectors import TimelineEvent
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.scheduling.selectors import bookings_for_plans, upcoming_for_patient
from ketaflow.clinic.screening.selectors import latest_screening
from ketaflow.clinic.screening.views import indication_choices
from ketaflow.domain.instruments import INSTRUMENTS


def chart_extras(*, patient, timeline: list) -> dict:
    assessments = assessments_for_patient(patient=patient)
    screening = latest_screening(patient=patient)
    events = list(timeline)
    for a in assessments:
        title = INSTRUMENTS[a.instrument_id].definition.title if a.instrument_id in INSTRUMENTS else a.instrument_id
        events.append(TimelineEvent(a.administered_at, "assessment", title, f"{a.total_display} {a.band}".strip()))
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
    }
