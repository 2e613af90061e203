"""Plausibility rules for intake values that dosing will later rely on.

All limits are clinic policy with labelled defaults (the reference gives no guideline figure): an adult
infusion clinic refuses values outside them rather than dose on a typo (e.g. 7.5 kg for 75 kg).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.sources import Source

INTAKE_POLICY_SOURCE = Source.clinic_policy("adult intake plausibility ranges", "intake-2026.1")


@dataclass(frozen=True)
class IntakePolicy:
    weight_min_kg: Decimal = Decimal("30")
    weight_max_kg: Decimal = Decimal("300")
    height_min_cm: Decimal = Decimal("120")
    height_max_cm: Decimal = Decimal("230")
    age_min_years: int = 18
    age_max_years: int = 110
    weight_max_age_days_for_dosing: int = 30
    source: Source = INTAKE_POLICY_SOURCE


DEFAULT_POLICY = IntakePolicy()


def _decimal(field: str, value, unit: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise DomainValidationError(field, f"must be a number in {unit}") from exc
    if not number.is_finite():
        raise DomainValidationError(field, f"must be a finite number in {unit}")
    return number


def validate_weight_kg(value, policy: IntakePolicy = DEFAULT_POLICY) -> Decimal:
    weight_kg = _decimal("weight_kg", value, "kg")
    if not policy.weight_min_kg <= weight_kg <= policy.weight_max_kg:
        raise DomainValidationError(
            "weight_kg",
            f"{weight_kg} kg is outside the plausible adult range",
            f"{policy.weight_min_kg}–{policy.weight_max_kg} kg",
        )
    return weight_kg


def validate_height_cm(value, policy: IntakePolicy = DEFAULT_POLICY) -> Decimal:
    height_cm = _decimal("height_cm", value, "cm")
    if not policy.height_min_cm <= height_cm <= policy.height_max_cm:
        raise DomainValidationError(
            "height_cm",
            f"{height_cm} cm is outside the plausible adult range",
            f"{policy.height_min_cm}–{policy.height_max_cm} cm",
        )
    return height_cm


def age_years(date_of_birth: date, on: date) -> int:
    before_birthday = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - int(before_birthday)


def validate_date_of_birth(date_of_birth: date, *, today: date, policy: IntakePolicy = DEFAULT_POLICY) -> date:
    if date_of_birth > today:
        raise DomainValidationError("date_of_birth", "is in the future", f"on or before {today.isoformat()}")
    age = age_years(date_of_birth, today)
    if not policy.age_min_years <= age <= policy.age_max_years:
        raise DomainValidationError(
            "date_of_birth",
            f"gives an age of {age} years; this clinic treats adults only",
            f"age {policy.age_min_years}–{policy.age_max_years} years",
        )
    return date_of_birth


def validate_measured_on(measured_on: date, *, today: date) -> date:
    if measured_on > today:
        raise DomainValidationError("measured_on", "is in the future", f"on or before {today.isoformat()}")
    return measured_on


@dataclass(frozen=True)
class WeightForDosing:
    usable: bool
    weight_kg: Decimal | None
    age_days: int | None
    reason: str
    source: Source


def weight_for_dosing(
    weight_kg: Decimal | None, measured_on: date | None, *, today: date, policy: IntakePolicy = DEFAULT_POLICY
) -> WeightForDosing:
    """Whether the latest weight may be used to compute a dose today (clinic policy on its age)."""
    if weight_kg is None or measured_on is None:
        return WeightForDosing(False, None, None, "No weight on record.", policy.source)
    age_days = (today - measured_on).days
    if age_days > policy.weight_max_age_days_for_dosing:
        return WeightForDosing(
            False,
            weight_kg,
            age_days,
            f"Weight is {age_days} days old; re-weigh before dosing "
            f"(policy: at most {policy.weight_max_age_days_for_dosing} days).",
            policy.source,
        )
    return WeightForDosing(True, weight_kg, age_days, "Current.", policy.source)
