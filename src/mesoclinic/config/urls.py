from django.urls import include, path
from django.views.generic import RedirectView

from mesoclinic.config.api import api

urlpatterns = [
    path("", include("mesoclinic.dashboard.urls")),
    path("accounts/", include("mesoclinic.accounts.urls")),
    path("patients/", include("mesoclinic.patients.urls")),
    path("audit/", include("mesoclinic.audit.urls")),
    path("", include("mesoclinic.assessments.urls")),
    path("check/", include("mesoclinic.portal.urls")),
    path("screening/", include("mesoclinic.screening.urls")),
    path("formulary/", include("mesoclinic.formulary.urls")),
    path("plans/", include("mesoclinic.plans.urls")),
    path("calendar/", include("mesoclinic.scheduling.urls")),
    path("sessions/", include("mesoclinic.treatments.urls")),
    path("safety/", include("mesoclinic.safety.urls")),
    path("outcomes/", include("mesoclinic.outcomes.urls")),
    path("feeds/", include("mesoclinic.interop.urls")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
]
