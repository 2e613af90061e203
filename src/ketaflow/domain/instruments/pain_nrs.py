"""Pain numeric rating scale 0-10 (IMMPACT core measure, clinical.md §4.4).

Three separate observations, each its own registry entry so each is stored under its own code:
``pain_nrs_current`` (LOINC 72514-3), ``pain_nrs_average_24h`` and ``pain_nrs_average_7d``
(trials use the 7-day average). One item, answer id ``"pain"``; total = the rating. The mild /
moderate / severe band set is a labelled clinic policy, not a published cut-off.
"""

from __future__ import annotations

from typing import Any

from ketaflow.domain.instruments.base import SummedInstrument, definition_from_dict, load_json

DATA = load_json(__package__, "pain_nrs.json")
ITEM_ID = "pain"


def _variant_raw(variant: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": variant["id"], "title": variant["title"], "version": DATA["version"], "source": DATA["source"],
        "loinc_total": variant["loinc"], "recall": variant["recall"], "loinc_note": DATA["loinc_note"],
        "items": [{"link_id": ITEM_ID, "text": variant["text"], "loinc": variant["loinc"], "options": DATA["options"]}],
        "default_band_set": DATA["default_band_set"], "band_sets": DATA["band_sets"],
    }


PAIN_NRS = {v["id"]: SummedInstrument(definition_from_dict(_variant_raw(v))) for v in DATA["variants"]}
PAIN_NRS_CURRENT = PAIN_NRS["pain_nrs_current"]
PAIN_NRS_AVERAGE_24H = PAIN_NRS["pain_nrs_average_24h"]
PAIN_NRS_AVERAGE_7D = PAIN_NRS["pain_nrs_average_7d"]
