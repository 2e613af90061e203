"""Outcomes: response summaries per plan, the staff worklist, booster / review proposals, the timeline data.

Decision support: every result carries its rule version and source (IMMPACT or labelled clinic policy);
proposals are never orders, and a booster is acted on only by a prescriber signing its plan.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Schema
from pydantic import Field

from ketaflow.api.base import SafeStr, errors, operation
from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.outcomes import selectors, services
from ketaflow.clinic.outcomes.models import Proposal
from ketaflow.clinic.outcomes.timeline import timeline_data, timeline_input
from ketaflow.clinic.patients.selectors import patient_get

TAGS = ["outcomes"]


class OutcomeDecisionOut(Schema):
    id: int
    kind: str
    summary: str
    result: dict
    inputs: dict
    rule_version: str
    source: dict
    decided_at: dt.datetime


class GoalResultOut(Schema):
    metric: str
    label: str
    comparator: str
    threshold: str | list[str] = Field(description="a number as exact text, or the PGIC answers of the band")
    threshold_text: str
    description: str
    status: Literal["met", "not met", "not evaluable"]
    met: bool | None = Field(description="null when not evaluable: missing data never reads as not met")
    reason: str
    baseline: str | None = Field(description="the value a reduction is measured from (exact text, e.g. '43/7')")
    latest: str | None = Field(description="the latest value (exact text; a PGIC answer for the PGIC goal)")
    compared: str | None = Field(description="what was compared with the threshold: percent below baseline, "
                                             "PHQ-9 total or PGIC answer")  # fmt: skip
    source: dict | None = Field(description="the goal's own source (IMMPACT, Keith, or the prescriber's choice)")


class GoalAttainmentOut(Schema):
    decision_id: int
    summary: str
    describes: str = Field(description="what this is: a description of this patient's course, not a claim of efficacy")
    not_judged: str | None = Field(description="why no goal is judged yet (e.g. the series is not over)")
    goal_catalogue: str | None
    goals: list[GoalResultOut]
    inputs: dict
    rule_version: str
    source: dict
    decided_at: dt.datetime


class OutcomeCourseOut(Schema):
    plan_id: int
    decisions: dict[str, OutcomeDecisionOut]
    goal_attainment: GoalAttainmentOut | None = Field(
        description="the plan's own goals, met / not met / not evaluable at the prescriber's thresholds "
        "(the IMMPACT response classes are in decisions.response)"
    )


class OutcomeProposalOut(Schema):
    id: int
    patient_id: uuid.UUID
    plan_id: int
    kind: str
    status: str
    reason: str
    booster_protocol_code: str
    relapse_day: dt.date | None
    rule_version: str
    source: dict
    inputs: dict
    created_at: dt.datetime
    booster_plan_id: int | None
    closed_at: dt.datetime | None
    close_reason: str
    decision_support: str = "a proposal for a clinician to review; not an order and no claim of efficacy"


class OutcomeSummaryOut(Schema):
    patient_id: uuid.UUID
    courses: list[OutcomeCourseOut]
    proposals: list[OutcomeProposalOut]
    diary: dict


class WorklistItemOut(Schema):
    kind: str = Field(description="booster | review | diary | alert | vitals")
    text: str
    at: dt.datetime
    proposal_id: int | None = None
    task_id: int | None = None
    session_id: int | None = None


class WorklistRowOut(Schema):
    patient_id: uuid.UUID
    family_name: str
    given_name: str
    record_number: str
    items: list[WorklistItemOut]


class ProposalDismissIn(Schema):
    reason: SafeStr = Field(min_length=1, max_length=300, description="why the proposal is dismissed")


def _goal_attainment(decision) -> dict | None:
    if decision is None:
        return None
    r = decision.result
    return {"decision_id": decision.pk, "summary": r.get("summary", decision.summary), "describes": r.get("describes", ""),
            "not_judged": r.get("not_judged"), "goal_catalogue": r.get("goal_catalogue"), "goals": r.get("goals", []),
            "inputs": decision.inputs, "rule_version": decision.rule_version, "source": decision.source,
            "decided_at": decision.decided_at}  # fmt: skip


def _summary(patient) -> dict:
    decisions = selectors.current_decisions(patient=patient)
    return {
        "patient_id": patient.pk,
        "courses": [{"plan_id": pid, "decisions": kinds, "goal_attainment": _goal_attainment(kinds.get("goals"))}
                    for pid, kinds in decisions.items()],  # fmt: skip
        "proposals": selectors.proposals_for_patient(patient=patient),
        "diary": selectors.diary_state(patient=patient),
    }


@operation("get", "/patients/{patient_id}/outcomes", "outcome_summary", response={200: OutcomeSummaryOut, **errors(404)}, tags=TAGS)
def outcome_summary(request, patient_id: uuid.UUID):
    """The stored response summary of each signed plan (baseline, IMMPACT classes, PGIC, FIQR, PHQ-9, relapse,
    proposal), each decision with its inputs, rule version and source, and whether the plan's own goals are
    met (goal_attainment: a description of this course at the prescriber's thresholds, no claim of efficacy).
    Evaluates first; stores only changes."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="outcomes.view")
    services.outcomes_evaluate_if_stale(patient=patient, trigger="api")
    return _summary(patient)


@operation("post", "/patients/{patient_id}/outcomes/evaluate", "outcome_evaluate", response={200: OutcomeSummaryOut, **errors(404)},
           tags=TAGS)  # fmt: skip
def outcome_evaluate(request, patient_id: uuid.UUID):
    """Evaluate now (e.g. after new assessments arrived); idempotent."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="outcomes.evaluate")
    services.outcomes_evaluate_patient(patient=patient, trigger="api")
    return _summary(patient)


@operation("get", "/patients/{patient_id}/outcomes/timeline", "outcome_timeline", response={200: dict, **errors(404)},
           tags=TAGS)  # fmt: skip
def outcome_timeline(request, patient_id: uuid.UUID):
    """The data behind the chart's timeline: infusions with dose, side effects, scores, goal lines, markers."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="outcomes.timeline")
    return timeline_data(timeline_input(patient=patient))


@operation("get", "/worklist", "worklist", response={200: list[WorklistRowOut], **errors()}, tags=TAGS)
def worklist(request):
    """Patients with a booster or review proposed, a diary overdue, an open alert or an unanswered vitals alert."""
    services.outcomes_evaluate_all(trigger="worklist")
    rows = selectors.worklist()
    audit_record(actor=request.user, action="worklist.view", request=request, object_type="worklist",
                 detail={"patients": len(rows), "via": "api"})  # fmt: skip
    out = []
    for r in rows:
        items = [{"kind": i["kind"], "text": i["text"], "at": i["at"],
                  "proposal_id": i["proposal"].pk if "proposal" in i else None,
                  "task_id": i["task"].pk if "task" in i else None,
                  "session_id": i["session"].pk if "session" in i else None} for i in r.items]  # fmt: skip
        p = r.patient
        out.append({"patient_id": p.pk, "family_name": p.family_name, "given_name": p.given_name,
                    "record_number": p.record_number, "items": items})  # fmt: skip
    return out


@operation("get", "/patients/{patient_id}/proposals", "proposal_list", response={200: list[OutcomeProposalOut], **errors(404)},
           tags=TAGS)  # fmt: skip
def proposal_list(request, patient_id: uuid.UUID):
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="proposal.list")
    return selectors.proposals_for_patient(patient=patient)


@operation("post", "/proposals/{proposal_id}/dismiss", "proposal_dismiss", response={200: OutcomeProposalOut, **errors(404)},
           tags=TAGS)  # fmt: skip
def proposal_dismiss(request, proposal_id: int, body: ProposalDismissIn):
    """A prescriber dismisses a proposal with a reason (422 when it is already closed)."""
    proposal = get_object_or_404(Proposal, pk=proposal_id)
    patient_get(user=request.user, patient_id=proposal.patient_id, request=request, audit_action="")
    return services.proposal_close(actor=request.user, request=request, proposal=proposal,
                                   outcome=Proposal.Status.DISMISSED, reason=body.reason)  # fmt: skip
