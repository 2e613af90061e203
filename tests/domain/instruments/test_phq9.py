"""PHQ-9 (Kroenke 2001) scoring, bands and the item-9 suicide-risk alert (clinical.md §4.7, §8 Example 6)."""

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import INSTRUMENTS
from ketaflow.domain.instruments.phq9 import PHQ9, SUICIDE_RISK

ITEMS = [f"phq9_{i}" for i in range(1, 10)]


def answers(values):
    return dict(zip(ITEMS, values, strict=True))


def answers_with_total(total, item9=0):
    """Spread ``total`` over items 1-8 (each 0-3), item 9 fixed."""
    rest = total - item9
    values = []
    for _ in range(8):
        take = min(3, rest)
        values.append(take)
        rest -= take
    assert rest == 0
    return answers(values + [item9])


def test_phq9_worked_example_6_is_15_moderately_severe_with_suicide_alert():
    """clinical.md §8 Example 6: items 2,3,1,3,2,1,2,0,1 -> 15, moderately severe; item 9 = 1 -> alert."""
    result = PHQ9.score(answers([2, 3, 1, 3, 2, 1, 2, 0, 1]))
    assert result.total == 15
    assert result.band_code == "moderately_severe"
    assert result.band == "Moderately severe"
    assert result.has_flag(SUICIDE_RISK)
    assert next(f for f in result.flags if f.code == SUICIDE_RISK).severity == "critical"


@pytest.mark.parametrize(
    ("total", "band_code"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
     (15, "moderately_severe"), (19, "moderately_severe"), (20, "severe"), (27, "severe")],
)
def test_phq9_band_edges_follow_the_example_6_boundary_table(total, band_code):
    """clinical.md §8 Example 6 boundary table."""
    result = PHQ9.score(answers_with_total(total, item9=3 if total == 27 else 0))
    assert result.total == total
    assert result.band_code == band_code


def test_phq9_item9_above_zero_raises_alert_even_with_minimal_total():
    result = PHQ9.score(answers([0, 0, 0, 0, 0, 0, 0, 0, 1]))
    assert result.total == 1
    assert result.band_code == "minimal"
    assert result.has_flag(SUICIDE_RISK)


def test_phq9_item9_zero_raises_no_alert_even_with_severe_total():
    result = PHQ9.score(answers([3, 3, 3, 3, 3, 3, 3, 3, 0]))
    assert result.band_code == "severe"
    assert not result.has_flag(SUICIDE_RISK)


def test_phq9_total_of_10_flags_likely_depression_and_9_does_not():
    assert PHQ9.score(answers_with_total(10)).has_flag("depression_likely")
    assert not PHQ9.score(answers_with_total(9)).has_flag("depression_likely")


@pytest.mark.parametrize("bad", [4, -1, 28])
def test_phq9_item_outside_0_to_3_is_a_validation_error_naming_the_item(bad):
    with pytest.raises(DomainValidationError) as error:
        PHQ9.score({**answers([0] * 9), "phq9_3": bad})
    assert error.value.field == "phq9_3"
    assert "0, 1, 2, 3" in error.value.allowed


def test_phq9_missing_item_is_a_validation_error_because_no_missing_data_rule_exists():
    values = answers([1] * 9)
    del values["phq9_5"]
    with pytest.raises(DomainValidationError) as error:
        PHQ9.score(values)
    assert error.value.field == "phq9_5"


def test_phq9_difficulty_question_is_optional_and_does_not_change_the_total():
    base = PHQ9.score(answers([1] * 9))
    with_difficulty = PHQ9.score({**answers([1] * 9), "phq9_difficulty": "very_difficult"})
    assert base.total == with_difficulty.total == 9
    assert with_difficulty.inputs["phq9_difficulty"] == 2


def test_phq9_accepts_loinc_style_option_codes_as_answers():
    result = PHQ9.score({**answers([0] * 9), "phq9_1": "nearly_every_day"})
    assert result.total == 3


def test_phq9_definition_carries_the_loinc_panel_total_and_item9_codes():
    definition = INSTRUMENTS["phq9"].definition
    assert definition.loinc_panel == "44249-1"
    assert definition.loinc_total == "44261-6"
    assert definition.item("phq9_9").loinc == "44260-8"
    assert [o.points for o in definition.item("phq9_1").options] == [0, 1, 2, 3]


def test_phq9_result_records_rule_version_source_and_inputs():
    result = PHQ9.score(answers([1] * 9))
    assert result.rule_version.startswith("phq9@")
    assert "kroenke_2001" in result.rule_version
    assert "Kroenke" in result.source.citation
    assert result.inputs["phq9_9"] == 1
    stored = result.as_dict()
    assert stored["total"] == 9 and stored["band_code"] == "mild" and stored["flags"][0]["code"] == SUICIDE_RISK
