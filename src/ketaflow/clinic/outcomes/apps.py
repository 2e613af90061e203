from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "ketaflow.clinic.outcomes"
    label = "outcomes"
