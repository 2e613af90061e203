"""Backups that can be trusted: a consistent snapshot, a manifest that describes it, a verified restore.

* SQLite: the online backup API (``sqlite3.Connection.backup``) — never a file copy, which misses commits
  still in the ``-wal`` file (reliability-security.md §4, measured: 63 rows lost).
* PostgreSQL: ``pg_dump -Fc`` on a snapshot exported from a REPEATABLE READ transaction; the manifest's
  digests are computed in that same transaction, so they describe exactly the dumped data.

The manifest (``<backup>.manifest.json``) holds the Ketaflow version, the engine, the applied migrations,
per-table row counts and SHA-256 digests of each table's rows in primary-key order, the audit chain's head
(seq, hash) — an anchor of the chain outside the database — the backup file's own SHA-256 and the UTC time.

``verify`` recomputes all of it from the backup itself (SQLite: the file; PostgreSQL: a scratch database
restored from the dump and dropped afterwards) and also walks the audit chain's HMACs up to the recorded
head. ``restore`` refuses a target database that already has tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections

FORMAT = "ketaflow-backup/1"
MANIFEST_SUFFIX = ".manifest.json"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class CheckReport:
    ok: bool
    problems: list[str] = field(default_factory=list)
    tables: int = 0
    rows: int = 0
    audit_entries: int = 0


def manifest_path(path: str | os.PathLike) -> Path:
    return Path(str(path) + MANIFEST_SUFFIX)


def ketaflow_version() -> str:
    try:
        from importlib.metadata import version

        return version("ketaflow")
    except Exception:  # not installed as a distribution (running from a checkout)
        return "unknown"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------- digests
def _json_value(value):
    if isinstance(value, bytes | memoryview):
        return {"hex": bytes(value).hex()}
    return value


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return [r[0] for r in rows]


def _sqlite_digests(conn: sqlite3.Connection) -> dict[str, dict]:
    out = {}
    for table in _sqlite_tables(conn):
        info = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        pk = [row[1] for row in sorted(info, key=lambda r: r[5]) if row[5]]
        order = ", ".join(f'"{c}"' for c in pk) if pk else "rowid"
        digest, count = hashlib.sha256(), 0
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
            digest.update(
                json.dumps([_json_value(v) for v in row], separators=(",", ":"), default=str).encode()
            )
            digest.update(b"\n")
            count += 1
        out[table] = {"rows": count, "sha256": digest.hexdigest()}
    return out


def _pg_tables(cur) -> list[str]:
    cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [r[0] for r in cur.fetchall()]


def _pg_digests(cur) -> dict[str, dict]:
    out = {}
    for table in _pg_tables(cur):
        cur.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
            [f'"{table}"'],
        )
        pk = [r[0] for r in cur.fetchall()]
        order = ", ".join(f'"{c}"' for c in pk) if pk else "1"
        # The row's own text form is canonical for identical data (jsonb normalised, numerics exact).
        cur.execute(f'SELECT t::text FROM "{table}" t ORDER BY {order if pk else "t::text"}')
        digest, count = hashlib.sha256(), 0
        for (text,) in cur:
            digest.update(text.encode() + b"\n")
            count += 1
        out[table] = {"rows": count, "sha256": digest.hexdigest()}
    return out


def _migrations(rows) -> list[str]:
    return [f"{app}.{name}" for app, name in rows]


# ------------------------------------------------------------------------------------------ audit chain
def _chain_check(entries, head: tuple[int, str] | None) -> tuple[int, list[str]]:
    """Walk raw audit rows (seq, at, actor_id, …, detail, prev_hash, hash) and check every HMAC."""
    from ketaflow.clinic.audit.chain import FIELDS, GENESIS, entry_hash

    problems, expected, prev = [], 1, GENESIS
    for row in entries:
        values = dict(zip(FIELDS, row[: len(FIELDS)], strict=True))
        stored_prev, stored_hash = row[len(FIELDS)], row[len(FIELDS) + 1]
        at = values["at"]
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        values["at"] = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
        if isinstance(values["detail"], str):
            values["detail"] = json.loads(values["detail"])
        if values["seq"] != expected:
            return expected - 1, [f"audit entry {expected} is missing"]
        if stored_prev != prev or entry_hash(prev, values) != stored_hash:
            return expected - 1, [f"audit entry {expected} does not match its HMAC (altered, or another key)"]
        prev, expected = stored_hash, expected + 1
    checked = expected - 1
    if head is not None and (checked, prev) != tuple(head):
        problems.append(f"audit chain ends at {checked} but the head says {head[0]}")
    return checked, problems


def _audit_sql() -> str:
    from ketaflow.clinic.audit.chain import FIELDS

    columns = ", ".join(f'"{c}"' for c in (*FIELDS, "prev_hash", "hash"))
    return f"SELECT {columns} FROM audit_auditentry ORDER BY seq"


# ------------------------------------------------------------------------------------------------ SQLite
def _sqlite_snapshot_info(conn: sqlite3.Connection) -> dict:
    tables = _sqlite_tables(conn)
    migrations = (
        conn.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
        if "django_migrations" in tables
        else []
    )
    head = (
        conn.execute("SELECT seq, hash FROM audit_audithead WHERE id = 1").fetchone()
        if "audit_audithead" in tables
        else None
    )
    return {
        "migrations": _migrations(migrations),
        "tables": _sqlite_digests(conn),
        "audit_head": {"seq": head[0], "hash": head[1]} if head else None,
    }


def _backup_sqlite(db, target: Path) -> dict:
    db.ensure_connection()
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    dst = sqlite3.connect(partial)
    try:
        with dst:
            db.connection.backup(dst)  # one step: a consistent snapshot while others read and write
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"the backup copy failed SQLite's integrity check: {check}")
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        info = _sqlite_snapshot_info(dst)
    finally:
        dst.close()
    _fsync(partial)
    os.replace(partial, target)
    return info


def _sqlite_connect(name: str) -> sqlite3.Connection:
    """A plain connection (no type converters) to the database Django names, path or ``file:`` URI."""
    return sqlite3.connect(str(name), uri=True)


def _restore_sqlite(db, source: Path) -> None:
    target = str(db.settings_dict["NAME"])
    if not target.startswith("file:"):
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    dst = _sqlite_connect(target)
    try:
        existing = _sqlite_tables(dst)
        if existing:
            raise BackupError(
                f"refusing to restore: the target database {target} is not empty ({len(existing)} tables, e.g. "
                f"{existing[0]}). Restore into a new database: point KETAFLOW_DATA_DIR at an empty folder."
            )
        db.close()
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            with dst:
                src.backup(dst)
        finally:
            src.close()
        if not target.startswith("file:"):
            dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()


def _check_sqlite_file(path, *, read_only: bool = True) -> tuple[dict, list[str], list]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True) if read_only else _sqlite_connect(path)
    try:
        problems = []
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            problems.append(f"SQLite integrity check: {check}")
        info = _sqlite_snapshot_info(conn)
        audit = conn.execute(_audit_sql()).fetchall() if "audit_auditentry" in info["tables"] else []
        return info, problems, audit
    finally:
        conn.close()


# -------------------------------------------------------------------------------------------- PostgreSQL
def _pg_params(settings_dict: dict, dbname: str | None = None) -> dict:
    return {
        "dbname": dbname or settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }


def _pg_env_args(settings_dict: dict, dbname: str) -> tuple[dict, list[str]]:
    env = os.environ.copy()
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    args = ["-d", dbname]
    if settings_dict.get("HOST"):
        args += ["-h", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    return env, args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _pg_snapshot_info(cur) -> dict:
    tables = _pg_tables(cur)
    migrations, head = [], None
    if "django_migrations" in tables:
        cur.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = cur.fetchall()
    if "audit_audithead" in tables:
        cur.execute("SELECT seq, hash FROM audit_audithead WHERE id = 1")
        head = cur.fetchone()
    return {
        "migrations": _migrations(migrations),
        "tables": _pg_digests(cur),
        "audit_head": {"seq": head[0], "hash": head[1]} if head else None,
    }


def _backup_postgres(db, target: Path) -> dict:
    import psycopg

    sd = db.settings_dict
    partial = target.with_name(target.name + ".partial")
    with psycopg.connect(**_pg_params(sd)) as conn, conn.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute("SELECT pg_export_snapshot()")
        snapshot = cur.fetchone()[0]
        env, args = _pg_env_args(sd, sd["NAME"])
        dump = subprocess.run(
            [_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}", "-f", str(partial), *args],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if dump.returncode != 0:
            partial.unlink(missing_ok=True)
            raise BackupError("pg_dump failed: " + dump.stderr.strip()[-500:])
        info = _pg_snapshot_info(cur)  # same snapshot as the dump
        conn.rollback()
    _fsync(partial)
    os.replace(partial, target)
    return info


def _pg_existing_tables(params: dict) -> list[str]:
    import psycopg

    with psycopg.connect(**params) as conn, conn.cursor() as cur:
        return _pg_tables(cur)


def _pg_restore_into(sd: dict, dbname: str, source: Path) -> None:
    env, args = _pg_env_args(sd, dbname)
    run = subprocess.run(
        [_tool("pg_restore"), "--exit-on-error", "--no-owner", "--no-privileges", *args, str(source)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if run.returncode != 0:
        raise BackupError("pg_restore failed: " + run.stderr.strip()[-500:])


def _restore_postgres(db, source: Path) -> None:
    sd = db.settings_dict
    existing = _pg_existing_tables(_pg_params(sd))
    if existing:
        raise BackupError(
            f"refusing to restore: the target database {sd['NAME']!r} is not empty ({len(existing)} tables, e.g. "
            f"{existing[0]}). Create an empty database (createdb) and point DATABASE_URL at it."
        )
    db.close()
    _pg_restore_into(sd, sd["NAME"], source)


def _pg_info_and_audit(params: dict) -> tuple[dict, list]:
    import psycopg

    with psycopg.connect(**params) as conn, conn.cursor() as cur:
        info = _pg_snapshot_info(cur)
        audit = []
        if "audit_auditentry" in info["tables"]:
            cur.execute(_audit_sql())
            audit = cur.fetchall()
        return info, audit


def _check_postgres_dump(db, path: Path) -> tuple[dict, list[str], list]:
    """Restore the dump into a scratch database, read it, drop it."""
    import psycopg

    sd = db.settings_dict
    scratch = f"{sd['NAME']}_verify_{secrets.token_hex(4)}"[:63]
    admin = _pg_params(sd, "postgres")
    with psycopg.connect(**admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        _pg_restore_into(sd, scratch, path)
        info, audit = _pg_info_and_audit(_pg_params(sd, scratch))
        return info, [], audit
    finally:
        with psycopg.connect(**admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


# ------------------------------------------------------------------------------------------------ public
def backup(path: str | os.PathLike, *, using: str = "default") -> dict:
    """Write a consistent backup of the database at ``path`` and its manifest next to it."""
    target = Path(path).resolve()
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name (backups are never overwritten)")
    target.parent.mkdir(parents=True, exist_ok=True)
    db = connections[using]
    started = time.perf_counter()
    created = dt.datetime.now(dt.UTC)
    if db.vendor == "sqlite":
        info = _backup_sqlite(db, target)
    elif db.vendor == "postgresql":
        info = _backup_postgres(db, target)
    else:  # pragma: no cover - only the two supported engines
        raise BackupError(f"backups are not supported on {db.vendor}")
    manifest = {
        "format": FORMAT,
        "ketaflow_version": ketaflow_version(),
        "engine": db.vendor,
        "created_at": created.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "backup_file": target.name,
        "backup_sha256": file_sha256(target),
        "migrations": info["migrations"],
        "audit_head": info["audit_head"],
        "tables": info["tables"],
        "seconds": round(time.perf_counter() - started, 3),
    }
    mpath = manifest_path(target)
    mpath.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    _fsync(mpath)
    return manifest


def load_manifest(path: str | os.PathLike) -> dict:
    mpath = manifest_path(path)
    if not mpath.exists():
        raise BackupError(f"no manifest next to the backup: expected {mpath}")
    manifest = json.loads(mpath.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{mpath} is not a Ketaflow backup manifest ({FORMAT})")
    return manifest


def compare(manifest: dict, info: dict, audit_rows: list) -> CheckReport:
    problems = []
    expected, actual = manifest["tables"], info["tables"]
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            problems.append(f"table {table} is missing")
        elif table not in expected:
            problems.append(f"table {table} is not in the manifest")
        elif expected[table] != actual[table]:
            e, a = expected[table], actual[table]
            problems.append(f"table {table}: {a['rows']} rows (manifest {e['rows']}), digest differs")
    if info["migrations"] != manifest["migrations"]:
        problems.append("applied migrations differ from the manifest")
    if info["audit_head"] != manifest["audit_head"]:
        problems.append(
            f"audit head {info['audit_head']} differs from the manifest's {manifest['audit_head']}"
        )
    head = manifest["audit_head"]
    checked, chain_problems = _chain_check(audit_rows, (head["seq"], head["hash"]) if head else None)
    problems += chain_problems
    return CheckReport(
        ok=not problems,
        problems=problems,
        tables=len(actual),
        rows=sum(t["rows"] for t in actual.values()),
        audit_entries=checked,
    )


def verify(path: str | os.PathLike, *, using: str = "default") -> CheckReport:
    """Recompute the backup's digests and audit chain and compare them with its manifest."""
    source = Path(path).resolve()
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    manifest = load_manifest(source)
    problems = []
    if file_sha256(source) != manifest["backup_sha256"]:
        problems.append("the backup file's SHA-256 differs from the manifest (file changed or damaged)")
    if manifest["engine"] == "sqlite":
        info, more, audit = _check_sqlite_file(source)
    else:
        db = connections[using]
        if db.vendor != "postgresql":
            raise BackupError(
                "a PostgreSQL backup is verified with DATABASE_URL pointing at a PostgreSQL server"
            )
        info, more, audit = _check_postgres_dump(db, source)
    report = compare(manifest, info, audit)
    report.problems = problems + more + report.problems
    report.ok = not report.problems
    return report


def restore(path: str | os.PathLike, *, using: str = "default") -> CheckReport:
    """Restore a backup into an empty database, then check the result against the manifest."""
    source = Path(path).resolve()
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    manifest = load_manifest(source)
    if file_sha256(source) != manifest["backup_sha256"]:
        raise BackupError(
            "the backup file's SHA-256 differs from its manifest; not restoring a damaged backup"
        )
    db = connections[using]
    if manifest["engine"] != db.vendor:
        raise BackupError(f"this is a {manifest['engine']} backup; the configured database is {db.vendor}")
    if db.vendor == "sqlite":
        _restore_sqlite(db, source)
        info, problems, audit = _check_sqlite_file(db.settings_dict["NAME"], read_only=False)
    else:
        _restore_postgres(db, source)
        info, audit = _pg_info_and_audit(_pg_params(db.settings_dict))
        problems = []
    report = compare(manifest, info, audit)
    report.problems = problems + report.problems
    report.ok = not report.problems
    return report
