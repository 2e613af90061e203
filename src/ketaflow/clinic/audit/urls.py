from django.urls import path

from ketaflow.clinic.audit import views

app_name = "audit"
urlpatterns = [
    path("patients/<uuid:patient_id>/", views.patient_trail, name="patient_trail"),
    path("verify/", views.verify, name="verify"),
]
