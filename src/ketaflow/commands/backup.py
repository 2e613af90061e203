"""``ketaflow backup PATH``, ``ketaflow backup verify PATH`` and ``ketaflow restore PATH``.

The work is in ketaflow.clinic.reliability.backup; this module only parses and prints.
"""

from __future__ import annotations

import sys


def _django():
    from ketaflow.cli import _django as setup

    setup()


def _print_report(report, what: str) -> int:
    if report.ok:
        print(
            f"{what}: OK — {report.tables} tables, {report.rows} rows, "
            f"audit chain intact ({report.audit_entries} entries)"
        )
        return 0
    print(f"{what}: FAILED", file=sys.stderr)
    for problem in report.problems:
        print(f"  - {problem}", file=sys.stderr)
    return 1


def cmd_backup(args) -> int:
    _django()
    from ketaflow.clinic.reliability import backup as b

    paths = list(args.paths)
    try:
        if paths[0] == "verify" and len(paths) == 2:
            return _print_report(b.verify(paths[1]), f"backup {paths[1]}")
        if len(paths) != 1:
            print("usage: ketaflow backup PATH | ketaflow backup verify PATH", file=sys.stderr)
            return 2
        manifest = b.backup(paths[0])
    except b.BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    rows = sum(t["rows"] for t in manifest["tables"].values())
    head = manifest["audit_head"] or {"seq": 0}
    print(
        f"backup written: {paths[0]} ({manifest['engine']}, {len(manifest['tables'])} tables, {rows} rows, "
        f"audit head #{head['seq']}, {manifest['seconds']} s); manifest: {b.manifest_path(paths[0])}"
    )
    return 0


def cmd_restore(args) -> int:
    _django()
    from ketaflow.clinic.reliability import backup as b

    try:
        report = b.restore(args.path)
    except b.BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    return _print_report(report, f"restore of {args.path}")


def register(subparsers) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="write a consistent backup and its manifest (`backup PATH`), or check one (`backup verify PATH`)",
        description="SQLite: the online backup API; PostgreSQL: pg_dump -Fc. The manifest (PATH.manifest.json) "
        "holds per-table row counts and SHA-256 digests, applied migrations and the audit head.",
    )
    backup.add_argument("paths", nargs="+", metavar="PATH", help="PATH, or: verify PATH")
    backup.set_defaults(func=cmd_backup)
    restore = subparsers.add_parser("restore", help="restore a backup into an EMPTY database and check it")
    restore.add_argument("path", metavar="PATH")
    restore.set_defaults(func=cmd_restore)
