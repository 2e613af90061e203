from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "ketaflow.clinic.assessments"
    label = "assessments"
