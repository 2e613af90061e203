"""Reads: the staff worklist and one patient's outcome summary, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from ketaflow.clinic.assessments.models import ClinicalTask
from ketaflow.clinic.infusions.models import VitalSign
from ketaflow.clinic.outcomes.models import EvaluationState, OutcomeDecision, Proposal

WORKLIST_LIMIT = 200
VITALS_LOOKBACK_DAYS = 7


@dataclass
class WorklistRow:
    patient: object
    items: list[dict] = field(default_factory=list)  # {"kind", "text", "proposal"?, "task"?, "at"}


def worklist(*, limit: int = WORKLIST_LIMIT) -> list[WorklistRow]:
    """Patients with an open proposal, a diary needing attention, an open task or an unanswered vitals alert."""
    rows: dict = {}

    def row(patient) -> WorklistRow:
        return rows.setdefault(patient.pk, WorklistRow(patient))

    for p in Proposal.objects.filter(status__in=Proposal.OPEN_STATES).select_related("patient", "plan", "booster_plan")[:limit]:
        kind = "booster" if p.kind == Proposal.Kind.BOOSTER else "review"
        row(p.patient).items.append({"kind": kind, "text": p.reason, "proposal": p, "at": p.created_at})
    for s in EvaluationState.objects.filter(diary__needed=True).select_related("patient")[:limit]:
        text = s.diary.get("reason", "")
        if s.patient.user_id is None:  # nobody can fill this diary at home: say so, not only that it is overdue
            text += "; no portal login, so no reminders go out (give portal access, or enter the answers at the visit)"
        row(s.patient).items.append({"kind": "diary", "text": text, "at": s.evaluated_at})
    for t in ClinicalTask.objects.filter(acknowledged_at__isnull=True).select_related("patient")[:limit]:
        row(t.patient).items.append({"kind": "alert", "text": t.message, "task": t, "at": t.created_at})
    since = timezone.now() - timedelta(days=VITALS_LOOKBACK_DAYS)
    vitals = (
        VitalSign.objects.filter(at__gte=since, level__in=("amber", "red"), response_taken="")
        .select_related("session__patient").order_by("-at")[:limit]
    )  # fmt: skip
    for v in vitals:
        text = f"{v.level} vitals alert without a recorded response at {timezone.localtime(v.at):%Y-%m-%d %H:%M}"
        row(v.session.patient).items.append({"kind": "vitals", "text": text, "session": v.session, "at": v.at})
    order = {"booster": 0, "alert": 1, "vitals": 1, "review": 2, "diary": 3}
    for r in rows.values():
        r.items.sort(key=lambda i: order[i["kind"]])
    return sorted(rows.values(), key=lambda r: (order[r.items[0]["kind"]], r.patient.family_name))


def current_decisions(*, patient) -> dict[int, dict[str, OutcomeDecision]]:
    """plan id → kind → the current decision."""
    out: dict[int, dict[str, OutcomeDecision]] = {}
    for d in OutcomeDecision.objects.filter(patient=patient, superseded_at__isnull=True).order_by("plan_id"):
        out.setdefault(d.plan_id, {})[d.kind] = d
    return out


def proposals_for_patient(*, patient, limit: int = 50) -> list[Proposal]:
    return list(Proposal.objects.filter(patient=patient).select_related("plan", "booster_plan", "closed_by")[:limit])


def diary_state(*, patient) -> dict:
    state = EvaluationState.objects.filter(patient=patient).first()
    return state.diary if state else {}


def open_alerts(*, patient) -> list[ClinicalTask]:
    """The patient's alerts nobody has acknowledged yet (e.g. PHQ-9 item 9), newest first."""
    return list(ClinicalTask.objects.filter(patient=patient, acknowledged_at__isnull=True).order_by("-created_at")[:20])
