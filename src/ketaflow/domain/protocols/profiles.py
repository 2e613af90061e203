"""Protocol profiles: the clinic's "drug library" for ketamine, kept as versioned JSON data.

A profile plays the role of a smart-pump drug-library entry (software-anchors.md §3.1): a dosing
unit, standard bag concentrations, soft limits (override with a prescriber's reason) and hard
limits (cannot proceed), cumulative limits per session and per course, the minimum interval between
sessions, the course shape, vitals cadence, recovery time and advisory text. Every bound names its
Source; a figure clinical.md marks unverified is ``Source.clinic_policy(...)``.

The JSON lives in ``profiles/<code>.json``; citations are shared through ``profiles/sources.json``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ketaflow.domain import units
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

# Dosing units a profile may use. "mg/kg" means "mg/kg over standard_duration_min".
DOSING_UNITS = (units.MG_PER_KG_PER_H, units.MG_PER_H, units.MG_PER_KG)

# Names of the limits a profile carries, each with the unit in its name.
LIMIT_NAMES = (
    "rate_mg_per_kg_per_h",
    "rate_mg_per_h",
    "session_dose_mg_per_kg",
    "session_dose_mg",
    "session_duration_min",
    "course_dose_mg_per_kg",
    "course_dose_mg",
    "interval_between_sessions_h",
    "bag_concentration_mg_per_ml",
)
LIMIT_UNITS = {
    "rate_mg_per_kg_per_h": "mg/kg/h",
    "rate_mg_per_h": "mg/h",
    "session_dose_mg_per_kg": "mg/kg",
    "session_dose_mg": "mg",
    "session_duration_min": "min",
    "course_dose_mg_per_kg": "mg/kg",
    "course_dose_mg": "mg",
    "interval_between_sessions_h": "h",
    "bag_concentration_mg_per_ml": "mg/mL",
}


@dataclass(frozen=True)
class Limit:
    """Soft and hard bounds for one quantity. ``None`` means "no bound on that side".

    ``source`` backs the soft bounds, ``hard_source`` the hard ones (they often differ: a trial's
    maximum is a soft ceiling, the clinic's absolute ceiling is policy).
    """

    name: str
    unit: str
    soft_min: float | None
    soft_max: float | None
    hard_min: float | None
    hard_max: float | None
    source: Source
    hard_source: Source


@dataclass(frozen=True)
class CourseShape:
    sessions_min: int
    sessions_max: int
    series_window_days: float
    source: Source


@dataclass(frozen=True)
class Escalation:
    """Dose raised by ``step`` each session from ``start`` up to ``cap`` (all in ``unit``)."""

    start: float
    step: float
    cap: float
    unit: str
    source: Source
    cap_source: Source

    def rate_for_session(self, session_index: int) -> float:
        """Rate for the 0-based session index; stays at the cap once reached."""
        if session_index < 0:
            raise DomainValidationError("session_index", f"must be >= 0, got {session_index}", ">= 0")
        return min(self.cap, self.start + self.step * session_index)


@dataclass(frozen=True)
class SourcedValue:
    value: float
    source: Source


@dataclass(frozen=True)
class ProtocolProfile:
    code: str
    version: str
    name: str
    indication: str
    dosing_unit: str
    standard_duration_min: float | None
    bag_concentrations_mg_per_ml: tuple[float, ...]
    limits: tuple[Limit, ...]
    course: CourseShape
    escalation: Escalation | None
    vitals_interval_min: SourcedValue
    recovery_min_time_min: SourcedValue
    advisory: str

    def limit(self, name: str) -> Limit | None:
        return next((lim for lim in self.limits if lim.name == name), None)

    @property
    def is_weight_based(self) -> bool:
        return self.dosing_unit in (units.MG_PER_KG_PER_H, units.MG_PER_KG)


def _data(name: str) -> dict:
    return json.loads(resources.files(__package__).joinpath("profiles", name).read_text())


@cache
def _sources() -> dict[str, Source]:
    raw = _data("sources.json")
    out = {}
    for key, entry in raw.items():
        if key.startswith("_"):
            continue
        if "clinic_policy" in entry:
            out[key] = Source.clinic_policy(entry["clinic_policy"], version=entry.get("version", "1"))
        else:
            out[key] = Source(**entry)
    return out


def _source(key: str, where: str) -> Source:
    try:
        return _sources()[key]
    except KeyError:
        raise DomainValidationError(where, f"unknown source key {key!r}", ", ".join(sorted(_sources()))) from None


def _bound(raw: dict, key: str, where: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise DomainValidationError(f"{where}.{key}", f"must be a finite number, got {value!r}")
    return float(value)


def _limit(name: str, raw: dict, where: str) -> Limit:
    lim = Limit(
        name=name,
        unit=LIMIT_UNITS[name],
        soft_min=_bound(raw, "soft_min", where),
        soft_max=_bound(raw, "soft_max", where),
        hard_min=_bound(raw, "hard_min", where),
        hard_max=_bound(raw, "hard_max", where),
        source=_source(raw["source"], f"{where}.source"),
        hard_source=_source(raw.get("hard_source", raw["source"]), f"{where}.hard_source"),
    )
    # A soft bound outside its hard bound could never fire; refuse the data rather than guess.
    lows = [b for b in (lim.hard_min, lim.soft_min, lim.soft_max, lim.hard_max) if b is not None]
    if lows != sorted(lows):
        raise DomainValidationError(where, "bounds must satisfy hard_min <= soft_min <= soft_max <= hard_max")
    return lim


def _profile(raw: dict) -> ProtocolProfile:
    code = raw["code"]
    where = f"protocol {code}"
    if raw["dosing_unit"] not in DOSING_UNITS:
        raise DomainValidationError(f"{where}.dosing_unit", f"unknown {raw['dosing_unit']!r}", ", ".join(DOSING_UNITS))
    if raw["dosing_unit"] == units.MG_PER_KG and not raw.get("standard_duration_min"):
        raise DomainValidationError(f"{where}.standard_duration_min", "a mg/kg-over-N-min profile needs N")
    unknown = set(raw["limits"]) - set(LIMIT_NAMES)
    if unknown:
        raise DomainValidationError(f"{where}.limits", f"unknown limits {sorted(unknown)}", ", ".join(LIMIT_NAMES))
    course = raw["course"]
    esc = raw.get("escalation")
    return ProtocolProfile(
        code=code,
        version=str(raw["version"]),
        name=raw["name"],
        indication=raw["indication"],
        dosing_unit=raw["dosing_unit"],
        standard_duration_min=raw.get("standard_duration_min"),
        bag_concentrations_mg_per_ml=tuple(float(c) for c in raw["bag_concentrations_mg_per_ml"]),
        limits=tuple(
            _limit(name, raw["limits"][name], f"{where}.limits.{name}") for name in LIMIT_NAMES if name in raw["limits"]
        ),
        course=CourseShape(
            sessions_min=int(course["sessions_min"]),
            sessions_max=int(course["sessions_max"]),
            series_window_days=float(course["series_window_days"]),
            source=_source(course["source"], f"{where}.course.source"),
        ),
        escalation=None
        if esc is None
        else Escalation(
            start=float(esc["start"]),
            step=float(esc["step"]),
            cap=float(esc["cap"]),
            unit=esc["unit"],
            source=_source(esc["source"], f"{where}.escalation.source"),
            cap_source=_source(esc.get("cap_source", esc["source"]), f"{where}.escalation.cap_source"),
        ),
        vitals_interval_min=SourcedValue(
            float(raw["vitals_interval_min"]["value"]), _source(raw["vitals_interval_min"]["source"], where)
        ),
        recovery_min_time_min=SourcedValue(
            float(raw["recovery_min_time_min"]["value"]), _source(raw["recovery_min_time_min"]["source"], where)
        ),
        advisory=raw["advisory"],
    )


def profile_from_dict(raw: dict) -> ProtocolProfile:
    """Build a profile from JSON-shaped data (e.g. a clinic's edited copy stored by the shell)."""
    try:
        return _profile(raw)
    except KeyError as missing:
        raise DomainValidationError(f"protocol.{missing.args[0]}", "is required") from None


@cache
def _all() -> dict[str, ProtocolProfile]:
    folder = resources.files(__package__).joinpath("profiles")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".json") and p.name != "sources.json")
    profiles = [profile_from_dict(_data(name)) for name in names]
    return {p.code: p for p in profiles}


def protocol_list() -> tuple[ProtocolProfile, ...]:
    """All shipped profiles, sorted by code."""
    return tuple(_all()[code] for code in sorted(_all()))


def protocol_get(code: str) -> ProtocolProfile:
    try:
        return _all()[code]
    except KeyError:
        raise DomainValidationError("protocol_code", f"unknown protocol {code!r}", ", ".join(sorted(_all()))) from None
