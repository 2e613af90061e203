"""Crash test: no acknowledged write is lost, none is stored twice (reliability-security.md §1.2).

50 writer threads create patients through the API against a real gunicorn server, each write with its
own Idempotency-Key. A write is *acknowledged* when the server answered 201 (the answer is sent only after
COMMIT). Connection errors and 5xx leave a write *in doubt*: the writer retries the same key and body
every 0.2 s until it is acknowledged. Meanwhile the server is SIGKILLed (gunicorn master and workers)
several times and restarted — or, with ``--kill postgres``, a private PostgreSQL cluster's postmaster and
backends are. At the end every acknowledged patient must be in the database, no key stored twice, no
patient stored twice, and the audit chain must verify with one patient.create entry per patient.

    .venv/bin/python checks/crash_test.py                   # SQLite, kill gunicorn 3 times
    .venv/bin/python checks/crash_test.py --kill postgres   # PostgreSQL (private cluster), kill it twice

Prints: ``acknowledged writes lost: 0 of N, duplicates: 0`` (exit 1 if either is not 0).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter

from harness import Ketaflow, PrivatePostgres

BODY = {
    "family_name": "Crash", "date_of_birth": "1984-03-09", "sex": "female",
    "weight_kg": "72.0", "measured_on": "2026-11-20",
}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kill", choices=["gunicorn", "postgres"], default="gunicorn")
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=24)
    parser.add_argument("--kills", type=int, default=None, help="default: 3 for gunicorn, 2 for postgres")
    args = parser.parse_args()
    kills = args.kills if args.kills is not None else (3 if args.kill == "gunicorn" else 2)

    pg = PrivatePostgres() if args.kill == "postgres" else None
    app = Ketaflow(database_url=pg.url if pg else None)
    try:
        token = app.prepare()["front_desk"]
        app.start()
        result = run(app, pg, token, args.writers, args.seconds, kills)
    finally:
        app.stop()
        if pg:
            pg.stop()
    engine = "PostgreSQL" if pg else "SQLite"
    print(
        f"[{engine}, {args.writers} writers, {result['seconds']:.0f} s, {kills} SIGKILLs of {args.kill}] "
        f"{result['attempts']} requests, {result['errors']} failed during outages {result['failed_by_status']} "
        "(retried with the same key), "
        f"{result['replays']} answered by replay, {result['in_doubt']} still in doubt at the end; "
        f"audit chain: {result['audit']}; recovery: {result['recovery']}"
    )
    print(
        f"acknowledged writes lost: {result['lost']} of {result['acked']}, duplicates: {result['duplicates']}"
    )
    app.cleanup()
    return 0 if result["lost"] == 0 and result["duplicates"] == 0 and result["audit_ok"] else 1


def run(app: Ketaflow, pg, token: str, writers: int, seconds: float, kills: int) -> dict:
    acked: dict[str, str] = {}  # name -> key
    lock = threading.Lock()
    counters = Counter()
    stop = threading.Event()

    def post(name: str, key: str) -> tuple[int, dict]:
        request = urllib.request.Request(
            app.url + "/api/patients", data=json.dumps(BODY | {"given_name": name}).encode(), method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Idempotency-Key": key},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, {}
        except OSError:
            return 0, {}

    def writer(w: int) -> None:
        i = 0
        while not stop.is_set():
            name, key = f"C{w:02d}x{i:05d}", str(uuid.uuid4())
            i += 1
            grace_end = None
            while True:
                status, headers = post(name, key)
                with lock:
                    counters["attempts"] += 1
                if status == 201:
                    with lock:
                        acked[name] = key
                        counters["replays"] += headers.get("Idempotent-Replayed") == "true"
                    break
                with lock:
                    counters["errors"] += 1
                    counters[f"status {status or 'no answer'}"] += 1
                if status not in (0, 502, 503, 504, 500):
                    raise RuntimeError(f"unexpected answer {status} for {name}")
                if stop.is_set():
                    grace_end = grace_end or time.monotonic() + 20
                    if time.monotonic() > grace_end:
                        with lock:
                            counters["in_doubt"] += 1
                        return
                time.sleep(0.2)

    threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(writers)]
    started = time.monotonic()
    for t in threads:
        t.start()
    recovery = []
    for k in range(kills):
        time.sleep(max(0.0, started + seconds * (k + 1) / (kills + 1) - time.monotonic()))
        if pg is None:
            app.crash()
            time.sleep(1)
            t0 = time.monotonic()
            app.start()
            recovery.append(f"gunicorn up in {time.monotonic() - t0:.1f} s")
        else:
            pg.crash()
            recovery.append(f"PostgreSQL up in {pg.start():.1f} s")
    time.sleep(max(0.0, started + seconds - time.monotonic()))
    stop.set()
    for t in threads:
        t.join(timeout=40)
    elapsed = time.monotonic() - started

    stored = stored_names(app)
    counts = Counter(stored)
    lost = sorted(set(acked) - set(counts))
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    verify = app.cli("audit", "verify")
    creates = count_creates(app)
    audit_ok = verify.returncode == 0 and creates == len(stored)
    audit = (
        verify.stdout or verify.stderr
    ).strip() + f", {creates} patient.create entries for {len(stored)} patients"
    if lost:
        print("LOST:", lost[:10], file=sys.stderr)
    return {
        "acked": len(acked), "lost": len(lost), "duplicates": duplicates, "seconds": elapsed,
        "attempts": counters["attempts"], "errors": counters["errors"], "replays": counters["replays"],
        "in_doubt": counters["in_doubt"], "audit": audit, "audit_ok": audit_ok, "recovery": "; ".join(recovery),
        "failed_by_status": {k[7:]: v for k, v in sorted(counters.items()) if k.startswith("status ")},
    }  # fmt: skip


def _query(app: Ketaflow, sql: str) -> list[tuple]:
    if "DATABASE_URL" in app.env:
        import psycopg

        with psycopg.connect(app.env["DATABASE_URL"]) as conn:
            return conn.execute(sql).fetchall()
    with sqlite3.connect(app.dir / "ketaflow.sqlite3", timeout=20) as conn:
        return conn.execute(sql).fetchall()


def stored_names(app: Ketaflow) -> list[str]:
    return [r[0] for r in _query(app, "SELECT given_name FROM patients_patient WHERE family_name = 'Crash'")]


def count_creates(app: Ketaflow) -> int:
    return _query(app, "SELECT count(*) FROM audit_auditentry WHERE action = 'patient.create'")[0][0]


if __name__ == "__main__":
    sys.exit(main())
