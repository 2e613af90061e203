from django.apps import AppConfig


class ReliabilityConfig(AppConfig):
    name = "ketaflow.clinic.reliability"
    label = "reliability"
    verbose_name = "Reliability"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ketaflow.clinic.reliability import checks  # noqa: F401  (registers the deploy checks)
