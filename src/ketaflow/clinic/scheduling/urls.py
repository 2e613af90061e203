from django.urls import path

from ketaflow.clinic.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("schedule/", views.day_view, name="day"),
    path("schedule/setup/", views.setup, name="setup"),
    path("schedule/setup/chairs/", views.chair_save, name="chair_save"),
    path("schedule/setup/hours/", views.hours_save, name="hours_save"),
    path("schedule/setup/closed-days/", views.closed_day_add, name="closed_day_add"),
    path("schedule/setup/closed-days/<int:closed_id>/remove/", views.closed_day_remove, name="closed_day_remove"),
    path("patients/<uuid:patient_id>/plans/<int:plan_id>/book/", views.plan_book, name="plan_book"),
    path("patients/<uuid:patient_id>/plans/<int:plan_id>/book/carry-over/", views.carry_over, name="carry_over"),
    path("patients/<uuid:patient_id>/bookings/<int:booking_id>/", views.booking_move, name="booking_move"),
    path("patients/<uuid:patient_id>/bookings/<int:booking_id>/cancel/", views.booking_cancel, name="booking_cancel"),
]
