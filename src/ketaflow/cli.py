"""The `ketaflow` command: serve, seed, audit verify, pk … (see `ketaflow --help`)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ketaflow.config.settings")
    import django

    django.setup()


def cmd_serve(args) -> int:
    _django()
    from django.conf import settings

    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    pid_file = Path(settings.DATA_DIR) / "gunicorn.pid"
    argv = [
        sys.executable, "-m", "gunicorn", "ketaflow.config.wsgi:application",
        "--bind", f"{args.host}:{args.port}", "--worker-class", "gthread",
        "--workers", str(args.workers), "--threads", str(args.threads),
        "--pid", str(pid_file), "--access-logfile", "-",
        # The access log records method, path and status only: no query strings (no patient data in logs).
        "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        "--graceful-timeout", "10", "--timeout", "60",
    ]  # fmt: skip
    os.execv(sys.executable, argv)
    return 0  # pragma: no cover


def cmd_seed(args) -> int:
    _django()
    from ketaflow.synth.demo import seed_demo_clinic, seed_is_needed

    if not seed_is_needed() and not args.force:
        print("The database already has users; not seeding (use --force on an empty clinic only).")
        return 0
    logins = seed_demo_clinic(patients=args.patients)
    print_logins(logins)
    return 0


def print_logins(logins) -> None:
    print("\nDemo logins (synthetic clinic):")
    for login in logins:
        print(f"  {login.role:<11} {login.username:<16} {login.password:<28} {login.name}")


def cmd_logins(args) -> int:
    _django()
    from ketaflow.clinic.accounts.models import User
    from ketaflow.synth.demo import STAFF, DemoLogin, demo_password
    from ketaflow.synth.diary import DIARY_LOGIN
    from ketaflow.synth.outcomes import BOOSTER_LOGIN

    # the same logins the seed prints, so a second `make run` shows every demo portal login again
    names = [s[0] for s in STAFF] + ["patient.demo", BOOSTER_LOGIN, DIARY_LOGIN]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    print_logins(
        [DemoLogin(n, demo_password(n), users[n].role, users[n].display_name) for n in names if n in users]
    )
    return 0


def cmd_audit_verify(args) -> int:
    _django()
    from ketaflow.clinic.audit.verify import audit_verify

    result = audit_verify()
    if result.ok:
        print(f"audit log intact: {result.checked} entries, head #{result.head_seq}")
        return 0
    print(f"audit log TAMPERED: first bad entry #{result.first_bad_seq}: {result.reason}", file=sys.stderr)
    return 1


def cmd_audit_revoke(args) -> int:
    _django()
    from django.db import connection

    from ketaflow.clinic.audit.privileges import revoke_audit_rewrites

    statements = revoke_audit_rewrites(connection, [args.role])
    if not statements:
        print("not PostgreSQL: nothing to revoke (SQLite relies on the append-only triggers)")
        return 0
    print("\n".join(statements))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ketaflow", description="Ketaflow ketamine infusion clinic software")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve Ketaflow with gunicorn (threads)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument("--threads", type=int, default=4)
    serve.set_defaults(func=cmd_serve)

    seed = sub.add_parser("seed", help="seed the synthetic demo clinic into an empty database")
    seed.add_argument("--patients", type=int, default=20)
    seed.add_argument("--force", action="store_true")
    seed.set_defaults(func=cmd_seed)

    logins = sub.add_parser("logins", help="print the demo logins")
    logins.set_defaults(func=cmd_logins)

    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="verify the hash chain; non-zero exit names the first bad entry")
    verify.set_defaults(func=cmd_audit_verify)
    revoke = audit_sub.add_parser(
        "revoke-rewrites", help="PostgreSQL: revoke UPDATE, DELETE and TRUNCATE on the audit log from a role"
    )
    revoke.add_argument("--role", required=True, help="the role the application connects as (or PUBLIC)")
    revoke.set_defaults(func=cmd_audit_revoke)

    try:
        from ketaflow.commands import pk as pk_commands
    except ImportError:
        pk_commands = None
    if pk_commands is not None and hasattr(pk_commands, "register"):
        pk_commands.register(sub)
    from ketaflow.commands import backup as backup_commands

    backup_commands.register(sub)
    from ketaflow.commands import idempotency as idempotency_commands

    idempotency_commands.register(sub)
    from ketaflow.commands import tick as tick_commands

    tick_commands.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
