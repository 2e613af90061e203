from django.urls import path

from ketaflow.clinic.assessments import views

app_name = "assessments"
urlpatterns = [
    path("patients/<uuid:patient_id>/assessments/<slug:instrument_id>/", views.administer, name="administer"),
    path("patients/<uuid:patient_id>/assessments/view/<int:assessment_id>/", views.detail, name="detail"),
    path("tasks/<int:task_id>/acknowledge/", views.task_acknowledge, name="task_acknowledge"),
]
