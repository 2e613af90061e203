"""The patient's diary schedule relative to infusion dates, what is due at `now`, and reminder keys.

Defaults are clinic policy (editable per protocol): daily pain/sleep/fatigue from the baseline window on;
FIQR weekly during and after a series; PHQ-9 and GAD-7 on days 1, 3, 7, 14, 28 after each series, then
monthly until the next series; PGIC on days 1 and 28 after each series.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

RULE_VERSION = "diary-schedule-2026.11.1"
# Instrument ids (domain/instruments): each daily answer is stored as its own observation.
DAILY_ITEMS = ("pain_nrs_current", "pain_nrs_average_24h", "sleep_quality_nrs", "fatigue_nrs")


@dataclass(frozen=True)
class DiarySchedulePolicy:
    daily_items: tuple[str, ...] = DAILY_ITEMS
    baseline_days: int = 7  # daily entries start this many days before the first infusion
    weekly_items: tuple[str, ...] = ("fiqr",)
    post_series_items: tuple[str, ...] = ("phq9", "gad7")
    post_series_offsets_days: tuple[int, ...] = (1, 3, 7, 14, 28)
    monthly_every_days: int = 30
    pgic_offsets_days: tuple[int, ...] = (1, 28)
    follow_up_days: int = 365  # how long the schedule runs after the last series
    # Days after the due day it is still "due", and after which it is "missed" (no more reminders).
    # Daily items are about one day's pain, so they cannot be filled in late.
    grace_days: Mapping[str, int] = field(
        default_factory=lambda: {"daily": 0, "fiqr": 2, "phq9": 3, "gad7": 3, "pgic": 3}
    )
    expires_after_days: Mapping[str, int] = field(
        default_factory=lambda: {"daily": 0, "fiqr": 6, "phq9": 7, "gad7": 7, "pgic": 7}
    )
    version: str = RULE_VERSION
    source: Source = field(
        default_factory=lambda: Source.clinic_policy(
            "diary schedule: daily NRS/sleep/fatigue from 7 days before infusion 1; FIQR weekly; PHQ-9 and GAD-7 "
            "on days 1, 3, 7, 14, 28 after each series then every 30 days; PGIC on days 1 and 28",
            RULE_VERSION,
        )
    )

    def group(self, instrument: str) -> str:
        return "daily" if instrument in self.daily_items else instrument

    def __post_init__(self) -> None:
        for name in ("baseline_days", "monthly_every_days", "follow_up_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or not 1 <= value <= 730:
                raise DomainValidationError(name, f"{value!r} is out of range", "whole number 1–730")
        for instrument in self.weekly_items + self.post_series_items + ("pgic", "daily"):
            if instrument not in self.grace_days or instrument not in self.expires_after_days:
                raise DomainValidationError("grace_days", f"no grace/expiry for {instrument!r}")


@dataclass(frozen=True)
class CompletedEntry:
    instrument: str
    day: date  # local day the patient completed it


@dataclass(frozen=True)
class DueItem:
    instrument: str
    due_day: date
    status: str  # "upcoming" | "due" | "overdue" | "missed" | "done"
    completed_on: date | None = None


@dataclass(frozen=True)
class Reminder:
    key: str  # stable: the reminder job stores it and never sends the same key twice
    patient_ref: str
    group: str  # "daily" bundles the daily items into one reminder
    due_day: date
    stage: str  # "due" | "overdue"


@dataclass(frozen=True)
class DiaryStatus:
    today: date
    items: tuple[DueItem, ...]  # everything due on or before today, with its status
    reminders: tuple[Reminder, ...]  # not yet sent
    inputs: dict[str, Any]
    rule_version: str
    source: Source

    def with_status(self, status: str) -> tuple[DueItem, ...]:
        return tuple(i for i in self.items if i.status == status)

    @property
    def open_items(self) -> tuple[DueItem, ...]:
        """What the patient may fill now: due or overdue, oldest first (never upcoming, done or missed)."""
        return tuple(i for i in self.items if i.status in ("due", "overdue"))


def _every(start: date, step_days: int, before: date) -> Iterable[date]:
    day = start
    while day < before:
        yield day
        day += timedelta(days=step_days)


def diary_schedule(
    series: Sequence[Sequence[date]], policy: DiarySchedulePolicy | None = None
) -> list[tuple[str, date]]:
    """All (instrument, due_day) pairs, sorted. `series` = the infusion days of each series, in any order."""
    policy = policy or DiarySchedulePolicy()
    spans = sorted((min(days), max(days)) for days in series if days)
    if not spans:
        return []
    end_of_schedule = spans[-1][1] + timedelta(days=policy.follow_up_days + 1)
    due: set[tuple[str, date]] = set()
    for day in _every(spans[0][0] - timedelta(days=policy.baseline_days), 1, end_of_schedule):
        due.update((item, day) for item in policy.daily_items)
    for i, (first, last) in enumerate(spans):
        boundary = spans[i + 1][0] if i + 1 < len(spans) else end_of_schedule
        for day in _every(first + timedelta(days=7), 7, boundary):
            due.update((item, day) for item in policy.weekly_items)
        offsets = sorted(policy.post_series_offsets_days)
        post_days = [last + timedelta(days=d) for d in offsets]
        if offsets:
            post_days += list(
                _every(
                    last + timedelta(days=offsets[-1] + policy.monthly_every_days),
                    policy.monthly_every_days,
                    boundary,
                )
            )
        for day in post_days:
            if day < boundary:
                due.update((item, day) for item in policy.post_series_items)
        for offset in policy.pgic_offsets_days:
            if last + timedelta(days=offset) < boundary:
                due.add(("pgic", last + timedelta(days=offset)))
    return sorted(due, key=lambda pair: (pair[1], pair[0]))


def diary_status(
    series: Sequence[Sequence[date]],
    completed: Iterable[CompletedEntry],
    *,
    now: datetime,
    zone_name: str,
    patient_ref: str,
    already_sent_keys: Iterable[str] = (),
    policy: DiarySchedulePolicy | None = None,
) -> DiaryStatus:
    policy = policy or DiarySchedulePolicy()
    if now.tzinfo is None or now.utcoffset() is None:
        raise DomainValidationError("now", "naive datetime", "a timezone-aware datetime")
    try:
        today = now.astimezone(ZoneInfo(zone_name)).date()
    except (ZoneInfoNotFoundError, ValueError):
        raise DomainValidationError("zone_name", f"{zone_name!r} is not a known time zone") from None
    completed = list(completed)
    done: dict[str, list[date]] = {}
    for entry in completed:
        done.setdefault(entry.instrument, []).append(entry.day)
    for days in done.values():
        days.sort()
    sent = set(already_sent_keys)
    items: list[DueItem] = []
    reminders: dict[str, Reminder] = {}
    for instrument, due_day in diary_schedule(series, policy):
        if due_day > today:
            break
        group = policy.group(instrument)
        grace, expires = policy.grace_days[group], policy.expires_after_days[group]
        # A completion counts for the first open due item whose window it falls in; used once only.
        match = next(
            (d for d in done.get(instrument, []) if due_day <= d <= due_day + timedelta(days=expires)), None
        )
        if match is not None:
            done[instrument].remove(match)
            items.append(DueItem(instrument, due_day, "done", match))
            continue
        if today <= due_day + timedelta(days=grace):
            stage = "due"
        elif today <= due_day + timedelta(days=expires):
            stage = "overdue"
        else:
            items.append(DueItem(instrument, due_day, "missed"))
            continue
        items.append(DueItem(instrument, due_day, stage))
        key = f"diary:{patient_ref}:{group}:{due_day.isoformat()}:{stage}"
        if key not in sent:
            reminders[key] = Reminder(key, patient_ref, group, due_day, stage)
    inputs = {
        "series": [sorted(d.isoformat() for d in days) for days in series],
        "now": now.isoformat(),
        "zone_name": zone_name,
        "completed": sorted(f"{e.instrument}:{e.day.isoformat()}" for e in completed),
    }
    return DiaryStatus(today, tuple(items), tuple(reminders.values()), inputs, policy.version, policy.source)
