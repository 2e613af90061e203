"""Appending to the audit log. Call inside the transaction of the write it records."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ketaflow.clinic.audit.chain import GENESIS, entry_hash, entry_values
from ketaflow.clinic.audit.models import AuditEntry, AuditHead


def client_address(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "")[:64] if request is not None else ""


def audit_record(
    *,
    actor,
    action: str,
    request=None,
    object_type: str = "",
    object_id: str = "",
    patient_id: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry, linked to the head. Appends are serialized by a row lock on the head
    (PostgreSQL) or by the IMMEDIATE write lock (SQLite); UNIQUE(prev_hash) makes a fork impossible."""
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})
        authenticated = actor is not None and getattr(actor, "is_authenticated", False)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_username=actor.username if authenticated else "",
            role=getattr(actor, "role", "") if authenticated else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id or ""),
            patient_id=str(patient_id or ""),
            client_addr=client_address(request),
            detail=detail or {},
            prev_hash=head.hash,
        )
        entry.hash = entry_hash(head.hash, entry_values(entry))
        entry.save(force_insert=True)
        AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
        return entry
