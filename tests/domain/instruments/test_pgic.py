"""PGIC: seven labelled points, stored with labels (clinical.md §4.5) and IMMPACT categories (§4.6)."""

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments.pgic import PGIC


@pytest.mark.parametrize(("answer", "label", "responder"), [
    (1, "Very much improved", True), ("much_improved", "Much improved", True),
    (3, "Minimally improved", False), (4, "No change", False), ("very_much_worse", "Very much worse", False),
])
def test_pgic_stores_the_label_and_code_not_only_the_number(answer, label, responder):
    result = PGIC.score({"pgic": answer})
    assert result.band == label
    assert result.details["answer_label"] == label
    assert result.details["answer_code"] == result.band_code
    assert result.details["immpact_responder"] is responder


def test_pgic_much_improved_is_immpact_moderate_and_very_much_improved_substantial():
    assert PGIC.score({"pgic": "much_improved"}).details["immpact_category"] == "moderate"
    assert PGIC.score({"pgic": "very_much_improved"}).details["immpact_category"] == "substantial"
    assert PGIC.score({"pgic": "minimally_improved"}).details["immpact_category"] == "minimal"


def test_pgic_result_names_its_numbering_convention():
    assert "1 = very much improved" in PGIC.score({"pgic": 2}).as_dict()["details"]["numbering"]


@pytest.mark.parametrize("bad", [0, 8, "improved", None])
def test_pgic_rejects_unknown_answers(bad):
    with pytest.raises(DomainValidationError) as error:
        PGIC.score({"pgic": bad})
    assert error.value.field == "pgic"
