"""Published clinical instruments, one module each, definitions as JSON beside them.

The shell renders a form from ``INSTRUMENTS[id].definition`` (items, options, points, LOINC codes)
and scores with ``INSTRUMENTS[id].score(answers, **context)`` or :func:`score`. Every result is a
:class:`ScoreResult` carrying its rule version and source; store it whole with its inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments.acr_fibromyalgia import ACR_2010, ACR_2011, ACR_2016
from ketaflow.domain.instruments.base import Answer, Definition, Flag, Instrument, Item, ScoreResult
from ketaflow.domain.instruments.cadss6 import CADSS6, cadss6_with_item_text
from ketaflow.domain.instruments.diary_nrs import DIARY_NRS
from ketaflow.domain.instruments.fiqr import FIQR
from ketaflow.domain.instruments.gad7 import GAD7
from ketaflow.domain.instruments.moaas import MOAAS
from ketaflow.domain.instruments.modified_aldrete import MODIFIED_ALDRETE
from ketaflow.domain.instruments.pain_nrs import PAIN_NRS
from ketaflow.domain.instruments.pgic import PGIC
from ketaflow.domain.instruments.phq9 import PHQ9
from ketaflow.domain.instruments.rass import RASS

INSTRUMENTS: dict[str, Instrument] = {
    inst.id: inst
    for inst in (FIQR, ACR_2010, ACR_2011, ACR_2016, *PAIN_NRS.values(), PGIC, PHQ9, GAD7, RASS, MOAAS,
                 MODIFIED_ALDRETE, CADSS6, *DIARY_NRS.values())
}


def get_instrument(instrument_id: str) -> Instrument:
    try:
        return INSTRUMENTS[instrument_id]
    except KeyError:
        raise DomainValidationError("instrument_id", f"unknown instrument {instrument_id!r}",
                                    ", ".join(INSTRUMENTS)) from None


def use_cadss6_item_text(item_text: Mapping[str, str]) -> Instrument:
    """Show a licensed clinic's own CADSS item wording everywhere CADSS-6 is administered (an empty
    mapping restores the neutral labels). Item ids, options and scoring are unchanged, so results stay
    comparable; an unknown item id or empty text is a validation error."""
    if not isinstance(item_text, Mapping):
        raise DomainValidationError("cadss6_item_text", "must map item ids to text", "cadss_1, cadss_2, ...")
    INSTRUMENTS["cadss6"] = cadss6_with_item_text(item_text)
    return INSTRUMENTS["cadss6"]


def score(instrument_id: str, answers: Mapping[str, Answer], **context: Any) -> ScoreResult:
    return get_instrument(instrument_id).score(answers, **context)


__all__ = ["INSTRUMENTS", "Answer", "Definition", "Flag", "Instrument", "Item", "ScoreResult", "get_instrument",
           "score", "cadss6_with_item_text", "use_cadss6_item_text"]
