from django.urls import path

from ketaflow.clinic.infusions import views

app_name = "infusions"
urlpatterns = [
    path("patients/<uuid:patient_id>/plans/<int:plan_id>/sessions/<int:index>/open/", views.session_open, name="open"),
    path("sessions/<int:session_id>/", views.session_page, name="session"),
    path("sessions/<int:session_id>/chart/", views.session_chart, name="chart"),
    path("sessions/<int:session_id>/record.pdf", views.session_record, name="record"),
    path("sessions/<int:session_id>/alert-response/", views.alert_response, name="alert_response"),
    path("sessions/<int:session_id>/do/<slug:action>/", views.session_action, name="action"),
]
