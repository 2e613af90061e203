"""The diary's own rows. The answers themselves are Assessment rows (clinic/assessments), so every feature
reads one table; these rows only add what the diary needs around them:

* DiaryDay — one entry per instrument per local day (UNIQUE), so a double submit cannot give the outcome
  rules two pain values for one day (domain/outcomes/diary_window refuses that as a data error);
* DiaryLink — a one-time link sent by email: only the SHA-256 of its token is stored;
* ReminderSent — the reminder job's dedupe table: UNIQUE(key) means a reminder is sent at most once,
  however often and however concurrently `ketaflow tick` runs.
"""

from __future__ import annotations

import hashlib

from django.conf import settings as django_settings
from django.db import models

from ketaflow.clinic.assessments.models import Assessment
from ketaflow.clinic.patients.models import Patient


class DiaryDay(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="diary_days")
    instrument_id = models.CharField(max_length=40)
    day = models.DateField(help_text="the clinic-local day the entry is about")
    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="diary_day")
    due_day = models.DateField(null=True, blank=True, help_text="the scheduled day this entry answered")
    via_link = models.ForeignKey("DiaryLink", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-day", "instrument_id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "instrument_id", "day"], name="one_diary_entry_per_day")
        ]
        indexes = [models.Index(fields=["patient", "-day"])]


class DiaryLink(models.Model):
    """A signed, single-use, expiring link to one diary form. The raw token is only ever in the email."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="diary_links")
    token_sha256 = models.CharField(max_length=64, unique=True)
    group = models.CharField(max_length=40, help_text='"daily" or one instrument id')
    instruments = models.JSONField(help_text="the instrument ids this link may fill")
    due_day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @staticmethod
    def digest_of(raw_token: str) -> str:
        return hashlib.sha256(raw_token.encode()).hexdigest()


class ReminderSent(models.Model):
    key = models.CharField(max_length=200, unique=True, help_text="domain Reminder.key: diary:<patient>:<group>:<day>:<stage>")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=40)
    due_day = models.DateField()
    stage = models.CharField(max_length=10)
    sent_at = models.DateTimeField(auto_now_add=True)
    link = models.ForeignKey(DiaryLink, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rule_version = models.CharField(max_length=200)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["patient", "-due_day"])]


class DiaryScheduleEdit(models.Model):
    """A clinic's change to one protocol's diary schedule (clinic policy). Rows are never updated: the highest
    number is in force, and its number goes into the policy's version, so every decision names the schedule
    it was made under."""

    protocol_code = models.CharField(max_length=40)
    number = models.PositiveIntegerField()
    settings = models.JSONField(help_text="the editable DiarySchedulePolicy fields, in full")
    why = models.TextField()
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["protocol_code", "-number"]
        constraints = [models.UniqueConstraint(fields=["protocol_code", "number"], name="one_diary_schedule_edit_number")]
