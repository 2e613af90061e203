"""Evaluate outcomes (the domain decides), store what changed, keep proposals in step; act on proposals.

`outcomes_evaluate_all(now=...)` is idempotent and cheap when nothing changed (a per-patient fingerprint
of assessments, infusions, signed plans and the day), so `ketaflow tick`, the worklist and the chart may
all call it. One transaction per patient; every stored decision and proposal change is audited.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.assessments.models import Assessment
from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.infusions.models import InfusionSession
from ketaflow.clinic.outcomes import mappers
from ketaflow.clinic.outcomes.models import EvaluationState, OutcomeDecision, Proposal
from ketaflow.clinic.outcomes.serialize import decisions_from, goals_decision
from ketaflow.clinic.plans.catalogue import defaults_for, profile_for
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.plans.services import plan_create
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.adherence import diary_attention
from ketaflow.domain.outcomes.baseline import RULE_VERSION as BASELINE_RULE_VERSION
from ketaflow.domain.outcomes.baseline import baseline_at_risk
from ketaflow.domain.outcomes.course import RULE_VERSION as COURSE_RULE_VERSION
from ketaflow.domain.outcomes.course import course_evaluate
from ketaflow.domain.outcomes.goal_attainment import RULE_VERSION as GOALS_RULE_VERSION
from ketaflow.domain.outcomes.goal_attainment import goal_attainment, goal_facts_from
from ketaflow.domain.outcomes.proposals import BoosterProposal, ClinicalReviewProposal

REVIEW_TRIGGER = "after-series"


def _digest(result: dict, rule_version: str) -> str:
    return hashlib.sha256(json.dumps([result, rule_version], sort_keys=True, default=str).encode()).hexdigest()


def _store_decision(*, patient, plan, kind, summary, result, inputs, rule_version, source, now, trigger) -> OutcomeDecision:
    digest = _digest(result, rule_version)
    current = OutcomeDecision.objects.filter(plan=plan, kind=kind, superseded_at__isnull=True).first()
    if current is not None and current.digest == digest:
        return current
    if current is not None:
        OutcomeDecision.objects.filter(pk=current.pk).update(superseded_at=now)
    decision = OutcomeDecision.objects.create(
        patient=patient, plan=plan, kind=kind, summary=summary[:300], result=result, inputs=inputs,
        rule_version=rule_version, source=source, digest=digest, decided_at=now,
    )  # fmt: skip
    audit_record(
        actor=None, action="outcome.decide", object_type="outcome_decision", object_id=decision.pk,
        patient_id=patient.pk, detail={"plan": plan.pk, "kind": kind, "rule_version": rule_version, "trigger": trigger},
    )  # fmt: skip
    return decision


def _close(proposal: Proposal, status: str, *, now, actor=None, reason: str = "", booster_plan=None) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(
        status=status, closed_at=now, closed_by=actor, close_reason=reason[:300],
        booster_plan=booster_plan or proposal.booster_plan,
    )  # fmt: skip
    audit_record(
        actor=actor, action=f"proposal.{status}", object_type="outcome_proposal", object_id=proposal.pk,
        patient_id=proposal.patient_id, detail={"kind": proposal.kind, "reason": reason[:300]},
    )  # fmt: skip


def _sync_proposal(*, patient, plan, outcome, decision, now) -> None:
    domain = outcome.proposal
    wanted = None
    if isinstance(domain, BoosterProposal):
        wanted = (Proposal.Kind.BOOSTER, domain.relapse_day.isoformat())
    elif isinstance(domain, ClinicalReviewProposal):
        wanted = (Proposal.Kind.REVIEW, REVIEW_TRIGGER)
    for stale in Proposal.objects.filter(plan=plan, status=Proposal.Status.OPEN):
        if wanted != (stale.kind, stale.trigger):
            _close(stale, Proposal.Status.WITHDRAWN, now=now, reason=f"the rule no longer proposes it: {domain.reason}")
    if wanted is None:
        return
    existing = Proposal.objects.filter(plan=plan, kind=wanted[0], trigger=wanted[1]).first()
    if existing is not None:
        if existing.status == Proposal.Status.WITHDRAWN:  # the rule proposes it again (e.g. a corrected diary)
            Proposal.objects.filter(pk=existing.pk).update(status=Proposal.Status.OPEN, closed_at=None, close_reason="")
            audit_record(actor=None, action="proposal.reopen", object_type="outcome_proposal", object_id=existing.pk,
                         patient_id=patient.pk, detail={"kind": existing.kind})  # fmt: skip
        return
    proposal = Proposal.objects.create(
        patient=patient, plan=plan, kind=wanted[0], trigger=wanted[1], reason=domain.reason[:400],
        booster_protocol_code=getattr(domain, "booster_protocol_code", ""),
        relapse_day=getattr(domain, "relapse_day", None), inputs=domain.inputs, rule_version=domain.rule_version,
        source=domain.source.as_dict(), decision=decision, created_at=now,
    )  # fmt: skip
    audit_record(
        actor=None, action="proposal.create", object_type="outcome_proposal", object_id=proposal.pk,
        patient_id=patient.pk, detail={"kind": proposal.kind, "plan": plan.pk, "rule_version": domain.rule_version},
    )  # fmt: skip


def _mark_boosters_signed(*, patient, now) -> None:
    """A booster proposal is acted on once the plan drafted from it (or an amendment of it) is signed, or any
    booster plan for this patient is signed after the proposal was raised."""
    open_boosters = list(Proposal.objects.filter(patient=patient, kind=Proposal.Kind.BOOSTER, status__in=Proposal.OPEN_STATES))
    if not open_boosters:
        return
    signed = list(Plan.objects.filter(patient=patient, signed_at__isnull=False).order_by("signed_at"))
    for proposal in open_boosters:
        drafted = proposal.booster_plan_id
        plan = next((p for p in signed if drafted is not None and drafted in (p.pk, p.amends_id)), None)
        plan = plan or next((p for p in signed if p.kind == "booster" and p.created_at >= proposal.created_at), None)
        if plan is not None:
            _close(proposal, Proposal.Status.ACTED_ON, now=now, actor=plan.signed_by,
                   reason=f"booster plan #{plan.pk} signed", booster_plan=plan)  # fmt: skip


def _diary(rows: mappers.PatientRows, *, patient, now: datetime) -> dict:
    from ketaflow.clinic.diaries.selectors import status_from_rows

    status, policy = status_from_rows(rows, patient=patient, now=now)
    attention = diary_attention(status, schedule=policy)
    out = {"needed": attention.needed, "reason": attention.reason, "inputs": attention.inputs,
           "rule_version": attention.rule_version, "source": attention.source.as_dict()}  # fmt: skip
    today = timezone.localdate(now)
    pain_days = [mappers.assessment_day(a) for a in rows.assessments if a.instrument_id in mappers.DIARY_PAIN_ITEMS]
    for plan in rows.plans:  # a course whose infusion 1 is still ahead
        days = rows.given_days.get(plan.pk) or rows.planned_days.get(plan.pk) or ()
        risk = baseline_at_risk(min(days), today, pain_days) if days and min(days) > today else None
        if risk:
            out["needed"] = True
            out["reason"] = risk if out["reason"] == "diary up to date" else f"{out['reason']}; {risk}"
            out["baseline_risk"] = {"reason": risk, "rule_version": BASELINE_RULE_VERSION}
    return out


def outcomes_evaluate_patient(*, patient, now: datetime | None = None, trigger: str = "chart") -> list[OutcomeDecision]:
    """Evaluate every signed plan of one patient; returns the current decisions (stored only when changed)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    from ketaflow.clinic.patients.models import Patient

    with transaction.atomic():
        # One evaluation per patient at a time (tick, worklist and chart may run together): lock the patient
        # row (PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers), then read.
        Patient.objects.select_for_update().filter(pk=patient.pk).exists()
        rows = mappers.patient_rows(patient=patient)
        current = []
        for plan in rows.plans:
            facts = mappers.course_facts(rows, plan)
            outcome = course_evaluate(facts, today=today)
            # The plan's own goals, judged as the plan states them (the IMMPACT classes stay in "response").
            goals = goals_decision(goal_attainment(plan.goals, goal_facts_from(facts, outcome)),
                                   goal_catalogue=(plan.rule_versions or {}).get("goals"))  # fmt: skip
            by_kind = {}
            for kind, summary, result, inputs, version, source in (*decisions_from(outcome), goals):
                by_kind[kind] = _store_decision(
                    patient=patient, plan=plan, kind=kind, summary=summary, result=result, inputs=inputs,
                    rule_version=version, source=source, now=now, trigger=trigger,
                )  # fmt: skip
            current.extend(by_kind.values())
            _sync_proposal(patient=patient, plan=plan, outcome=outcome, decision=by_kind["proposal"], now=now)
        current_plans = [p.pk for p in rows.plans]
        for orphan in Proposal.objects.filter(patient=patient, status=Proposal.Status.OPEN).exclude(plan_id__in=current_plans):
            _close(orphan, Proposal.Status.WITHDRAWN, now=now, reason="its plan is no longer the signed version")
        _mark_boosters_signed(patient=patient, now=now)
        diary = _diary(rows, patient=patient, now=now) if rows.plans else {"needed": False, "reason": "no signed plan"}
        EvaluationState.objects.update_or_create(
            patient=patient, defaults={"fingerprint": fingerprints([patient.pk], now=now).get(patient.pk, ""),
                                       "evaluated_at": now, "diary": diary},
        )  # fmt: skip
    return current


def fingerprints(patient_ids, *, now: datetime) -> dict:
    """What an evaluation depends on, per patient, in five grouped queries."""
    from ketaflow.clinic.diaries.models import DiaryScheduleEdit

    ids = list(patient_ids)
    day = timezone.localdate(now).isoformat()
    schedules = DiaryScheduleEdit.objects.aggregate(m=Max("pk"))["m"] or 0  # a changed schedule re-evaluates everyone
    goals = "g" + GOALS_RULE_VERSION.removeprefix("goal-attainment-")  # short: the fingerprint column holds 200
    parts: dict = {pk: [day, COURSE_RULE_VERSION, goals, f"d{schedules}"] for pk in ids}
    for row in (Assessment.objects.filter(patient_id__in=ids).values("patient_id")
                .annotate(m=Max("pk"), n=Count("pk"))):  # fmt: skip
        parts[row["patient_id"]].append(f"a{row['m']}:{row['n']}")
    for row in (InfusionSession.objects.filter(patient_id__in=ids).values("patient_id")
                .annotate(v=Sum("version"), n=Count("pk"))):  # fmt: skip
        parts[row["patient_id"]].append(f"i{row['v']}:{row['n']}")
    for row in (Plan.objects.filter(patient_id__in=ids, signed_at__isnull=False).values("patient_id")
                .annotate(m=Max("pk"), s=Max("signed_at"), n=Count("pk"),
                          current=Count("pk", filter=Q(status=Plan.Status.SIGNED)))):  # fmt: skip
        parts[row["patient_id"]].append(f"p{row['m']}:{row['n']}:{row['current']}:{row['s'].isoformat()}")
    from ketaflow.clinic.scheduling.models import Booking

    for row in Booking.objects.filter(patient_id__in=ids).values("patient_id").annotate(m=Max("updated_at"), n=Count("pk")):
        parts[row["patient_id"]].append(f"b{row['m'].isoformat()}:{row['n']}")
    return {pk: "|".join(p) for pk, p in parts.items()}


def outcomes_evaluate_if_stale(*, patient, now: datetime | None = None, trigger: str = "chart") -> bool:
    """Evaluate one patient only when what the last evaluation saw has changed (a page view writes nothing
    otherwise). Returns whether it evaluated."""
    now = now or timezone.now()
    wanted = fingerprints([patient.pk], now=now)[patient.pk]
    seen = EvaluationState.objects.filter(patient=patient).values_list("fingerprint", flat=True).first()
    if seen == wanted:
        return False
    outcomes_evaluate_patient(patient=patient, now=now, trigger=trigger)
    return True


def outcomes_evaluate_all(now: datetime | None = None, *, trigger: str = "tick") -> dict:
    """Every patient with a signed plan; patients whose fingerprint is unchanged are skipped."""
    from ketaflow.clinic.patients.models import Patient

    now = now or timezone.now()
    ids = list(Plan.objects.filter(signed_at__isnull=False).values_list("patient_id", flat=True).distinct())
    wanted = fingerprints(ids, now=now)
    seen = dict(EvaluationState.objects.filter(patient_id__in=ids).values_list("patient_id", "fingerprint"))
    stale = [pk for pk in ids if seen.get(pk) != wanted[pk]]
    for patient in Patient.objects.filter(pk__in=stale):
        outcomes_evaluate_patient(patient=patient, now=now, trigger=trigger)
    return {"patients": len(ids), "evaluated": len(stale), "skipped": len(ids) - len(stale)}


def proposal_close(*, actor, request=None, proposal: Proposal, outcome: str, reason: str) -> Proposal:
    """A prescriber dismisses a proposal, or records that a proposed review took place; a reason is required."""
    if actor.role != Role.PRESCRIBER:
        raise DomainValidationError("actor", "only a prescriber may close a proposal")
    if outcome not in (Proposal.Status.DISMISSED, Proposal.Status.ACTED_ON):
        raise DomainValidationError("outcome", f"{outcome!r} is not allowed", "dismissed, acted_on")
    if outcome == Proposal.Status.ACTED_ON and proposal.kind == Proposal.Kind.BOOSTER:
        raise DomainValidationError("outcome", "a booster is acted on by signing its plan", "dismissed")
    reason = (reason or "").strip()
    if not reason:
        raise DomainValidationError("reason", "is required: say why (1–300 characters)", "1–300 characters")
    if len(reason) > 300:
        raise DomainValidationError("reason", f"is {len(reason)} characters long", "1–300 characters")
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if not locked.is_open:
            raise DomainValidationError("proposal", f"is already {locked.get_status_display().lower()}")
        _close(locked, outcome, now=timezone.now(), actor=actor, reason=reason)
    proposal.refresh_from_db()
    return proposal


def booster_initial(proposal: Proposal) -> dict:
    """Form defaults for the booster plan: the protocol's defaults, with the dose last given (its advisory)."""
    profile = profile_for(proposal.booster_protocol_code)
    initial = defaults_for(profile) | {"start_date": timezone.localdate()}
    last = proposal.plan.sessions.order_by("-index").first()
    if last is not None and (profile.dosing_unit == "mg/kg/h") == (last.dose_unit == "rate_mg_per_kg_per_h"):
        initial["start_dose"] = last.dose_value
    return initial


def booster_draft(*, actor, request=None, proposal: Proposal, **plan_fields) -> Plan:
    """Draft the booster plan from a proposal (the prescriber then signs it on the plan page)."""
    if proposal.kind != Proposal.Kind.BOOSTER or proposal.status != Proposal.Status.OPEN:
        raise DomainValidationError("proposal", "is not an open booster proposal")
    plan_fields["protocol"] = proposal.booster_protocol_code
    with transaction.atomic():
        plan = plan_create(actor=actor, request=request, patient=proposal.patient, **plan_fields)
        updated = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.OPEN).update(
            status=Proposal.Status.PLAN_DRAFTED, booster_plan=plan
        )
        if not updated:
            raise DomainValidationError("proposal", "was changed by someone else; reload the worklist")
        audit_record(
            actor=actor, action="proposal.plan_drafted", request=request, object_type="outcome_proposal",
            object_id=proposal.pk, patient_id=proposal.patient_id, detail={"plan": plan.pk},
        )  # fmt: skip
    return plan
