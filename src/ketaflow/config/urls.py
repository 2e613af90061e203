from django.urls import include, path

from ketaflow.api import api
from ketaflow.clinic.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("ketaflow.clinic.accounts.urls")),
    path("patients/", include("ketaflow.clinic.patients.urls")),
    path("audit/", include("ketaflow.clinic.audit.urls")),
    path("", include("ketaflow.clinic.assessments.urls")),
    path("", include("ketaflow.clinic.screening.urls")),
    path("", include("ketaflow.clinic.plans.urls")),
    path("", include("ketaflow.clinic.infusions.urls")),
    path("", include("ketaflow.clinic.scheduling.urls")),
    path("", include("ketaflow.clinic.outcomes.urls")),
    path("", include("ketaflow.clinic.diaries.urls")),
    path("api/", api.urls),
]
