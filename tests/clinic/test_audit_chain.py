"""The audit log: append-only, HMAC-chained; verify names the first altered, removed or reordered entry."""

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError, IntegrityError

from ketaflow.cli import main
from ketaflow.clinic.audit.chain import entry_hash, entry_values
from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(staff):
    for i in range(8):
        audit_record(actor=staff["nurse"], action="test.event", object_type="thing", object_id=i)
    assert AuditEntry.objects.count() >= 8
    return list(AuditEntry.objects.order_by("seq"))


def _drop_append_only_triggers():
    # Only the tests do this (inside their rolled-back transaction) to play the part of an attacker.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute("DROP TRIGGER audit_entry_no_delete")
        else:
            cursor.execute("DROP TRIGGER audit_entry_append_only ON audit_auditentry")


def test_an_intact_chain_verifies(chain):
    result = audit_verify()
    assert result.ok and result.checked == len(chain) and result.head_seq == chain[-1].seq


def test_the_database_refuses_to_update_an_entry(chain):
    with pytest.raises((DatabaseError, IntegrityError), match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=chain[3].seq).update(action="edited")


def test_the_database_refuses_to_delete_an_entry(chain):
    with pytest.raises((DatabaseError, IntegrityError), match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(seq=chain[3].seq).delete()


def test_an_edited_entry_is_named_as_the_first_bad_one(chain):
    _drop_append_only_triggers()
    AuditEntry.objects.filter(seq=4).update(action="patient.view.nothing-to-see")
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 4 and "does not match" in result.reason


def test_a_deleted_entry_is_named(chain):
    _drop_append_only_triggers()
    AuditEntry.objects.filter(seq=6).delete()
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 6 and "missing" in result.reason


def test_deleting_the_newest_entry_is_caught_by_the_head(chain):
    _drop_append_only_triggers()
    AuditEntry.objects.filter(seq=chain[-1].seq).delete()
    result = audit_verify()
    assert not result.ok and "head" in result.reason


def test_swapping_two_entries_is_caught(chain):
    _drop_append_only_triggers()
    third, fifth = AuditEntry.objects.get(seq=3), AuditEntry.objects.get(seq=5)
    AuditEntry.objects.filter(pk=third.pk).update(seq=10_000)
    AuditEntry.objects.filter(pk=fifth.pk).update(seq=3)
    AuditEntry.objects.filter(pk=third.pk).update(seq=5)
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 3


def test_rewriting_the_chain_without_the_key_is_caught(chain, settings):
    """An attacker with database access edits entry 2 and recomputes every later hash with a guessed key."""
    _drop_append_only_triggers()
    original_key = settings.AUDIT_HMAC_KEY
    settings.AUDIT_HMAC_KEY = "attacker-guess"
    prev = AuditEntry.objects.get(seq=1).hash
    for entry in AuditEntry.objects.filter(seq__gte=2).order_by("seq"):
        if entry.seq == 2:
            entry.action = "rewritten"
        new_hash = entry_hash(prev, entry_values(entry))
        AuditEntry.objects.filter(pk=entry.pk).update(action=entry.action, prev_hash=prev, hash=new_hash)
        prev = new_hash
    settings.AUDIT_HMAC_KEY = original_key
    result = audit_verify()
    assert not result.ok and result.first_bad_seq == 2


def test_the_command_exits_zero_on_an_intact_log_and_non_zero_naming_the_entry(chain, capsys):
    assert main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    _drop_append_only_triggers()
    AuditEntry.objects.filter(seq=2).update(role="admin")
    assert main(["audit", "verify"]) == 1
    assert "first bad entry #2" in capsys.readouterr().err
