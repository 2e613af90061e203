"""The clinic's vitals alert thresholds: the labelled defaults, or the medical director's own policy file
(KETAFLOW_VITALS_THRESHOLDS_FILE). A file that cannot be read or does not validate stops the server at
start-up (a system check), never a chart mid-session."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core import checks

from ketaflow.domain.charting.vitals import DEFAULT_THRESHOLDS, Threshold, thresholds_from_policy
from ketaflow.domain.errors import DomainValidationError


@cache
def _load(path: str) -> tuple[Threshold, ...]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not str(data.get("version", "")).strip():
        raise DomainValidationError("version", "the policy file must be an object with a version and thresholds")
    return thresholds_from_policy(data.get("thresholds"), version=str(data["version"]))


def vitals_thresholds() -> tuple[Threshold, ...]:
    path = settings.KETAFLOW_VITALS_THRESHOLDS_FILE
    return _load(path) if path else DEFAULT_THRESHOLDS


@checks.register()
def check_vitals_policy(app_configs=None, **kwargs):
    path = settings.KETAFLOW_VITALS_THRESHOLDS_FILE
    if not path:
        return []
    try:
        _load(path)
    except (OSError, ValueError, DomainValidationError) as exc:
        return [checks.Error(f"KETAFLOW_VITALS_THRESHOLDS_FILE {path}: {exc}", id="ketaflow.E101")]
    return []
