from django.urls import path

from ketaflow.clinic.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("patients/<uuid:patient_id>/outcomes/", views.patient_outcomes, name="patient"),
    path("patients/<uuid:patient_id>/outcomes/timeline.svg", views.timeline, name="timeline"),
    path("proposals/<int:proposal_id>/booster/", views.booster_draft, name="booster_draft"),
    path("proposals/<int:proposal_id>/close/", views.proposal_close, name="proposal_close"),
]
