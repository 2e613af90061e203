from __future__ import annotations

from django.conf import settings
from django.db import models

from ketaflow.clinic.patients.models import Patient


class Assessment(models.Model):
    """One administered instrument: the answers as given, the whole domain result, its version and source."""

    class EnteredVia(models.TextChoices):
        STAFF = "staff", "Staff"
        PORTAL = "portal", "Patient portal"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="assessments")
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=200)
    answers = models.JSONField()
    context = models.JSONField(default=dict, blank=True)
    result = models.JSONField(help_text="ScoreResult.as_dict(): total, band, flags, rule version, source, inputs")
    total = models.FloatField(null=True, help_text="for sorting and charts only; the exact total is in result")
    band = models.CharField(max_length=200, blank=True)
    invalid = models.BooleanField(default=False)
    administered_at = models.DateTimeField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_by_role = models.CharField(max_length=20)
    entered_via = models.CharField(max_length=10, choices=EnteredVia.choices)

    class Meta:
        ordering = ["-administered_at", "-pk"]
        indexes = [models.Index(fields=["patient", "instrument_id", "-administered_at"])]

    @property
    def flags(self) -> list[dict]:
        return self.result.get("flags", [])

    @property
    def total_display(self) -> str:
        return self.result.get("total_display", "")


class ClinicalTask(models.Model):
    """Something a clinician must see and acknowledge (e.g. PHQ-9 item 9 above 0)."""

    class Severity(models.TextChoices):
        CRITICAL = "critical", "Urgent"
        WARNING = "warning", "Warning"
        INFO = "info", "Info"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="tasks")
    code = models.CharField(max_length=60)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.CharField(max_length=400)
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    response_note = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["acknowledged_at", "-created_at"]
        indexes = [models.Index(fields=["acknowledged_at", "-created_at"])]
