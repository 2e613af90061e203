"""The clinic's chairs, opening hours and closed days, and the bookings of signed plans' sessions.

Times are stored in UTC; opening hours are local wall-clock times in settings.TIME_ZONE (the domain
converts). A booking holds its chair until `end`, which includes the recovery time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from ketaflow.clinic.patients.models import Patient
from ketaflow.clinic.plans.models import Plan, PlanSession


class Chair(models.Model):
    code = models.CharField(max_length=20, unique=True, help_text="short name shown on the day view, e.g. C1")
    name = models.CharField(max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="order on the day view")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name or self.code


class OpeningHours(models.Model):
    """One row per open weekday; a weekday without a row is closed."""

    weekday = models.PositiveSmallIntegerField(unique=True, help_text="0 = Monday … 6 = Sunday")
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_hours_weekday_0_6"),
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="opening_hours_opens_before_closes"),
        ]


class ClosedDay(models.Model):
    day = models.DateField(unique=True)
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["day"]


class Booking(models.Model):
    """One planned session of a signed plan in a chair. Cancelled rows stay (the record of what happened)."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="bookings")
    plan_session = models.ForeignKey(PlanSession, on_delete=models.PROTECT, related_name="bookings")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="bookings")
    chair = models.ForeignKey(Chair, on_delete=models.PROTECT, related_name="bookings")
    start = models.DateTimeField()
    session_end = models.DateTimeField(help_text="end of the infusion")
    end = models.DateTimeField(help_text="end of recovery: when the chair is free again")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    rule_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["start", "pk"]
        indexes = [
            models.Index(fields=["start", "status"]),
            models.Index(fields=["patient", "status", "start"]),
            models.Index(fields=["plan", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_session"], condition=Q(status="booked"), name="one_live_booking_per_plan_session"
            ),
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="booking_starts_before_it_ends"),
        ]

    def __str__(self) -> str:
        return f"session {self.plan_session.index} of plan {self.plan_id} in {self.chair} at {self.start:%Y-%m-%d %H:%M}"
