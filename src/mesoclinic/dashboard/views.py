from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.permissions import Permission, has_permission
from mesoclinic.audit.selectors import audit_events_for_user
from mesoclinic.dashboard.selectors import (
    location_figures,
    open_contact_requests,
    refused_access_count,
    stock_warnings_at_a_glance,
)
from mesoclinic.patients.selectors import (
    REGISTERED_RECENTLY,
    patients_registered_recently,
    patients_visible_to,
)
from mesoclinic.safety.selectors import unseen_alerts
from mesoclinic.web import AuthenticatedHttpRequest

RECENT_COUNT = 8
# A group manager's home page shows the most urgent; the stock page has every location's.
STOCK_WARNING_LOCATIONS = 3


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Each role's start page: what that person needs first when they open the clinic."""
    user = request.user
    context: dict = {"role": user.role}
    if user.role == Role.PATIENT:
        context["own_patient"] = patients_visible_to(user).first()
        return render(request, "dashboard/patient.html", context)
    context["safety_alerts"] = list(unseen_alerts(user=user)[:RECENT_COUNT])
    context["locations"] = location_figures(user=user)
    context["recent"] = patients_registered_recently(user=user, limit=RECENT_COUNT)
    context["recent_days"] = REGISTERED_RECENTLY.days
    context["contact_requests"] = open_contact_requests(user=user, limit=RECENT_COUNT)
    if has_permission(user=user, permission=Permission.STOCK_MANAGE):
        warnings = stock_warnings_at_a_glance(user=user)
        context["stock_warnings"] = warnings[:STOCK_WARNING_LOCATIONS]
        context["more_stock_warnings"] = len(warnings) - len(context["stock_warnings"])
    if has_permission(user=user, permission=Permission.AUDIT_VIEW):
        context["audit_events"] = audit_events_for_user(user=user, limit=RECENT_COUNT)
        context["refused_count"] = refused_access_count(user=user)
    return render(request, "dashboard/staff.html", context)


def health(request: HttpRequest) -> JsonResponse:
    """The server answers: for a load balancer's check, and the benchmarks' ceiling (the
    whole stack but no database and no session)."""
    return JsonResponse({"status": "ok"})
