from __future__ import annotations

from django.conf import settings
from django.db import models

from ketaflow.clinic.patients.models import Patient


class Plan(models.Model):
    """A treatment plan. Signed plans are locked; an amendment is a new version pointing to the old."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"
        SUPERSEDED = "superseded", "Superseded by an amendment"
        CANCELLED = "cancelled", "Cancelled"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveIntegerField(default=1)
    amends = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by")
    amendment_reason = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    protocol_code = models.CharField(max_length=60)
    protocol_version = models.CharField(max_length=20)
    protocol_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    dose_unit = models.CharField(max_length=30)
    start_dose = models.DecimalField(max_digits=6, decimal_places=3)
    dose_over_min = models.PositiveIntegerField(null=True, blank=True)
    escalation_step = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    escalation_cap = models.DecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    n_sessions = models.PositiveSmallIntegerField()
    duration_min = models.PositiveSmallIntegerField()
    series_window_days = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField()
    review_date = models.DateField()
    bag_concentration_mg_per_ml = models.DecimalField(max_digits=5, decimal_places=2)
    dosing_weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    goals = models.JSONField()
    notes = models.JSONField(default=list)
    dose_check = models.JSONField(help_text="per-session dose-limit results as the domain returned them")
    soft_reasons = models.JSONField(default=dict, help_text="limit name → the prescriber's reason")
    rule_versions = models.JSONField(default=dict)
    screening = models.ForeignKey(
        "screening.ScreeningRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signature_meaning = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return f"{self.protocol_name} v{self.version} ({self.status})"

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT


class PlanSession(models.Model):
    """One planned infusion of a plan version (dose and duration as generated and checked)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="sessions")
    index = models.PositiveSmallIntegerField()
    dose_value = models.DecimalField(max_digits=6, decimal_places=3)
    dose_unit = models.CharField(max_length=30)
    duration_min = models.PositiveSmallIntegerField()
    planned_mg_per_kg = models.DecimalField(max_digits=7, decimal_places=4)
    planned_mg = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    pump_rate_ml_per_h = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    held_at_cap = models.BooleanField(default=False)

    class Meta:
        ordering = ["plan", "index"]
        constraints = [models.UniqueConstraint(fields=["plan", "index"], name="one_session_per_index")]

    @property
    def dose_label(self) -> str:
        value = f"{self.dose_value.normalize():f}"
        if self.dose_unit == "rate_mg_per_kg_per_h":
            return f"{value} mg/kg/h for {self.duration_min} min"
        return f"{value} mg/kg over {self.duration_min} min"
