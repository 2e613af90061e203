from django.apps import AppConfig


class InfusionsConfig(AppConfig):
    name = "ketaflow.clinic.infusions"
    label = "infusions"

    def ready(self):
        from ketaflow.clinic.infusions import policy  # noqa: F401  (registers the policy file's system check)
