from django.urls import path

from ketaflow.clinic.diaries import views

app_name = "diaries"
urlpatterns = [
    path("portal/diary/", views.portal_diary, name="portal"),
    path("patients/<uuid:patient_id>/diary/", views.staff_diary, name="staff"),
    path("d/<str:token>/", views.link_fill, name="link"),
]
