"""The diary schedule per protocol: a clinic-policy table (diary_policies.json) over the labelled default.

`diary_policy_for("chronic_pain_booster")` returns the DiarySchedulePolicy that protocol uses; an unknown
or missing protocol gets the default, never an error, because the schedule must still run for a patient
whose plan predates the table. The returned policy's version names both the schedule rule and the table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields, replace
from importlib import resources
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.diary_schedule import RULE_VERSION, DiarySchedulePolicy
from ketaflow.domain.sources import Source

TABLE: dict[str, Any] = json.loads(
    resources.files(__package__).joinpath("diary_policies.json").read_text(encoding="utf-8")
)
_TUPLE_FIELDS = {"daily_items", "weekly_items", "post_series_items", "post_series_offsets_days", "pgic_offsets_days"}
_EDITABLE = _TUPLE_FIELDS | {"baseline_days", "monthly_every_days", "follow_up_days"}


def policy_from_overrides(overrides: Mapping[str, Any], *, label: str, table_version: str) -> DiarySchedulePolicy:
    """Apply a protocol's overrides to the default; unknown keys are refused, naming the field."""
    known = {f.name for f in fields(DiarySchedulePolicy)}
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key == "why":
            continue
        if key not in _EDITABLE or key not in known:
            raise DomainValidationError(key, "is not an editable diary setting", ", ".join(sorted(_EDITABLE)))
        if key in _TUPLE_FIELDS:
            value = tuple(value)
            if key.endswith("_days") and any(not isinstance(d, int) or not 0 <= d <= 730 for d in value):
                raise DomainValidationError(key, f"{list(value)} has a day out of range", "whole numbers 0–730")
        changes[key] = value
    version = f"{RULE_VERSION}+{table_version}:{label}"
    default = DiarySchedulePolicy()
    what = default.source.citation.removeprefix("Clinic policy: ")
    if changes:
        what = f"{what}; for {label}: " + ", ".join(f"{k}={list(v) if isinstance(v, tuple) else v}"
                                                     for k, v in sorted(changes.items()))  # fmt: skip
    return replace(default, **changes, version=version, source=Source.clinic_policy(what, version))


def diary_policy_for(protocol_code: str | None, table: Mapping[str, Any] | None = None) -> DiarySchedulePolicy:
    table = TABLE if table is None else table
    overrides = table["protocols"].get(protocol_code or "")
    if overrides is None:
        return policy_from_overrides({}, label="default", table_version=table["version"])
    return policy_from_overrides(overrides, label=protocol_code or "default", table_version=table["version"])
