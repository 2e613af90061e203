"""Vital-sign alerts and the monitoring cadence.

Thresholds are configurable clinic policy with labelled defaults taken from the anchors in
reference/clinical.md §2.4 (ED do-not-start values, Rodrigues 2022 treatment-emergent hypertension,
procedural-sedation SpO2); the amber/red actions are the reference's design proposal, also policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

VERSION = "vitals-2026.12.1"
WESTJEM = Source("WestJEM 2020 low-dose ketamine ED protocol table (PMC7081852), via clinical.md §2.4", "2020")
RODRIGUES = Source("Rodrigues NB et al. 2022, treatment-emergent hypertension >= 165/100 mmHg, via clinical.md §2.4",
                   "2022")  # fmt: skip
SEDATION_SPO2 = Source("Procedural sedation guidance: SpO2 > 93 % on room air (secondary), clinical.md §2.4",
                       "unverified")  # fmt: skip
ACTION_POLICY = Source.clinic_policy("amber: reduce rate 50 % and recheck in 5 min; red: pause and call the "
                                     "prescriber (clinical.md §2.4 design proposal)", VERSION)  # fmt: skip

# parameter -> (unit, plausible range for data entry)
PARAMETERS = {
    "systolic_mmhg": ("mmHg", (40, 300)),
    "diastolic_mmhg": ("mmHg", (20, 200)),
    "heart_rate_per_min": ("/min", (20, 250)),
    "spo2_percent": ("%", (50, 100)),
    "respiratory_rate_per_min": ("/min", (2, 60)),
}
LABELS = {
    "systolic_mmhg": "Systolic BP",
    "diastolic_mmhg": "Diastolic BP",
    "heart_rate_per_min": "Heart rate",
    "spo2_percent": "SpO2",
    "respiratory_rate_per_min": "Respiratory rate",
}


@dataclass(frozen=True)
class Threshold:
    parameter: str
    level: str  # "amber" | "red"
    comparator: str  # ">=" | "<=" | ">" | "<"
    value: float
    source: Source


def _policy(what: str) -> Source:
    return Source.clinic_policy(what, VERSION)


DEFAULT_THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("systolic_mmhg", "amber", ">=", 165, RODRIGUES),
    Threshold("systolic_mmhg", "red", ">", 180, WESTJEM),
    Threshold("systolic_mmhg", "red", "<", 90, _policy("SBP < 90 mmHg (ED do-not-start anchor, scirp protocol)")),
    Threshold("diastolic_mmhg", "amber", ">=", 100, RODRIGUES),
    Threshold("diastolic_mmhg", "red", ">", 110, _policy("DBP > 110 mmHg")),
    Threshold("heart_rate_per_min", "amber", ">", 110, _policy("HR > 110/min (psychiatric stop value, unverified)")),
    Threshold("heart_rate_per_min", "red", ">", 150, WESTJEM),
    Threshold("heart_rate_per_min", "red", "<", 50, _policy("HR < 50/min (ED do-not-start anchor, scirp protocol)")),
    Threshold("spo2_percent", "amber", "<=", 93, SEDATION_SPO2),
    Threshold("spo2_percent", "red", "<", 90, _policy("SpO2 < 90 % (Aldrete SpO2 0 band)")),
    Threshold("respiratory_rate_per_min", "red", "<", 10, WESTJEM),
    Threshold("respiratory_rate_per_min", "red", ">", 30, WESTJEM),
)
ACTIONS = {
    "amber": "Reduce the rate by 50 % and recheck in 5 minutes.",
    "red": "Pause the infusion and call the prescriber.",
}
_OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, "<": lambda a, b: a < b}


@dataclass(frozen=True)
class VitalsReading:
    systolic_mmhg: int | None = None
    diastolic_mmhg: int | None = None
    heart_rate_per_min: int | None = None
    spo2_percent: int | None = None
    respiratory_rate_per_min: int | None = None

    def __post_init__(self) -> None:
        values = {name: getattr(self, name) for name in PARAMETERS}
        if all(v is None for v in values.values()):
            raise DomainValidationError("vitals", "enter at least one vital sign", ", ".join(PARAMETERS))
        for name, value in values.items():
            if value is None:
                continue
            unit, (low, high) = PARAMETERS[name]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise DomainValidationError(name, f"{value!r} is not a plausible reading", f"whole number {low}–{high} {unit}")
        if self.systolic_mmhg is not None and self.diastolic_mmhg is not None and self.diastolic_mmhg >= self.systolic_mmhg:
            raise DomainValidationError("diastolic_mmhg", "must be lower than the systolic pressure",
                                        f"< {self.systolic_mmhg} mmHg")  # fmt: skip


@dataclass(frozen=True)
class VitalsAlert:
    parameter: str
    level: str
    value: int
    threshold: float
    comparator: str
    suggested_action: str
    source: Source

    @property
    def message(self) -> str:
        unit = PARAMETERS[self.parameter][0]
        return (f"{LABELS[self.parameter]} {self.value} {unit} ({self.level.upper()}: {self.comparator} "
                f"{self.threshold:g} {unit}). {self.suggested_action}")  # fmt: skip

    def as_dict(self) -> dict:
        return {"parameter": self.parameter, "label": LABELS[self.parameter], "level": self.level, "value": self.value, "threshold": self.threshold,
                "comparator": self.comparator, "suggested_action": self.suggested_action,
                "source": self.source.as_dict(), "message": self.message}  # fmt: skip


@dataclass(frozen=True)
class VitalsAssessment:
    alerts: tuple[VitalsAlert, ...]
    level: str  # "normal" | "amber" | "red"
    rule_version: str = VERSION
    action_source: Source = field(default=ACTION_POLICY)


def assess_vitals(reading: VitalsReading, thresholds: tuple[Threshold, ...] = DEFAULT_THRESHOLDS) -> VitalsAssessment:
    """Every threshold crossed; a parameter that is red is not also reported amber."""
    alerts: list[VitalsAlert] = []
    for parameter in PARAMETERS:
        value = getattr(reading, parameter)
        if value is None:
            continue
        crossed = [t for t in thresholds if t.parameter == parameter and _OPS[t.comparator](value, t.value)]
        reds = [t for t in crossed if t.level == "red"]
        for t in reds or crossed:
            alerts.append(VitalsAlert(parameter, t.level, value, t.value, t.comparator, ACTIONS[t.level], t.source))
    level = "red" if any(a.level == "red" for a in alerts) else "amber" if alerts else "normal"
    return VitalsAssessment(tuple(alerts), level)


RECHECK_MIN = 5  # the amber action's "recheck in 5 minutes" (ACTION_POLICY), also after a red reading


@dataclass(frozen=True)
class Cadence:
    next_due_at: datetime
    overdue: bool
    minutes_overdue: float
    recheck: bool = False  # due sooner because the latest reading alerted


def vitals_cadence(*, started_at: datetime, reading_times: tuple[datetime, ...], interval_min: float,
                   now: datetime, last_level: str = "normal", recheck_min: float = RECHECK_MIN) -> Cadence:  # fmt: skip
    """Next reading is due one interval after the latest reading since the start (or after the start); when that
    reading was amber or red (``last_level``), the recheck the alert's action asks for (5 min, ACTION_POLICY)."""
    if interval_min <= 0:
        raise DomainValidationError("interval_min", "must be positive", "> 0 min")
    last = max((t for t in reading_times if t >= started_at), default=started_at)
    recheck = last_level in ("amber", "red")  # the level of that latest reading (the caller's)
    due = last + timedelta(minutes=min(recheck_min, interval_min) if recheck else interval_min)
    late = (now - due).total_seconds() / 60
    return Cadence(due, late > 0, max(late, 0.0), recheck)


def thresholds_from_policy(rows: list[dict], *, version: str) -> tuple[Threshold, ...]:
    """A clinic's own thresholds (its medical director's policy), replacing the labelled defaults whole.

    Each row: {"parameter", "level" (amber|red), "comparator" (>=, <=, >, <), "value", "note"}; a row that
    names an unknown parameter, level or comparator, or a value outside the parameter's plausible range,
    is an error naming the row — a policy is never half-applied.
    """
    if not isinstance(rows, list) or not rows:
        raise DomainValidationError("thresholds", "must be a non-empty list of threshold rows")
    out = []
    for i, row in enumerate(rows):
        where = f"thresholds[{i}]"
        if not isinstance(row, dict):
            raise DomainValidationError(where, "must be an object")
        parameter, level, comparator, value = (row.get(k) for k in ("parameter", "level", "comparator", "value"))
        if parameter not in PARAMETERS:
            raise DomainValidationError(f"{where}.parameter", f"unknown {parameter!r}", ", ".join(PARAMETERS))
        if level not in ACTIONS:
            raise DomainValidationError(f"{where}.level", f"unknown {level!r}", ", ".join(ACTIONS))
        if comparator not in _OPS:
            raise DomainValidationError(f"{where}.comparator", f"unknown {comparator!r}", ", ".join(_OPS))
        unit, (low, high) = PARAMETERS[parameter]
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise DomainValidationError(f"{where}.value", f"{value!r} is not plausible for {parameter}",
                                        f"{low}–{high} {unit}")  # fmt: skip
        note = str(row.get("note") or f"{parameter} {comparator} {value:g} {unit}")
        out.append(Threshold(parameter, level, comparator, float(value), Source.clinic_policy(note, version)))
    return tuple(out)
