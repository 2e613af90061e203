from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from ketaflow.domain.codes import code_lookup


def code_display(list_name: str, code: str) -> str:
    found = code_lookup(list_name, code)
    return found.display if found else code



class Patient(models.Model):
    # An opaque id in URLs: it leaks neither the record number nor how many patients the clinic has.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record_number = models.CharField(max_length=20, unique=True)
    given_name = models.CharField(max_length=80)
    family_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, help_text="code from domain/codes/sexes.json")
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=200, blank=True)
    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_phone = models.CharField(max_length=30, blank=True)
    emergency_contact_relation = models.CharField(max_length=40, blank=True)
    escort_name = models.CharField(max_length=120, blank=True)
    escort_phone = models.CharField(max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="patient"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "record_number"]
        indexes = [
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name} ({self.record_number})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def sex_display(self) -> str:
        return code_display("sexes", self.sex)


class MeasurementQuerySet(models.QuerySet):
    def current(self):
        """The measurements not marked entered in error: the only ones the chart's current weight, dosing and
        the infusion check-in read."""
        return self.filter(entered_in_error_at__isnull=True)


class BodyMeasurement(models.Model):
    """A weight (and height) as measured. Never deleted or edited: a mistyped one is marked entered in error
    (who, when, why) and is then read by nothing but the chart's history."""

    REASON_MAX = 500

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="measurements")
    weight_kg = models.DecimalField(max_digits=5, decimal_places=1)
    height_cm = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    measured_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_in_error_reason = models.CharField(max_length=REASON_MAX, blank=True)

    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["-measured_on", "-recorded_at"]
        indexes = [models.Index(fields=["patient", "-measured_on"])]


class Removable(models.Model):
    """An intake entry is never deleted: stopping, resolving or entering it in error keeps the row, who, when
    and why, so what screening read at the time can still be seen."""

    active = models.BooleanField(default=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True


class Allergy(Removable):
    class Severity(models.TextChoices):
        MILD = "mild", "Mild"
        MODERATE = "moderate", "Moderate"
        SEVERE = "severe", "Severe"
        UNKNOWN = "unknown", "Unknown"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="allergies")
    substance = models.CharField(max_length=120)
    reaction = models.CharField(max_length=200, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.UNKNOWN)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class MedicationStatement(Removable):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="medications")
    name = models.CharField(max_length=120)
    drug_class = models.CharField(max_length=30, help_text="code from domain/codes/drug_classes.json")
    dose_text = models.CharField(max_length=120, blank=True, help_text="e.g. 60 mg once daily")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class Condition(Removable):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="conditions")
    code = models.CharField(max_length=40, help_text="code from domain/codes/comorbidities.json")
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class PriorTherapy(Removable):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="prior_therapies")
    therapy = models.CharField(max_length=30, help_text="code from domain/codes/prior_therapies.json")
    outcome = models.CharField(max_length=20, help_text="code from domain/codes/therapy_outcomes.json")
    duration_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)


class Consultation(models.Model):
    """A prescriber's signed consultation note. Signed notes are locked; a change is an amendment."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consultations")
    occurred_on = models.DateField()
    reason_for_referral = models.TextField()
    history = models.TextField()
    findings = models.TextField(blank=True)
    plan_discussed = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    amends = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amended_by"
    )
    amendment_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-signed_at"]

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "amended_by")
