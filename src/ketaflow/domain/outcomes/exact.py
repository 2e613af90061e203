"""Exact numbers for thresholds: a 30.0 % reduction must count as 30 %, not 29.999…96 %.

IMMPACT benchmarks are inclusive (clinical.md §4.6), so every comparison runs on Fractions.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from numbers import Rational

from ketaflow.domain.errors import DomainValidationError

Number = int | Fraction | Decimal | float | str


def exact(value: Number, field: str) -> Fraction:
    """Convert to Fraction; a float goes through its shortest repr so 4.9 means 49/10, as typed."""
    if isinstance(value, bool):
        raise DomainValidationError(field, "must be a number, not a boolean")
    if isinstance(value, int | Rational):
        return Fraction(value)
    if isinstance(value, str):
        # Form input arrives as text; parse it as a decimal so "0.35" is exactly 7/20.
        try:
            value = Decimal(value.strip())
        except ArithmeticError:
            raise DomainValidationError(field, f"{value!r} is not a decimal number") from None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise DomainValidationError(field, "must be a finite number")
        return Fraction(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise DomainValidationError(field, "must be a finite number")
        return Fraction(repr(value))
    raise DomainValidationError(field, f"must be a number, got {type(value).__name__}")


def exact_in_range(value: Number, field: str, low: int, high: int) -> Fraction:
    number = exact(value, field)
    if not low <= number <= high:
        raise DomainValidationError(field, f"{value} is out of range", f"{low}–{high}")
    return number


def percent_reduction(baseline: Fraction, current: Fraction) -> Fraction:
    """(baseline − current) / baseline × 100; caller guards baseline 0."""
    return (baseline - current) * 100 / baseline


def fraction_text(value: Fraction | None) -> str | None:
    """Storage form that round-trips exactly ('49/10'); display rounding belongs to the shell."""
    return None if value is None else str(value)


def decimal_text(value: Fraction) -> str:
    """'0.35' for 7/20 (exact decimal); falls back to '1/3' rather than printing a rounded figure."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return str(value)
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def tenths_toward_zero(value: Fraction) -> str:
    """One decimal place, cut toward zero, never rounded: 29.96 % reads '29.9', so a value below an
    inclusive threshold (30 %) never reads as reaching it. Display only; the exact value is stored."""
    tenths = int(value * 10)  # int() of a Fraction truncates toward zero
    sign = "-" if tenths < 0 else ""
    return f"{sign}{abs(tenths) // 10}.{abs(tenths) % 10}"
