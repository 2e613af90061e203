"""Many tablets writing at once against the real server: no "database is locked", no write lost, one
audit entry per write in one unbroken chain, and a key sent by many at once writes once."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# The server here always runs on SQLite (the engine where "database is locked" can happen); the
# PostgreSQL run of tests/clinic skips this file rather than repeat it.
pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="SQLite server test")

WRITERS = 40
WRITES_EACH = 5
BODY = {
    "family_name": "Load", "date_of_birth": "1984-03-09", "sex": "female",
    "weight_kg": "72.0", "measured_on": "2026-11-20",
}  # fmt: skip


def post(server, path: str, body: dict, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(
        server["url"] + path, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {server['token']}", "Content-Type": "application/json",
                 "Idempotency-Key": key},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {"raw": exc.read().decode(errors="replace")[:200]}


def _rows(db, sql, *args):
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute(sql, args).fetchall()


def test_forty_concurrent_writers_lose_nothing_and_keep_one_audit_chain(live_server_sqlite):
    server = live_server_sqlite
    seq_before = _rows(server["db"], "SELECT coalesce(max(seq), 0) FROM audit_auditentry")[0][0]

    def writer(w: int) -> list[tuple[int, str]]:
        results = []
        for i in range(WRITES_EACH):
            name = f"W{w:02d}N{i}"
            status, _ = post(server, "/api/patients", BODY | {"given_name": name}, str(uuid.uuid4()))
            results.append((status, name))
        return results

    with ThreadPoolExecutor(WRITERS) as pool:
        results = [r for batch in pool.map(writer, range(WRITERS)) for r in batch]

    statuses = sorted({status for status, _ in results})
    acknowledged = {name for status, name in results if status == 201}
    assert statuses == [201], f"non-201 answers: {[r for r in results if r[0] != 201][:5]}"
    stored = {
        row[0]
        for row in _rows(server["db"], "SELECT given_name FROM patients_patient WHERE family_name='Load'")
    }
    assert acknowledged <= stored and len(stored) == WRITERS * WRITES_EACH
    seqs = [row[0] for row in _rows(server["db"], "SELECT seq FROM audit_auditentry ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1)), "audit seq has a gap or a duplicate"
    creates = _rows(
        server["db"],
        "SELECT count(*) FROM audit_auditentry WHERE action='patient.create' AND seq > ?",
        seq_before,
    )
    assert creates[0][0] == len(acknowledged)
    assert "database is locked" not in server["log"].read_text()
    verify = subprocess.run(
        [sys.executable, "-m", "ketaflow.cli", "audit", "verify"], cwd=ROOT, env=server["env"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stderr
    assert f"{len(seqs)} entries" in verify.stdout


def test_the_same_key_sent_by_twenty_threads_at_once_writes_one_patient(live_server_sqlite):
    server = live_server_sqlite
    key, name = str(uuid.uuid4()), "SameKey" + uuid.uuid4().hex[:8]
    barrier = threading.Barrier(20)

    def send(_):
        barrier.wait()
        return post(server, "/api/patients", BODY | {"given_name": name}, key)

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(send, range(20)))
    assert {status for status, _ in answers} == {201}
    assert len({body["id"] for _, body in answers}) == 1
    assert _rows(server["db"], "SELECT count(*) FROM patients_patient WHERE given_name=?", name)[0][0] == 1
    assert (
        _rows(server["db"], "SELECT count(*) FROM reliability_idempotencyrecord WHERE key=?", key)[0][0] == 1
    )
