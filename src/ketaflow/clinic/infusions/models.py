"""An infusion session charted live: rate events, vitals, side effects, adjuncts, the controlled-substance record."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ketaflow.clinic.infusions.catalogue import ROUTES, SIDE_EFFECTS
from ketaflow.clinic.patients.models import Patient
from ketaflow.clinic.plans.models import Plan, PlanSession
from ketaflow.domain.charting.adjuncts import ADJUNCTS

USER = settings.AUTH_USER_MODEL
ACTION_LABELS = {"start": "start", "change_rate": "rate change", "pause": "pause", "resume": "resume",
                 "stop": "stop (ordered time complete)", "stop_early": "stopped early"}  # fmt: skip


class InfusionSession(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="infusion_sessions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="infusion_sessions")
    plan_session = models.ForeignKey(PlanSession, on_delete=models.PROTECT, related_name="infusion_sessions")
    status = models.CharField(max_length=20, default="scheduled")
    version = models.PositiveIntegerField(default=1, help_text="bumped by every write: stale forms get a 409")
    scheduled_for = models.DateTimeField(null=True, blank=True)
    # the signed order, copied so the chart never changes under the nurse
    ordered_rate_mg_per_kg_per_h = models.DecimalField(max_digits=6, decimal_places=4)
    ordered_duration_min = models.PositiveSmallIntegerField()
    ordered_concentration_mg_per_ml = models.DecimalField(max_digits=5, decimal_places=2)
    dosing_weight_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True)
    vitals_interval_min = models.PositiveSmallIntegerField(default=15)
    recovery_min_time_min = models.PositiveSmallIntegerField(default=60)
    # check-in
    escort_confirmed = models.BooleanField(default=False)
    escort_name = models.CharField(max_length=120, blank=True)
    fasting_hours_solids = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    pregnancy_test_negative = models.BooleanField(null=True, blank=True)
    pre_pain_nrs = models.PositiveSmallIntegerField(null=True, blank=True)
    bag_lot = models.CharField(max_length=60, blank=True)
    bag_concentration_mg_per_ml = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    bag_volume_ml = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    checkin_result = models.JSONField(default=dict, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # running and after
    started_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    stop_reason = models.CharField(max_length=300, blank=True)
    post_pain_nrs = models.PositiveSmallIntegerField(null=True, blank=True)
    aldrete = models.JSONField(null=True, blank=True, help_text="the modified Aldrete ScoreResult")
    escort_present_at_discharge = models.BooleanField(default=False)
    discharge_result = models.JSONField(default=dict, blank=True)
    discharged_at = models.DateTimeField(null=True, blank=True)
    discharged_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.CharField(max_length=300, blank=True)
    delivered = models.JSONField(null=True, blank=True, help_text="exact delivered dose from the rate segments")
    # controlled-substance record
    wasted_mg = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    wasted_ml = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    waste_recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    waste_witness = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    waste_witnessed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "-created_at"]), models.Index(fields=["status"])]

    @property
    def status_label(self) -> str:
        return self.status.replace("_", " ")

    @property
    def drawn_mg(self):
        """Ketamine drawn into the bag (volume × concentration), for the controlled-substance record."""
        if self.bag_volume_ml is None or self.bag_concentration_mg_per_ml is None:
            return None
        return (self.bag_volume_ml * self.bag_concentration_mg_per_ml).normalize()


class RateEvent(models.Model):
    """A pump event: start, change, pause (rate 0), resume, stop. The segments between them are the dose."""

    session = models.ForeignKey(InfusionSession, on_delete=models.PROTECT, related_name="rate_events")
    at = models.DateTimeField()
    action = models.CharField(max_length=12)
    rate_value = models.DecimalField(max_digits=8, decimal_places=4)
    rate_unit = models.CharField(max_length=12)
    rate_mg_per_kg_per_h = models.DecimalField(max_digits=8, decimal_places=4)
    rate_mg_per_h = models.DecimalField(max_digits=8, decimal_places=3)
    pump_rate_ml_per_h = models.DecimalField(max_digits=8, decimal_places=3)
    limit_check = models.JSONField(default=dict)
    override_reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action.replace("_", " "))


class VitalSign(models.Model):
    session = models.ForeignKey(InfusionSession, on_delete=models.PROTECT, related_name="vitals")
    at = models.DateTimeField()
    phase = models.CharField(max_length=8)  # pre | intra | post
    systolic_mmhg = models.PositiveSmallIntegerField(null=True, blank=True)
    diastolic_mmhg = models.PositiveSmallIntegerField(null=True, blank=True)
    heart_rate_per_min = models.PositiveSmallIntegerField(null=True, blank=True)
    spo2_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    respiratory_rate_per_min = models.PositiveSmallIntegerField(null=True, blank=True)
    rhythm_note = models.CharField(max_length=120, blank=True)
    level = models.CharField(max_length=8, default="normal")
    alerts = models.JSONField(default=list)
    response_taken = models.CharField(max_length=300, blank=True)
    response_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    response_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]


class SideEffect(models.Model):
    session = models.ForeignKey(InfusionSession, on_delete=models.PROTECT, related_name="side_effects")
    at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    grade = models.CharField(max_length=10, blank=True)
    note = models.CharField(max_length=300, blank=True)
    scale_result = models.JSONField(null=True, blank=True, help_text="CADSS-6 / RASS / MOAA/S ScoreResult")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    @property
    def kind_label(self) -> str:
        return dict(SIDE_EFFECTS).get(self.kind, self.kind.replace("_", " "))


class Administration(models.Model):
    """An adjunct drug given during the session (e.g. ondansetron, midazolam, clonidine)."""

    session = models.ForeignKey(InfusionSession, on_delete=models.PROTECT, related_name="administrations")
    at = models.DateTimeField()
    drug = models.CharField(max_length=40)
    dose_mg = models.DecimalField(max_digits=7, decimal_places=3)
    route = models.CharField(max_length=20)
    reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]

    @property
    def drug_label(self) -> str:
        adjunct = ADJUNCTS.get(self.drug)
        return adjunct.display if adjunct else self.drug

    @property
    def route_label(self) -> str:
        return dict(ROUTES).get(self.route, self.route)
