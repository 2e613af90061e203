from django.urls import path

from ketaflow.clinic.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("register/", views.patient_register, name="register"),
    path("<uuid:patient_id>/", views.patient_chart_view, name="chart"),
    path("<uuid:patient_id>/edit/", views.patient_edit, name="edit"),
    path("<uuid:patient_id>/measurements/", views.measurement_add, name="measurement_add"),
    path(
        "<uuid:patient_id>/measurements/<int:measurement_id>/entered-in-error/",
        views.measurement_mark_in_error,
        name="measurement_mark_in_error",
    ),
    path("<uuid:patient_id>/allergies/", views.allergy_add, name="allergy_add"),
    path("<uuid:patient_id>/medications/", views.medication_add, name="medication_add"),
    path("<uuid:patient_id>/conditions/", views.condition_add, name="condition_add"),
    path("<uuid:patient_id>/therapies/", views.therapy_add, name="therapy_add"),
    path("<uuid:patient_id>/intake/<slug:kind>/<int:entry_id>/remove/", views.intake_remove, name="intake_remove"),
    path("<uuid:patient_id>/consultations/new/", views.consultation_add, name="consultation_add"),
    path(
        "<uuid:patient_id>/consultations/<int:consultation_id>/amend/",
        views.consultation_amend,
        name="consultation_amend",
    ),
    path("<uuid:patient_id>/portal-invite/", views.portal_invite, name="portal_invite"),
]
