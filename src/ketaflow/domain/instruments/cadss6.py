"""CADSS-6 (Rodrigues 2021): items 1, 2, 6, 7, 15 and 22 of the CADSS, each 0-4, total 0-24.

CADSS wording is copyrighted, so the shipped definition labels items "CADSS item <n>". A clinic
holding a licence builds its own instrument with :func:`cadss6_with_item_text`; the scoring and the
item ids stay the same, so results remain comparable. No severity bands are published.
"""

from __future__ import annotations

from collections.abc import Mapping

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments.base import SummedInstrument, definition_from_dict, load_json

RAW = load_json(__package__, "cadss6.json")


class Cadss6(SummedInstrument):
    context_options = ()


def cadss6_with_item_text(item_text: Mapping[str, str]) -> Cadss6:
    """A CADSS-6 whose items show the clinic's licensed wording, keyed by item id (``cadss_1``...)."""
    known = [item["link_id"] for item in RAW["items"]]
    for link_id, text in item_text.items():
        if link_id not in known:
            raise DomainValidationError(link_id, "unknown CADSS-6 item", ", ".join(known))
        if not isinstance(text, str) or not text.strip():
            raise DomainValidationError(link_id, "item text must be non-empty text")
    items = [{**item, "text": item_text.get(item["link_id"], item["text"])} for item in RAW["items"]]
    return Cadss6(definition_from_dict({**RAW, "items": items}))


CADSS6 = cadss6_with_item_text({})
