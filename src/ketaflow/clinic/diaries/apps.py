from django.apps import AppConfig


class DiariesConfig(AppConfig):
    name = "ketaflow.clinic.diaries"
    label = "diaries"
