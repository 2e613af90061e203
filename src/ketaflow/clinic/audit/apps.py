from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ketaflow.clinic.audit"
    label = "audit"

    def ready(self):
        from ketaflow.clinic.audit import signals  # noqa: F401  (login/logout are audited)
