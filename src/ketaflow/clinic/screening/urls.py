from django.urls import path

from ketaflow.clinic.screening import views

app_name = "screening"
urlpatterns = [
    path("patients/<uuid:patient_id>/screening/run/", views.run, name="run"),
    path("patients/<uuid:patient_id>/screening/<int:record_id>/", views.detail, name="detail"),
    path("patients/<uuid:patient_id>/screening/<int:record_id>/override/", views.override, name="override"),
    path("evidence/", views.evidence, name="evidence"),
]
