from django.urls import path

from ketaflow.clinic.plans import views

app_name = "plans"
urlpatterns = [
    path("patients/<uuid:patient_id>/plans/new/", views.plan_new, name="new"),
    path("patients/<uuid:patient_id>/plans/<int:plan_id>/", views.plan_detail, name="detail"),
    path("patients/<uuid:patient_id>/plans/<int:plan_id>/sign/", views.plan_sign, name="sign"),
    path("patients/<uuid:patient_id>/plans/<int:plan_id>/amend/", views.plan_amend, name="amend"),
    path("patients/<uuid:patient_id>/plans/<int:plan_id>/handout/", views.handout, name="handout"),
    path("patients/<uuid:patient_id>/plans/<int:plan_id>/handout.pdf", views.handout_pdf_view, name="handout_pdf"),
    path("patients/<uuid:patient_id>/plans/<int:plan_id>/prediction.svg", views.plan_prediction_svg, name="prediction"),
]
