"""The audit chain's hash: HMAC-SHA256 over a canonical JSON encoding, keyed outside the database."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings

GENESIS = "0" * 64
FIELDS = (
    "seq", "at", "actor_id", "actor_username", "role", "action",
    "object_type", "object_id", "patient_id", "client_addr", "detail",
)  # fmt: skip


def canonical(values: dict) -> bytes:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str).encode()


def entry_hash(prev_hash: str, values: dict) -> str:
    message = prev_hash.encode() + b"|" + canonical({k: values[k] for k in FIELDS})
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()


def entry_values(entry) -> dict:
    values = {k: getattr(entry, k) for k in FIELDS}
    values["at"] = entry.at.isoformat(timespec="microseconds")
    return values
