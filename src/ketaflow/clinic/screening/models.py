from __future__ import annotations

from django.conf import settings
from django.db import models

from ketaflow.clinic.patients.models import Patient
from ketaflow.domain.screening import OUTCOME_LABELS, SEVERITY_LABELS


class ScreeningRecord(models.Model):
    """One screening decision as the domain made it, with its inputs and rule-set version."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screenings")
    indication = models.CharField(max_length=40)
    outcome = models.CharField(max_length=20)
    reasons = models.JSONField()
    rule_set_version = models.CharField(max_length=200)
    policy_version = models.CharField(max_length=200)
    inputs = models.JSONField()
    screened_on = models.DateField()
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(auto_now_add=True)
    cleared_by_override = models.BooleanField(default=False)

    class Meta:
        ordering = ["-run_at", "-pk"]
        indexes = [models.Index(fields=["patient", "-run_at"])]

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome)

    @property
    def labelled_reasons(self) -> list[dict]:
        """The stored reasons, each with a readable label for its severity."""
        return [{**r, "severity_label": SEVERITY_LABELS.get(r["severity"], r["severity"])} for r in self.reasons]

    @property
    def may_proceed(self) -> bool:
        return self.outcome == "eligible" or self.cleared_by_override


class ScreeningOverride(models.Model):
    """A prescriber's signed reason to proceed despite the decision (co-signatures are further rows)."""

    record = models.ForeignKey(ScreeningRecord, on_delete=models.PROTECT, related_name="overrides")
    prescriber = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["signed_at"]
        constraints = [models.UniqueConstraint(fields=["record", "prescriber"], name="one_override_per_prescriber")]
