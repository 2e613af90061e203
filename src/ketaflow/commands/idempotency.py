"""`ketaflow idempotency prune`: delete idempotency records past their retention (cron or a periodic tick)."""

from __future__ import annotations

import sys


def cmd_prune(args) -> int:
    from ketaflow.cli import _django

    _django()
    from ketaflow.clinic.reliability.middleware import prune_idempotency_records

    try:
        deleted = prune_idempotency_records(retention_h=args.retention_h, batch_size=args.batch_size)
    except ValueError as exc:
        print(f"ketaflow idempotency prune: {exc}", file=sys.stderr)
        return 2
    print(f"idempotency records deleted: {deleted} (kept: the last {args.retention_h:g} h)")
    return 0


def register(subparsers) -> None:
    from ketaflow.clinic.reliability.retention import DEFAULT_RETENTION_H, MIN_RETENTION_H, PRUNE_BATCH

    group = subparsers.add_parser("idempotency", help="idempotency-key records")
    sub = group.add_subparsers(dest="idempotency_command", required=True)
    prune = sub.add_parser(
        "prune", help="delete records older than the retention, in short batches (safe to run while serving)"
    )
    prune.add_argument("--retention-h", type=float, default=DEFAULT_RETENTION_H,
                       help=f"keep records this many hours (default {DEFAULT_RETENTION_H}, at least {MIN_RETENTION_H})")
    prune.add_argument("--batch-size", type=int, default=PRUNE_BATCH, help="rows per transaction")
    prune.set_defaults(func=cmd_prune)
