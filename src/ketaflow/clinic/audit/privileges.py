"""PostgreSQL privileges on the audit log: nobody but its owner may rewrite it (issue 8, REVOKE).

The triggers of migration 0002 refuse UPDATE and DELETE row by row; TRUNCATE skips row triggers, and a
role with the privilege could drop a trigger's effect in other ways. So UPDATE, DELETE and TRUNCATE are
revoked from PUBLIC and from the application's role (settings.AUDIT_DB_APP_ROLE). INSERT and SELECT stay.
SQLite has no privileges: there the triggers are the guard.
"""

from __future__ import annotations

from collections.abc import Iterable

AUDIT_TABLE = "audit_auditentry"
REVOKED = ("UPDATE", "DELETE", "TRUNCATE")
_KEYWORDS = {"PUBLIC": "PUBLIC", "CURRENT_USER": "CURRENT_USER"}


def revoke_audit_rewrites(connection, roles: Iterable[str]) -> list[str]:
    """Revoke UPDATE, DELETE and TRUNCATE on the audit log from each role (``PUBLIC`` and ``CURRENT_USER``
    are understood). Returns the statements run; none on SQLite."""
    if connection.vendor != "postgresql":
        return []
    statements = []
    for role in roles:
        role = role.strip()
        if not role:
            continue
        grantee = _KEYWORDS.get(role.upper()) or connection.ops.quote_name(role)
        statements.append(f"REVOKE {', '.join(REVOKED)} ON {connection.ops.quote_name(AUDIT_TABLE)} FROM {grantee}")
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return statements
