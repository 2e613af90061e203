"""Patient Global Impression of Change: one 7-point item (NINDS CDE numbering, 1 = very much improved).

Because published versions number the scale in opposite directions, the result keeps the answer's
code and label (``details["answer_code"]``, ``band``) beside the number; answers may be given as
the code ("much_improved") or the NINDS number. IMMPACT (Dworkin 2008) reads "much improved" as a
moderately important and "very much improved" as a substantial change: ``details["immpact_responder"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ketaflow.domain.instruments.base import (
    Answer,
    Instrument,
    ScoreResult,
    check_context,
    load_definition,
    normalize_answers,
)

DEFINITION = load_definition(__package__, "pgic.json")
IMMPACT = DEFINITION.raw["immpact"]


class Pgic(Instrument):
    context_options = ()

    def score(self, answers: Mapping[str, Answer], **context: Any) -> ScoreResult:
        check_context(self.id, context, self.context_options)
        inputs = normalize_answers(self.definition, answers)
        points = inputs["pgic"]
        assert points is not None  # required item: normalize_answers raised otherwise
        option = self.definition.item("pgic").option_for(points)
        assert option is not None
        details = {
            "answer_code": option.code,
            "answer_label": option.label,
            "numbering": self.definition.source.version,
            "immpact_category": IMMPACT["categories"].get(option.code, "none"),
            "immpact_responder": option.code in IMMPACT["responder_codes"],
        }
        result = self.result(total=points, band_set=None, inputs=inputs, details=details)
        # The label is the band: it is what must survive a change of numbering.
        return replace(result, band=option.label, band_code=option.code)


PGIC = Pgic(DEFINITION)
