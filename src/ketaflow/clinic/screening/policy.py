"""The clinic's screening policy: the labelled defaults (domain/screening/model.py), or the medical
director's own policy file (KETAFLOW_SCREENING_POLICY_FILE: JSON with a ``version`` and any of
ScreeningPolicy's fields, e.g. ``{"version": "clinic 2027-01", "min_failed_therapy_classes": 3}``).
Every decision stores the policy version it was made under. A file that cannot be read or does not
validate stops every process at start-up, never a screening run, and is never silently ignored."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ketaflow.domain.screening import DEFAULT_POLICY, ScreeningPolicy, policy_from_dict


@cache
def _load(path: str) -> ScreeningPolicy:
    try:
        return policy_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:  # DomainValidationError is a ValueError
        raise ImproperlyConfigured(f"KETAFLOW_SCREENING_POLICY_FILE {path}: {exc}") from exc


def screening_policy() -> ScreeningPolicy:
    path = settings.KETAFLOW_SCREENING_POLICY_FILE
    return _load(path) if path else DEFAULT_POLICY
