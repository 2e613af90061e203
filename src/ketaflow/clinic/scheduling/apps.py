from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "ketaflow.clinic.scheduling"
    label = "scheduling"
