"""PostgreSQL: revoke UPDATE, DELETE and TRUNCATE on the audit log from PUBLIC and the application role."""

from django.conf import settings
from django.db import migrations


def revoke(apps, schema_editor):
    from ketaflow.clinic.audit.privileges import revoke_audit_rewrites

    revoke_audit_rewrites(schema_editor.connection, ["PUBLIC", getattr(settings, "AUDIT_DB_APP_ROLE", "")])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    # Reverse: nothing to undo by default (a GRANT back is a deliberate act by the database owner).
    operations = [migrations.RunPython(revoke, migrations.RunPython.noop)]
