"""Adverse events on screen: report one (from the session, a follow-up call or the
patient's portal), follow it up, clear a hold; the staff's alerts; the safety report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mesoclinic.accounts.permissions import Permission, has_permission
from mesoclinic.patients.models import Patient
from mesoclinic.patients.selectors import patient_get_for_user, patients_visible_to
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.safety import selectors, services
from mesoclinic.safety.forms import (
    ClearForm,
    EventForm,
    FollowUpForm,
    PatientEventForm,
)
from mesoclinic.safety.models import ReportedVia, SafetyAlert
from mesoclinic.treatments.selectors import session_get_for_user
from mesoclinic.web import (
    AuthenticatedHttpRequest,
    ReportPeriodForm,
    add_service_errors,
    chosen_location,
    user_locations,
)


@login_required
def report_for_patient(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    """Staff report an event, usually from a follow-up call."""
    patient = patient_get_for_user(user=request.user, patient_id=patient_id).patient
    initial = {"reported_via": ReportedVia.FOLLOW_UP_CALL, "plan": _latest_plan(patient)}
    return _report(request, patient, initial=initial)


@login_required
def report_for_session(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """Staff report an event seen at, or after, a session; its lots are offered first."""
    session = session_get_for_user(user=request.user, session_id=session_id)
    initial = {
        "reported_via": ReportedVia.SESSION,
        "plan": session.plan_id,
        "lots": list(session.vials.values_list("lot_id", flat=True)),
    }
    return _report(request, session.patient, initial=initial, session=session)


@login_required
def report_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A patient tells the clinic about a problem after a treatment."""
    patient = patients_visible_to(request.user).first()
    if patient is None or not has_permission(
        user=request.user, permission=Permission.ADVERSE_EVENT_REPORT, patient=patient
    ):
        raise PermissionDenied(_("Only a patient with a record reports here."))
    form = PatientEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.adverse_event_report(
                actor=request.user,
                patient=patient,
                plan=_latest_plan(patient),
                report=form.report(),
                reported_via=ReportedVia.PATIENT,
            )
        except ValidationError as error:
            add_service_errors(form, error, field_for=_patient_field)
        else:
            return render(request, "safety/reported_by_patient.html", {"patient": patient})
    return render(
        request,
        "safety/report_mine.html",
        {"form": form, "patient": patient},
        status=400 if form.errors else 200,
    )


@login_required
def event_detail(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = selectors.adverse_event_get_for_user(user=request.user, event_id=event_id)
    return _event_page(request, event)


@require_POST
@login_required
def event_follow_up(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = selectors.adverse_event_get_for_user(user=request.user, event_id=event_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.adverse_event_follow_up(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("safety:event", event.pk)
    return _event_page(request, event, follow_up_form=form)


@require_POST
@login_required
def event_clear(request: AuthenticatedHttpRequest, event_id: int) -> HttpResponse:
    event = selectors.adverse_event_get_for_user(user=request.user, event_id=event_id)
    form = ClearForm(request.POST)
    if form.is_valid():
        try:
            services.adverse_event_clear(actor=request.user, event=event, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Cleared. The plan goes on once nothing else holds it."))
            return redirect("safety:event", event.pk)
    return _event_page(request, event, clear_form=form)


@require_POST
@login_required
def alert_seen(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(SafetyAlert, pk=alert_id, recipient=request.user)
    services.alert_mark_seen(actor=request.user, alert=alert)
    return redirect("safety:event", alert.event_id)


@login_required
def safety_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    locations = user_locations(request.user)
    location = chosen_location(request, locations)
    period = ReportPeriodForm(request.GET or None)
    since, until = period.period()
    report = selectors.safety_report(user=request.user, location=location, since=since, until=until)
    return render(
        request,
        "safety/report.html",
        {"report": report, "locations": locations, "period": period},
    )


def _report(
    request: AuthenticatedHttpRequest, patient: Patient, *, initial: dict, session=None
) -> HttpResponse:
    form = EventForm(request.POST or None, patient=patient, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.adverse_event_report(
                actor=request.user,
                patient=patient,
                session=session,
                plan=form.cleaned_data["plan"],
                report=form.report(),
                reported_via=form.cleaned_data["reported_via"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if event.holds_plan:
                messages.warning(
                    request,
                    _("The plan is on hold; the practitioners and managers are alerted."),
                )
            return redirect("safety:event", event.pk)
    return render(
        request,
        "safety/report_form.html",
        {"form": form, "patient": patient, "session": session},
        status=400 if form.errors else 200,
    )


def _event_page(request, event, *, follow_up_form=None, clear_form=None) -> HttpResponse:
    user = request.user
    may_follow_up = has_permission(
        user=user, permission=Permission.ADVERSE_EVENT_FOLLOW_UP, patient=event.patient
    )
    may_clear = event.is_holding and has_permission(
        user=user, permission=Permission.ADVERSE_EVENT_CLEAR, patient=event.patient
    )
    follow_up_initial = {
        "outcome": event.outcome,
        "action_taken": event.action_taken,
        "follow_up_on": event.follow_up_on,
    }
    return render(
        request,
        "safety/event.html",
        {
            "event": event,
            "patient": event.patient,
            "follow_up_form": (follow_up_form or FollowUpForm(initial=follow_up_initial))
            if may_follow_up
            else None,
            "clear_form": (clear_form or ClearForm()) if may_clear else None,
        },
        status=400 if (follow_up_form or clear_form) else 200,
    )


def _latest_plan(patient: Patient) -> TreatmentPlan | None:
    """The plan an event most likely follows: one under way, else the latest."""
    plans = patient.plans.order_by("-status_changed_at")
    current = plans.filter(
        status__in=[PlanStatus.ACTIVE, PlanStatus.ON_HOLD, PlanStatus.ACCEPTED]
    ).first()
    return current or plans.first()


def _patient_field(key: str) -> str | None:
    return {"grade": "severity"}.get(key, key)
