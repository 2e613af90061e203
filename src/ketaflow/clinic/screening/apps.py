from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "ketaflow.clinic.screening"
    label = "screening"
