"""A plan's outcomes: measures visit by visit against the baseline, progress charts, and
the response review."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mesoclinic.accounts.permissions import Permission, has_permission
from mesoclinic.outcomes import selectors, services
from mesoclinic.outcomes.charts import progress_chart
from mesoclinic.outcomes.forms import BASELINE, MeasurementForm, ReviewForm
from mesoclinic.outcomes.measures import measure_catalog
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.web import AuthenticatedHttpRequest, add_service_errors

CHARTED = ("density_per_cm2", "shedding_per_day")


@login_required
def plan_outcomes(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(plan_id)
    outcomes = selectors.plan_outcomes(user=request.user, plan=plan)
    form = MeasurementForm(request.POST or None, outcomes=outcomes)
    if request.method == "POST" and form.is_valid():
        visit = form.cleaned_data["visit"]
        try:
            services.measurement_record(
                actor=request.user,
                values=form.values(),
                measured_on=form.cleaned_data["measured_on"],
                consultation=plan.consultation if visit == BASELINE else None,
                session=None if visit == BASELINE else _session(plan, visit),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("outcomes:plan", plan.pk)
    return _page(request, outcomes, form=form, review_form=ReviewForm())


@require_POST
@login_required
def review(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(plan_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.response_review_record(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("outcomes:plan", plan.pk)
    outcomes = selectors.plan_outcomes(user=request.user, plan=plan)
    return _page(request, outcomes, form=MeasurementForm(outcomes=outcomes), review_form=form)


@login_required
def chart(request: AuthenticatedHttpRequest, plan_id: int, measure_id: str) -> HttpResponse:
    measure = measure_catalog().get(measure_id)
    if measure is None:
        raise Http404("No such measure.")
    outcomes = selectors.plan_outcomes(user=request.user, plan=_plan(plan_id))
    response = HttpResponse(progress_chart(outcomes, measure), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


def _page(request, outcomes, *, form, review_form) -> HttpResponse:
    may_record = has_permission(
        user=request.user, permission=Permission.OUTCOME_RECORD, patient=outcomes.plan.patient
    )
    return render(
        request,
        "outcomes/plan.html",
        {
            "outcomes": outcomes,
            "plan": outcomes.plan,
            "measures": measure_catalog().measures,
            "charted": CHARTED,
            "form": form if may_record else None,
            "review_form": review_form if may_record else None,
            "review_source": measure_catalog().review_source,
        },
        status=400 if form.errors or review_form.errors else 200,
    )


def _plan(plan_id: int) -> TreatmentPlan:
    return get_object_or_404(
        TreatmentPlan.objects.select_related("patient__location", "consultation", "protocol"),
        pk=plan_id,
    )


def _session(plan: TreatmentPlan, session_id: str) -> TreatmentSession:
    return get_object_or_404(TreatmentSession, pk=session_id, plan=plan)
