from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "ketaflow.clinic.patients"
    label = "patients"
