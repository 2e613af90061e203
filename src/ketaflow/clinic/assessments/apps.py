from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "ketaflow.clinic.assessments"
    label = "assessments"

    def ready(self):
        from ketaflow.clinic.assessments import licensed_text

        licensed_text.configure()  # the clinic's licensed CADSS wording, if it has one (and its system check)
