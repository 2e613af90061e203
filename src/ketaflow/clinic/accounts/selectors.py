"""Reads on user accounts."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone


def locked_usernames() -> set[str]:
    """Accounts django-axes holds locked now (failures at the limit within the cool-off)."""
    since = timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    return set(
        AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since)
        .values_list("username", flat=True)
    )
