from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "ketaflow.clinic.plans"
    label = "plans"
