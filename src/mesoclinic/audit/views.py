from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.selectors import audit_events_for_user
from mesoclinic.web import AuthenticatedHttpRequest


@login_required
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    patient_id = request.GET.get("patient", "")
    action = request.GET.get("action", "")
    events = audit_events_for_user(
        user=request.user,
        patient_id=int(patient_id) if patient_id.isdigit() else None,
        action=action if action in AuditAction.values else "",
    )
    context = {
        "events": events,
        "actions": AuditAction.choices,
        "action": action,
        "patient_id": patient_id,
    }
    return render(request, "audit/list.html", context)
