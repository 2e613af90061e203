"""Rows for the outcome tests: a proposal row for the permission matrix; courses come from synth/outcomes."""

from __future__ import annotations

from django.utils import timezone


def proposal_row(plan):
    """An open booster proposal on `plan`, written directly (the matrix needs an id, not a relapse)."""
    from ketaflow.clinic.outcomes.models import OutcomeDecision, Proposal

    now = timezone.now()
    decision = OutcomeDecision.objects.create(
        patient=plan.patient, plan=plan, kind="proposal", summary="booster", result={}, inputs={},
        rule_version="test", source={}, digest="x", decided_at=now,
    )  # fmt: skip
    return Proposal.objects.create(
        patient=plan.patient, plan=plan, kind="booster", trigger="2026-11-01", reason="test", inputs={},
        booster_protocol_code="chronic_pain_booster", rule_version="test", source={}, decision=decision,
        created_at=now,
    )  # fmt: skip
