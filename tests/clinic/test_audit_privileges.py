"""PostgreSQL: UPDATE, DELETE and TRUNCATE on the audit log are revoked (TRUNCATE skips the row triggers);
appending still works. SQLite has no privileges and relies on the triggers (tested in test_audit_chain)."""

import pytest
from django.db import DatabaseError, connection, transaction

from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.audit.privileges import revoke_audit_rewrites
from ketaflow.clinic.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("privileges exist on PostgreSQL only")


def test_the_migration_revoked_rewrites_from_public(postgresql):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.privilege_type FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a "
            "WHERE c.relname = 'audit_auditentry' AND a.grantee = 0"
        )
        public = {row[0] for row in cursor.fetchall()}
    assert not public & {"UPDATE", "DELETE", "TRUNCATE"}


@pytest.mark.parametrize("statement", ["UPDATE audit_auditentry SET action = 'x'", "DELETE FROM audit_auditentry",
                                       "TRUNCATE audit_auditentry CASCADE"])  # fmt: skip
def test_once_revoked_the_application_role_cannot_rewrite_the_log_but_still_appends(postgresql, staff, statement):
    audit_record(actor=staff["admin"], action="test.before")
    revoke_audit_rewrites(connection, ["CURRENT_USER"])  # rolled back with the test's transaction
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    audit_record(actor=staff["admin"], action="test.after")
    assert AuditEntry.objects.filter(action__startswith="test.").count() == 2


def test_on_sqlite_nothing_is_revoked_and_nothing_fails():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite behaviour")
    assert revoke_audit_rewrites(connection, ["PUBLIC", "ketaflow_app"]) == []


def test_the_command_reports_what_it_did(capsys):
    from ketaflow.cli import main

    assert main(["audit", "revoke-rewrites", "--role", "PUBLIC"]) == 0
    out = capsys.readouterr().out
    assert ("REVOKE UPDATE, DELETE, TRUNCATE" in out) if connection.vendor == "postgresql" else ("nothing to revoke" in out)
