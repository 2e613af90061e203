"""What the outcome rules decided, per signed plan, and the proposals clinicians act on or dismiss.

A decision row is written when its result changes (compared by digest), never on a page view; the row
that held before is kept and marked superseded, so the history of every decision survives.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ketaflow.clinic.patients.models import Patient
from ketaflow.clinic.plans.models import Plan

USER = settings.AUTH_USER_MODEL


class OutcomeDecision(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", "Course summary"
        BASELINE = "baseline", "Baseline"
        RESPONSE = "response", "Response after the series"
        RELAPSE = "relapse", "Relapse watch"
        PROPOSAL = "proposal", "Proposal"
        GOALS = "goals", "Plan goals (as the plan states them)"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="outcome_decisions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="outcome_decisions")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    summary = models.CharField(max_length=300)
    result = models.JSONField(help_text="what was decided (classes, percentages as exact fractions)")
    inputs = models.JSONField(help_text="the values the rule saw")
    rule_version = models.CharField(max_length=60)
    source = models.JSONField(help_text="Source.as_dict(): citation, version, kind (literature / clinic policy)")
    digest = models.CharField(max_length=64, help_text="sha256 of result + rule version: unchanged = not stored")
    decided_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["plan", "kind", "superseded_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind"], condition=models.Q(superseded_at__isnull=True), name="one_current_decision"
            )
        ]


class Proposal(models.Model):
    """Clinical decision support: a proposal for a clinician, never an order."""

    class Kind(models.TextChoices):
        BOOSTER = "booster", "Booster proposed"
        REVIEW = "review", "Clinical review proposed"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PLAN_DRAFTED = "plan_drafted", "Booster plan drafted, awaiting signature"
        ACTED_ON = "acted_on", "Acted on"
        DISMISSED = "dismissed", "Dismissed"
        WITHDRAWN = "withdrawn", "Withdrawn (the rule no longer proposes it)"

    OPEN_STATES = (Status.OPEN, Status.PLAN_DRAFTED)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="outcome_proposals")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="outcome_proposals")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    trigger = models.CharField(max_length=40, help_text="what raised it (the relapse day); one proposal per trigger")
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    reason = models.CharField(max_length=400)
    booster_protocol_code = models.CharField(max_length=60, blank=True)
    relapse_day = models.DateField(null=True, blank=True)
    inputs = models.JSONField()
    rule_version = models.CharField(max_length=60)
    source = models.JSONField()
    decision = models.ForeignKey(OutcomeDecision, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    booster_plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    close_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "trigger"], name="one_proposal_per_trigger"),
        ]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES


class EvaluationState(models.Model):
    """Per patient: the fingerprint of what the last evaluation saw, so unchanged patients are skipped."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="outcome_state")
    fingerprint = models.CharField(max_length=200)
    evaluated_at = models.DateTimeField()
    diary = models.JSONField(default=dict, help_text="diary attention: needed, reason, inputs, rule version, source")
