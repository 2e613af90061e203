"""Does a patient's diary need a call from the clinic? Read from the diary status (diary_schedule.py).

Clinic policy, labelled default: a weekly or post-series questionnaire past its grace period, or at least
3 of the last 7 diary days with no daily entry at all. Missed days are never filled in; this only says who to contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.diary_schedule import DiarySchedulePolicy, DiaryStatus
from ketaflow.domain.sources import Source

RULE_VERSION = "diary-attention-2026.11.1"


@dataclass(frozen=True)
class AttentionPolicy:
    missed_daily_limit: int = 3
    lookback_days: int = 7
    version: str = RULE_VERSION
    source: Source = field(
        default_factory=lambda: Source.clinic_policy(
            "diary needs attention: a questionnaire overdue, or >= 3 of the last 7 daily entries missed",
            RULE_VERSION,
        )
    )

    def __post_init__(self) -> None:
        if not 1 <= self.lookback_days <= 28:
            raise DomainValidationError("lookback_days", f"{self.lookback_days} is out of range", "1–28")
        if not 1 <= self.missed_daily_limit <= self.lookback_days:
            raise DomainValidationError(
                "missed_daily_limit", f"{self.missed_daily_limit} is out of range", f"1–{self.lookback_days}"
            )


# How staff name the questionnaires in a reason (the inputs keep the instrument ids).
SHORT_NAMES = {"fiqr": "FIQR", "phq9": "PHQ-9", "gad7": "GAD-7", "pgic": "PGIC", "pain_nrs_current": "pain now",
               "pain_nrs_average_24h": "pain 24-h average", "sleep_quality_nrs": "sleep", "fatigue_nrs": "fatigue"}  # fmt: skip


@dataclass(frozen=True)
class DiaryAttention:
    needed: bool
    overdue: tuple[str, ...]  # "PHQ-9 due 2026-11-20"
    missed_daily_days: int
    reason: str
    inputs: dict[str, Any]
    rule_version: str
    source: Source


def diary_attention(
    status: DiaryStatus, *, schedule: DiarySchedulePolicy | None = None, policy: AttentionPolicy | None = None
) -> DiaryAttention:
    schedule = schedule or DiarySchedulePolicy()
    policy = policy or AttentionPolicy()
    since = status.today - timedelta(days=policy.lookback_days)
    late = [i for i in status.items if i.status == "overdue"]
    overdue = tuple(f"{SHORT_NAMES.get(i.instrument, i.instrument)} due {i.due_day.isoformat()}" for i in late)
    # Several daily items share a day: a day is missed when none of them was filled (a skipped fatigue
    # rating on a day with a pain entry is not a missed diary day).
    daily = [i for i in status.items if schedule.group(i.instrument) == "daily" and since <= i.due_day < status.today]
    filled = {i.due_day for i in daily if i.status == "done"}
    missed_days = {i.due_day for i in daily if i.status == "missed"} - filled
    parts = []
    if overdue:
        parts.append("overdue: " + ", ".join(overdue))
    if len(missed_days) >= policy.missed_daily_limit:
        parts.append(f"{len(missed_days)} of the last {policy.lookback_days} diary days missed")
    inputs = {"today": status.today.isoformat(), "overdue": [f"{i.instrument} due {i.due_day.isoformat()}" for i in late],
              "missed_daily_days": len(missed_days)}  # fmt: skip
    return DiaryAttention(
        bool(parts), overdue, len(missed_days), "; ".join(parts) or "diary up to date", inputs,
        policy.version, policy.source,
    )  # fmt: skip
