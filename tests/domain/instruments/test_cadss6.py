"""CADSS-6 (Rodrigues 2021): six CADSS items 0-4, neutral labels, licensed text configurable (clinical.md §4.9)."""

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import INSTRUMENTS
from ketaflow.domain.instruments.cadss6 import CADSS6, cadss6_with_item_text

ITEMS = ["cadss_1", "cadss_2", "cadss_6", "cadss_7", "cadss_15", "cadss_22"]


def test_cadss6_uses_items_1_2_6_7_15_22_with_neutral_labels():
    assert list(CADSS6.definition.link_ids) == ITEMS
    assert [i.text for i in CADSS6.definition.items] == [f"CADSS item {n}" for n in (1, 2, 6, 7, 15, 22)]


@pytest.mark.parametrize(("values", "total"), [([0] * 6, 0), ([4] * 6, 24), ([1, 0, 2, 0, 3, 1], 7)])
def test_cadss6_total_is_the_sum_of_six_items(values, total):
    result = CADSS6.score(dict(zip(ITEMS, values, strict=True)))
    assert result.total == total
    assert result.band is None


def test_cadss6_rejects_ratings_outside_0_to_4_and_missing_items():
    with pytest.raises(DomainValidationError, match="cadss_7"):
        CADSS6.score({**dict.fromkeys(ITEMS, 0), "cadss_7": 5})
    with pytest.raises(DomainValidationError, match="cadss_22"):
        CADSS6.score(dict.fromkeys(ITEMS[:-1], 0))


def test_cadss6_licensed_item_text_changes_the_form_but_not_the_score():
    licensed = cadss6_with_item_text({"cadss_1": "Licensed wording one"})
    assert licensed.definition.item("cadss_1").text == "Licensed wording one"
    assert licensed.definition.item("cadss_2").text == "CADSS item 2"
    answers = dict(zip(ITEMS, [1, 2, 3, 4, 0, 1], strict=True))
    assert licensed.score(answers).total == CADSS6.score(answers).total == 11
    assert INSTRUMENTS["cadss6"].definition.item("cadss_1").text == "CADSS item 1"  # registry untouched


def test_cadss6_item_text_for_an_unknown_item_is_rejected():
    with pytest.raises(DomainValidationError) as error:
        cadss6_with_item_text({"cadss_3": "not in the short form"})
    assert error.value.field == "cadss_3"
