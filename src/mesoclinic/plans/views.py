from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from mesoclinic import clock
from mesoclinic.accounts.permissions import Permission, has_permission
from mesoclinic.patients.selectors import patient_get_for_user
from mesoclinic.plans import services
from mesoclinic.plans.forms import WEEKDAYS, CourseForm, PlanForm, TransitionForm
from mesoclinic.plans.models import PLAN_TRANSITIONS, PlanStatus, TreatmentPlan
from mesoclinic.scheduling.selectors import plan_sessions
from mesoclinic.scheduling.services import course_book
from mesoclinic.web import AuthenticatedHttpRequest, add_service_errors

TRANSITION_VERBS: dict[str, object] = {
    PlanStatus.ACCEPTED: _lazy("The patient accepts"),
    PlanStatus.ACTIVE: _lazy("Start"),
    PlanStatus.ON_HOLD: _lazy("Put on hold"),
    PlanStatus.COMPLETED: _lazy("Complete"),
    PlanStatus.STOPPED: _lazy("Stop"),
}


@login_required
def plan_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_get_for_user(user=request.user, patient_id=patient_id).patient
    if not has_permission(user=request.user, permission=Permission.PLAN_EDIT, patient=patient):
        raise PermissionDenied(_("Your role may not make treatment plans."))
    form = PlanForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, patient=patient, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("plans:detail", plan.pk)
    return render(
        request,
        "plans/create.html",
        {"patient": patient, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def plan_detail(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """The plan: what it rests on, each session's window and where it is booked."""
    plan = _plan(request, plan_id)
    user = request.user
    may_plan = has_permission(user=user, permission=Permission.PLAN_EDIT, patient=plan.patient)
    may_book = has_permission(
        user=user, permission=Permission.APPOINTMENT_BOOK, patient=plan.patient
    )
    sessions = plan_sessions(user=user, plan=plan)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "patient": plan.patient,
            "sessions": sessions,
            "preferences": _preferences(plan),
            "may_chart": has_permission(
                user=user, permission=Permission.SESSION_CHART, patient=plan.patient
            ),
            "today": clock.today(),
            "may_see_clinical": has_permission(
                user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=plan.patient
            ),
            "transitions": [
                (status, TRANSITION_VERBS[status])
                for status in sorted(PLAN_TRANSITIONS[plan.status])
            ]
            if may_plan
            else [],
            "course_form": CourseForm(initial={"start_from": clock.today()})
            if may_book
            and plan.status in {PlanStatus.ACCEPTED, PlanStatus.ACTIVE}
            and any(row.visit is None for row in sessions)
            else None,
        },
    )


@login_required
@require_POST
def plan_transition(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.plan_transition(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The plan is now %s.") % plan_status_label(form))
    return redirect("plans:detail", plan.pk)


@login_required
@require_POST
def plan_book_course(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """Book every remaining session; the page then lists each one booked."""
    plan = _plan(request, plan_id)
    form = CourseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the day the course may start."))
        return redirect("plans:detail", plan.pk)
    try:
        moves = course_book(
            actor=request.user, plan=plan, start_from=form.cleaned_data["start_from"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        for move in moves:
            messages.info(request, str(move))
    return redirect("plans:detail", plan.pk)


def _preferences(plan: TreatmentPlan) -> list[str]:
    names = dict(WEEKDAYS)
    preferences = [", ".join(str(names[day]) for day in plan.preferred_weekdays)]
    if plan.preferred_from or plan.preferred_until:
        start = plan.preferred_from.strftime("%H:%M") if plan.preferred_from else "…"
        end = plan.preferred_until.strftime("%H:%M") if plan.preferred_until else "…"
        preferences.append(_("starting %(start)s–%(end)s") % {"start": start, "end": end})
    if plan.preferred_practitioner:
        preferences.append(str(plan.preferred_practitioner))
    return [text for text in preferences if text]


def plan_status_label(form: TransitionForm) -> str:
    return str(PlanStatus(form.cleaned_data["status"]).label).lower()


def _plan(request: AuthenticatedHttpRequest, plan_id: int) -> TreatmentPlan:
    plan = get_object_or_404(
        TreatmentPlan.objects.select_related(
            "patient__location", "protocol", "formulation", "screening", "preferred_practitioner"
        ),
        pk=plan_id,
    )
    # the patient's record is the gate: audited, and refused (audited) at another location
    patient_get_for_user(user=request.user, patient_id=plan.patient_id)
    return plan
