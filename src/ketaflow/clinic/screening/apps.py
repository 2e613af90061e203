from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "ketaflow.clinic.screening"
    label = "screening"

    def ready(self):
        from ketaflow.clinic.screening.policy import screening_policy

        screening_policy()  # a bad clinic policy file stops start-up here, not at the first screening
