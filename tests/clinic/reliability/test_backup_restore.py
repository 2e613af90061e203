"""Backup → restore into a fresh database → verify, on the engine the suite runs on (SQLite, and
PostgreSQL when DATABASE_URL is set): same per-table digests, same audit head, an intact HMAC chain."""

import datetime as dt
import json
import secrets
import sqlite3
from decimal import Decimal

import pytest
from django.db import connections

from ketaflow.cli import main as ketaflow
from ketaflow.clinic.audit.models import AuditEntry, AuditHead
from ketaflow.clinic.reliability import backup as b

# The backup reads committed data (pg_dump is another connection; SQLite's backup API cannot copy a
# connection that is inside the test's open transaction), so these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def flushable_audit_log(transactional_db):
    """Teardown flushes tables with DELETE on SQLite, which the append-only triggers refuse: lift them
    for the flush only and put them back (PostgreSQL flushes with TRUNCATE, which they allow)."""
    yield
    conn = connections["default"]
    if conn.vendor == "sqlite":
        from importlib import import_module

        triggers = import_module("ketaflow.clinic.audit.migrations.0002_append_only_triggers")
        with conn.cursor() as cur:
            for sql in triggers.SQLITE_REVERSE:
                cur.execute(sql)
            cur.execute("DELETE FROM audit_auditentry")
            for sql in triggers.SQLITE:
                cur.execute(sql)


def _seed(staff, n=4):
    from ketaflow.clinic.patients.services import allergy_add, patient_register

    for i in range(n):
        patient = patient_register(
            actor=staff["front_desk"], given_name=f"Backup{i}", family_name="Test", sex="female",
            date_of_birth=dt.date(1980, 1, 1 + i), weight_kg=Decimal("70.5"), height_cm=None,
            measured_on=dt.date(2026, 11, 20), today=dt.date(2026, 11, 22),
        )  # fmt: skip
        allergy_add(actor=staff["nurse"], patient=patient, substance=f"Latex {i}", reaction="rash — ü")


@pytest.fixture
def empty_target(tmp_path):
    """A second, empty database of the same engine under a temporary alias."""
    default = connections["default"]
    alias = "restore_target"
    if default.vendor == "sqlite":
        config = {**default.settings_dict, "NAME": str(tmp_path / "restored.sqlite3")}
        drop = None
    else:
        import psycopg

        name = f"{default.settings_dict['NAME']}_restore_{secrets.token_hex(3)}"
        admin = b._pg_params(default.settings_dict, "postgres")
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        config = {**default.settings_dict, "NAME": name}

        def drop():
            with psycopg.connect(**admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    connections.settings[alias] = config
    yield alias
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]
    if drop:
        drop()


def test_a_backup_restores_into_an_empty_database_with_identical_digests_and_audit_head(
    staff, tmp_path, empty_target
):
    _seed(staff)
    path = tmp_path / "clinic.backup"
    manifest = b.backup(path)
    head = AuditHead.objects.get(pk=1)
    assert (
        manifest["audit_head"] == {"seq": head.seq, "hash": head.hash}
        and head.seq == AuditEntry.objects.count()
    )
    assert manifest["tables"]["patients_patient"]["rows"] == 4
    assert manifest["tables"]["patients_allergy"]["rows"] == 4
    assert "reliability.0001_initial" in manifest["migrations"]
    assert json.loads(b.manifest_path(path).read_text()) == manifest

    report = b.restore(path, using=empty_target)
    assert report.ok, report.problems
    assert report.audit_entries == head.seq and report.tables == len(manifest["tables"])
    assert b.verify(path).ok


def test_restore_refuses_a_database_that_is_not_empty(staff, tmp_path, capsys):
    _seed(staff, n=1)
    path = tmp_path / "clinic.backup"
    assert ketaflow(["backup", str(path)]) == 0
    assert "backup written" in capsys.readouterr().out
    assert ketaflow(["restore", str(path)]) == 1
    assert "refusing to restore" in capsys.readouterr().err
    assert ketaflow(["backup", "verify", str(path)]) == 0
    assert "audit chain intact" in capsys.readouterr().out


def test_verify_names_the_table_whose_digest_no_longer_matches(staff, tmp_path):
    _seed(staff, n=2)
    path = tmp_path / "clinic.backup"
    b.backup(path)
    manifest = json.loads(b.manifest_path(path).read_text())
    manifest["tables"]["patients_patient"]["sha256"] = "0" * 64
    b.manifest_path(path).write_text(json.dumps(manifest))
    report = b.verify(path)
    assert not report.ok and any("patients_patient" in p for p in report.problems)


def test_a_changed_backup_file_fails_verification_and_is_not_restored(staff, tmp_path, empty_target):
    _seed(staff, n=2)
    path = tmp_path / "clinic.backup"
    b.backup(path)
    with open(path, "ab") as fh:
        fh.write(b"\0")
    report = b.verify(path)
    assert not report.ok and "SHA-256" in report.problems[0]
    with pytest.raises(b.BackupError, match="damaged"):
        b.restore(path, using=empty_target)


def test_an_audit_entry_edited_inside_a_sqlite_backup_is_caught_by_its_hmac(staff, tmp_path):
    if connections["default"].vendor != "sqlite":
        pytest.skip("edits the SQLite backup file directly")
    _seed(staff, n=2)
    path = tmp_path / "clinic.backup"
    b.backup(path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_entry_no_update")
    conn.execute("UPDATE audit_auditentry SET actor_username='mallory' WHERE seq=2")
    conn.commit()
    conn.close()
    problems = b.verify(path).problems
    assert any("audit entry 2 does not match its HMAC" in p for p in problems)


def test_postgresql_sequences_continue_after_a_restore(staff, tmp_path, empty_target):
    if connections["default"].vendor != "postgresql":
        pytest.skip("sequences are a PostgreSQL matter; SQLite keeps sqlite_sequence in the file")
    import psycopg

    _seed(staff, n=2)
    path = tmp_path / "clinic.backup"
    b.backup(path)
    assert b.restore(path, using=empty_target).ok
    with psycopg.connect(**b._pg_params(connections[empty_target].settings_dict)) as conn:
        max_id = conn.execute("SELECT max(id) FROM audit_auditentry").fetchone()[0]
        next_id = conn.execute("SELECT nextval(pg_get_serial_sequence('audit_auditentry', 'id'))").fetchone()[
            0
        ]
    assert next_id > max_id
