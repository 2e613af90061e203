"""The clinic's intake policy: the domain's labelled defaults, with what the clinic configured."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings

from ketaflow.domain.intake import DEFAULT_POLICY, IntakePolicy


def intake_policy() -> IntakePolicy:
    # Read on every call, not at import, so a changed setting (and a test's override) takes effect.
    return replace(DEFAULT_POLICY, weight_max_age_days_for_dosing=settings.KETAFLOW_WEIGHT_MAX_AGE_DAYS)
