"""A plan's outcomes: measures visit by visit against the baseline, progress charts, and
the response review."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mesoclinic.accounts.permissions import Permission, has_permission, require_permission
from mesoclinic.outcomes import hair_count, selectors, services
from mesoclinic.outcomes.charts import CHARTED_MEASURES, progress_chart
from mesoclinic.outcomes.forms import (
    HairEstimateForm,
    MeasurementForm,
    PhotoForm,
    ReviewForm,
    ThresholdForm,
    visit_choices,
)
from mesoclinic.outcomes.measures import measure_catalog
from mesoclinic.outcomes.photos import photo_decoded, photo_path
from mesoclinic.outcomes.summary import treatment_summary, treatment_summary_pdf
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.web import (
    AuthenticatedHttpRequest,
    ReportPeriodForm,
    add_service_errors,
    chosen_location,
    user_locations,
)


@login_required
def plan_outcomes(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(plan_id)
    outcomes = selectors.plan_outcomes(user=request.user, plan=plan)
    form = MeasurementForm(request.POST or None, outcomes=outcomes)
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_record(
                actor=request.user,
                values=form.values(),
                measured_on=form.cleaned_data["measured_on"],
                **_visit(plan, form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("outcomes:plan", plan.pk)
    return _page(request, outcomes, form=form, review_form=ReviewForm())


@require_POST
@login_required
def review(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(plan_id)
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


@require_POST
@login_required
def photo_add(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    plan = selectors.plan_get(plan_id)
    outcomes = selectors.plan_outcomes(user=request.user, plan=plan)
    form = PhotoForm(request.POST, request.FILES, outcomes=outcomes)
    if form.is_valid():
        try:
            services.photo_upload(
                actor=request.user,
                upload=form.cleaned_data["image"],
                view=form.cleaned_data["view"],
                custom_label=form.cleaned_data["custom_label"],
                taken_on=form.cleaned_data["taken_on"],
                **_visit(plan, form),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(
                f"{reverse('outcomes:photos', args=[plan.pk])}?view={form.cleaned_data['view']}"
            )
    return _photos_page(request, outcomes, form)


@require_POST
@login_required
def hair_estimate(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """An estimated density from a trichoscopy image, offered in the measures form to be
    checked by eye and recorded by hand; nothing is stored."""
    plan = selectors.plan_get(plan_id)
    require_permission(
        user=request.user, permission=Permission.OUTCOME_RECORD, patient=plan.patient
    )
    outcomes = selectors.plan_outcomes(user=request.user, plan=plan)
    form = HairEstimateForm(request.POST, request.FILES)
    estimate, initial = None, {}
    if form.is_valid():
        try:
            image = photo_decoded(form.cleaned_data["image"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            estimate = hair_count.hair_estimate(image, area_cm2=form.cleaned_data["area_cm2"])
            initial = {"density_per_cm2": estimate.density_per_cm2}
    return _page(
        request,
        outcomes,
        form=MeasurementForm(outcomes=outcomes, initial=initial),
        review_form=ReviewForm(),
        estimate_form=form,
        estimate=estimate,
    )


@login_required
def photos(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """The same view side by side across the chosen visits, with dates and session numbers."""
    outcomes = selectors.plan_outcomes(user=request.user, plan=selectors.plan_get(plan_id))
    return _photos_page(request, outcomes, PhotoForm(outcomes=outcomes))


@login_required
def photo_file(request: AuthenticatedHttpRequest, photo_id: int, size: str) -> FileResponse:
    """A photo's file, to a user who may see the patient's record only."""
    photo = selectors.photo_get_for_user(user=request.user, photo_id=photo_id)
    name = photo.thumbnail_name if size == "thumbnail" else photo.file_name
    response = FileResponse(photo_path(name).open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def chart(request: AuthenticatedHttpRequest, plan_id: int, measure_id: str) -> HttpResponse:
    measure = measure_catalog().get(measure_id)
    if measure is None:
        raise Http404("No such measure.")
    outcomes = selectors.plan_outcomes(user=request.user, plan=selectors.plan_get(plan_id))
    response = HttpResponse(progress_chart(outcomes, measure), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def summary_pdf(request: AuthenticatedHttpRequest, plan_id: int) -> HttpResponse:
    """The patient's treatment summary as an A4 PDF."""
    plan = selectors.plan_get(plan_id)
    pdf = treatment_summary_pdf(treatment_summary(user=request.user, plan=plan))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="treatment-summary-{plan.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Response rates of the location's plans by cause, stage, formulation and protocol."""
    locations = user_locations(request.user)
    location = chosen_location(request, locations)
    period = ReportPeriodForm(request.GET or None)
    since, until = period.period()
    outcome_report = selectors.outcome_report(
        user=request.user, location=location, since=since, until=until
    )
    return render(
        request,
        "outcomes/report.html",
        {
            "report": outcome_report,
            "locations": locations,
            "period": period,
            "fresh_minutes": selectors.REPORT_FRESH_SECONDS // 60,
        },
    )


@login_required
def thresholds(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clinic group's response thresholds: each measure's in force, changed or reset."""
    group = selectors.settings_group(request.user)
    failed = None
    if request.method == "POST":
        failed = _threshold_change(request, group)
        if failed is None:
            return redirect("outcomes:thresholds")
    rows = [
        (
            measure,
            threshold,
            is_own,
            failed
            if failed is not None and failed.data.get("measure") == measure.id
            else ThresholdForm(initial=_threshold_initial(measure.id, threshold)),
        )
        for measure, threshold, is_own in selectors.response_thresholds(
            user=request.user, group=group
        )
    ]
    return render(
        request,
        "outcomes/thresholds.html",
        {"rows": rows, "review_source": measure_catalog().review_source},
        status=400 if failed is not None else 200,
    )


def _threshold_change(request: AuthenticatedHttpRequest, group) -> ThresholdForm | None:
    """Set or reset one measure's threshold; the form with its errors if refused."""
    if "reset" in request.POST:  # whatever the value fields hold
        services.response_threshold_reset(
            actor=request.user, group=group, measure_id=request.POST.get("measure", "")
        )
        return None
    form = ThresholdForm(request.POST)
    if not form.is_valid():
        return form
    try:
        services.response_threshold_set(
            actor=request.user,
            group=group,
            measure_id=form.cleaned_data["measure"],
            kind=form.cleaned_data["kind"],
            value=form.cleaned_data["value"],
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return form
    return None


def _threshold_initial(measure_id: str, threshold) -> dict:
    if threshold is None:
        return {"measure": measure_id, "kind": "percent"}
    return {"measure": measure_id, "kind": threshold.kind, "value": threshold.value}


def _page(
    request, outcomes, *, form, review_form, estimate_form=None, estimate=None
) -> HttpResponse:
    may_record = has_permission(
        user=request.user, permission=Permission.OUTCOME_RECORD, patient=outcomes.plan.patient
    )
    return render(
        request,
        "outcomes/plan.html",
        {
            "outcomes": outcomes,
            "plan": outcomes.plan,
            "photos": selectors.plan_photos(user=request.user, plan=outcomes.plan),
            "measures": measure_catalog().measures,
            "charted": CHARTED_MEASURES,
            "form": form if may_record else None,
            "review_form": review_form if may_record else None,
            "review_source": measure_catalog().review_source,
            "estimate_form": (estimate_form or HairEstimateForm()) if may_record else None,
            "estimate": estimate,
        },
        status=400
        if form.errors or review_form.errors or (estimate_form and estimate_form.errors)
        else 200,
    )


def _photos_page(request, outcomes, form: PhotoForm) -> HttpResponse:
    all_photos = selectors.plan_photos(user=request.user, plan=outcomes.plan)
    views = sorted({(photo.view_key, photo.view_name) for photo in all_photos})
    view = request.GET.get("view") or (views[0][0] if views else "vertex")
    may_record = has_permission(
        user=request.user, permission=Permission.OUTCOME_RECORD, patient=outcomes.plan.patient
    )
    return render(
        request,
        "outcomes/photos.html",
        {
            "plan": outcomes.plan,
            "views": views,
            "view": view,
            "visits": visit_choices(outcomes),
            "chosen": request.GET.getlist("visit"),
            "columns": selectors.photo_comparison(
                outcomes, all_photos, view=view, chosen=request.GET.getlist("visit")
            ),
            "form": form if may_record else None,
        },
        status=400 if form.errors else 200,
    )


def _visit(plan: TreatmentPlan, form) -> dict:
    consultation, session = selectors.plan_visit(plan, form.cleaned_data["visit"])
    return {"consultation": consultation, "session": session}
