"""Exact conversions behind every threshold: what the clinician typed is what is compared."""

from decimal import Decimal
from fractions import Fraction

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.exact import decimal_text, exact


def test_floats_strings_and_decimals_convert_to_the_decimal_that_was_typed():
    assert exact(4.9, "x") == exact("4.9", "x") == exact(Decimal("4.9"), "x") == Fraction(49, 10)
    assert exact(0.1 + 0.2, "x") == Fraction("0.30000000000000004")  # the float really is that value


def test_booleans_text_and_infinities_are_refused():
    for bad in (True, "abc", float("inf"), Decimal("NaN"), None):
        with pytest.raises(DomainValidationError):
            exact(bad, "dose")


def test_decimal_text_prints_exact_decimals_and_keeps_thirds_as_fractions():
    assert decimal_text(Fraction(7, 20)) == "0.35"
    assert decimal_text(Fraction(2)) == "2"
    assert decimal_text(Fraction(1, 3)) == "1/3"


def test_tenths_toward_zero_cuts_instead_of_rounding_on_both_sides_of_zero():
    from fractions import Fraction

    from ketaflow.domain.outcomes.exact import tenths_toward_zero

    assert tenths_toward_zero(Fraction(29996, 1000)) == "29.9"
    assert tenths_toward_zero(Fraction(30)) == "30.0"
    assert tenths_toward_zero(Fraction(-42, 1000)) == "0.0"
    assert tenths_toward_zero(Fraction(-5551, 1000)) == "-5.5"
