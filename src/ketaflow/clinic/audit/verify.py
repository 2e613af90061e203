"""Walk the chain and report the first entry that was altered, removed or reordered."""

from __future__ import annotations

from dataclasses import dataclass

from ketaflow.clinic.audit.chain import GENESIS, entry_hash, entry_values
from ketaflow.clinic.audit.models import AuditEntry, AuditHead


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int
    first_bad_seq: int | None = None
    reason: str = ""


def audit_verify(chunk_size: int = 2000) -> VerifyResult:
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if entry.seq != expected_seq:
            return VerifyResult(False, checked, head_seq, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != prev_hash:
            return VerifyResult(False, checked, head_seq, entry.seq, "link to the previous entry is broken")
        if entry_hash(prev_hash, entry_values(entry)) != entry.hash:
            return VerifyResult(False, checked, head_seq, entry.seq, "entry content does not match its hash")
        prev_hash, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    if checked != head_seq or prev_hash != head_hash:
        return VerifyResult(
            False, checked, head_seq, checked + 1, f"chain ends at {checked} but the head says {head_seq}"
        )
    return VerifyResult(True, checked, head_seq)
