from django.urls import path

from ketaflow.clinic.diaries import schedule_views, views

app_name = "diaries"
urlpatterns = [
    path("portal/diary/", views.portal_diary, name="portal"),
    path("patients/<uuid:patient_id>/diary/", views.staff_diary, name="staff"),
    path("d/<str:token>/", views.link_fill, name="link"),
    path("settings/diary-schedules/", schedule_views.schedules, name="schedules"),
    path("settings/diary-schedules/<slug:protocol_code>/", schedule_views.schedule_edit, name="schedule_edit"),
]
