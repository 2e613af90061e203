"""Licensed instrument wording a clinic supplies (KETAFLOW_CADSS6_ITEM_TEXT_FILE: a JSON object mapping the
CADSS-6 item ids cadss_1, cadss_2, cadss_6, cadss_7, cadss_15, cadss_22 to the clinic's licensed text).
Ketaflow ships neutral labels ("CADSS item 1") because the wording is copyrighted. A file that cannot be
read or does not validate stops every process at start-up, never a session mid-infusion, and is never
silently replaced by the neutral labels."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import use_cadss6_item_text


def apply_cadss6_item_text(path: str) -> None:
    """Use the wording in ``path`` for CADSS-6 (an empty path restores the neutral labels)."""
    try:
        item_text = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
        use_cadss6_item_text(item_text)
    except (OSError, ValueError) as exc:  # DomainValidationError is a ValueError
        field = f" ({exc.field})" if isinstance(exc, DomainValidationError) else ""
        raise ImproperlyConfigured(f"KETAFLOW_CADSS6_ITEM_TEXT_FILE {path}{field}: {exc}") from exc


def configure() -> None:
    apply_cadss6_item_text(settings.KETAFLOW_CADSS6_ITEM_TEXT_FILE)
