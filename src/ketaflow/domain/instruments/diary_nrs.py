"""Daily diary ratings besides pain: sleep quality and fatigue, each 0-10 (0 = best, 10 = worst).

No published single-item instrument is verified in reference/clinical.md, so both are a labelled clinic
policy (anchors borrowed from the FIQR symptom items, Bennett 2009). One item each, answer id ``"rating"``;
total = the rating; no bands (a daily value is read as a trend, not a category).
"""

from __future__ import annotations

from typing import Any

from ketaflow.domain.instruments.base import SummedInstrument, definition_from_dict, load_json

DATA = load_json(__package__, "diary_nrs.json")
ITEM_ID = "rating"


def _variant_raw(variant: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": variant["id"], "title": variant["title"], "version": DATA["version"], "source": DATA["source"],
        "recall": variant["recall"], "note": DATA["note"],
        "items": [{"link_id": ITEM_ID, "text": variant["text"], "options": variant["options"]}],
    }  # fmt: skip


DIARY_NRS = {v["id"]: SummedInstrument(definition_from_dict(_variant_raw(v))) for v in DATA["variants"]}
SLEEP_QUALITY_NRS = DIARY_NRS["sleep_quality_nrs"]
FATIGUE_NRS = DIARY_NRS["fatigue_nrs"]
