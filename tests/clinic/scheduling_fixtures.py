"""Signed plans to book, shared by the scheduling tests (app and API)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

PASSWORD = "correct-horse-battery-9"


def screened(staff, patient):
    """Eligible screening (or a prescriber's override) so that a plan can be signed."""
    from ketaflow.clinic.patients import services as ps
    from ketaflow.clinic.screening.services import screening_override, screening_run

    ps.condition_add(actor=staff["nurse"], patient=patient, code="fibromyalgia")
    for therapy in ("snri", "gabapentinoid", "tca"):
        ps.therapy_add(actor=staff["nurse"], patient=patient, therapy=therapy, outcome="failed")
    record = screening_run(actor=staff["nurse"], patient=patient, indication="fibromyalgia", today=timezone.localdate())
    if record.outcome != "eligible":
        screening_override(actor=staff["prescriber"], record=record, reason="Reviewed in clinic; appropriate")
    return patient


def signed_plan(staff, patient, protocol="chronic_pain_escalating", **overrides):
    from ketaflow.clinic.plans.services import plan_create, plan_sign

    data = {
        "chronic_pain_escalating": dict(n_sessions=10, start_dose="0.1", escalation_step="0.05", escalation_cap="0.3",
                                        duration_min=240, series_window_days=14),
        "fibromyalgia_induction": dict(n_sessions=6, start_dose="0.3", duration_min=120, series_window_days=21),
    }[protocol] | overrides  # fmt: skip
    plan = plan_create(actor=staff["prescriber"], patient=patient, protocol=protocol, start_date=timezone.localdate(),
                       bag_concentration_mg_per_ml="1", **data)  # fmt: skip
    reasons = {name: "Reviewed: tolerated before" for name in plan.dose_check["soft_limits"]}
    return plan_sign(actor=staff["prescriber"], plan=plan, password=PASSWORD, meaning="approved", soft_reasons=reasons)


def default_calendar():
    """The chairs and hours the data migration seeds; a transactional test's flush removes them, so tests
    that run after one (transaction=True) put them back the same way."""
    import importlib

    from django.apps import apps

    importlib.import_module("ketaflow.clinic.scheduling.migrations.0002_default_clinic_calendar").forwards(apps, None)


def next_weekday(weekday: int, after: dt.date | None = None) -> dt.date:
    """The first `weekday` (0 = Monday) strictly after `after` (today)."""
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day
