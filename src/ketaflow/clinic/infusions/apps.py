from django.apps import AppConfig


class InfusionsConfig(AppConfig):
    name = "ketaflow.clinic.infusions"
    label = "infusions"
