"""The session screen: open the session of today's visit, answer the checklist, chart it
with the vials used; then the completed chart, its addenda and the aftercare sheet."""

import weasyprint
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mesoclinic.accounts.permissions import Permission, has_permission
from mesoclinic.formulary.models import Lot
from mesoclinic.scheduling.selectors import visit_get_for_user
from mesoclinic.treatments import selectors, services
from mesoclinic.treatments.aftercare import aftercare_sheet
from mesoclinic.treatments.forms import AddendumForm, ChartForm, ChecklistForm
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.web import AuthenticatedHttpRequest, add_service_errors, page_offset


@require_POST
@login_required
def session_open(request: AuthenticatedHttpRequest, visit_id: int) -> HttpResponse:
    visit = visit_get_for_user(user=request.user, visit_id=visit_id)
    try:
        session = services.session_open(actor=request.user, appointment=visit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("plans:detail", visit.plan_id) if visit.plan_id else redirect("/")
    return redirect("treatments:session", session.pk)


@login_required
def session_detail(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, session_id=session_id)
    if session.is_completed:
        return _completed_page(request, session, AddendumForm())
    return _preparing_page(request, session)


@require_POST
@login_required
def checklist_save(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, session_id=session_id)
    form = ChecklistForm(request.POST, state=selectors.checklist_state(session=session))
    if form.is_valid():
        for item_id, answer in form.answers().items():
            try:
                services.checklist_answer(
                    actor=request.user, session=session, item_id=item_id, **answer
                )
            except ValidationError as error:
                form.add_error(item_id if item_id in form.fields else None, error.messages)
    if form.errors:
        return _preparing_page(request, session, checklist_form=form)
    return redirect("treatments:session", session.pk)


@require_POST
@login_required
def session_complete(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, session_id=session_id)
    form = _chart_form(request, session, data=request.POST)
    if form.is_valid():
        try:
            services.session_complete(
                actor=request.user,
                session=session,
                chart=form.chart(),
                vials=form.vial_entries(),
            )
        except ValidationError as error:
            add_service_errors(form, error, field_for=_chart_field(form))
        else:
            messages.success(request, _("Session completed. The aftercare sheet is ready."))
            return redirect("treatments:session", session.pk)
    return _preparing_page(request, session, chart_form=form)


@require_POST
@login_required
def addendum_add(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, session_id=session_id)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("treatments:session", session.pk)
    return _completed_page(request, session, form)


@login_required
def aftercare(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    """The aftercare sheet, printable; with ?format=pdf, as a PDF."""
    session = _aftercare_session(request, session_id)
    context = {"sheet": aftercare_sheet(session), "session": session}
    if request.GET.get("format") != "pdf":
        return render(request, "treatments/aftercare.html", context)
    html = render_to_string("treatments/aftercare_print.html", context, request=request)
    # The sheet carries its own styles and no links to fetch: no base URL, so the
    # renderer never requests anything, least of all a URL built from the Host header.
    pdf = weasyprint.HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="aftercare-session-{session.pk}.pdf"'
    return response


@login_required
def lot_recall(request: AuthenticatedHttpRequest, lot_id: int) -> HttpResponse:
    """Everyone at the manager's locations who received a lot, with how to reach them."""
    lot = get_object_or_404(Lot.objects.select_related("product"), pk=lot_id)
    page = selectors.lot_recipients(user=request.user, lot=lot, offset=page_offset(request))
    return render(request, "treatments/recall.html", {"lot": lot, "page": page})


def _aftercare_session(request: AuthenticatedHttpRequest, session_id: int) -> TreatmentSession:
    session = selectors.session_get_for_user(
        user=request.user, session_id=session_id, permission=Permission.PATIENT_VIEW
    )
    if not session.is_completed:
        raise Http404(_("The aftercare sheet is issued when the session is completed."))
    return session


def _preparing_page(
    request: AuthenticatedHttpRequest,
    session: TreatmentSession,
    *,
    checklist_form: ChecklistForm | None = None,
    chart_form: ChartForm | None = None,
) -> HttpResponse:
    state = selectors.checklist_state(session=session)
    has_errors = bool(
        (checklist_form and checklist_form.errors) or (chart_form and chart_form.errors)
    )
    return render(
        request,
        "treatments/session.html",
        {
            "session": session,
            "state": state,
            "checklist_form": checklist_form or ChecklistForm(state=state),
            "chart_form": chart_form or _chart_form(request, session),
        },
        status=400 if has_errors else 200,
    )


def _completed_page(
    request: AuthenticatedHttpRequest, session: TreatmentSession, form: AddendumForm
) -> HttpResponse:
    return render(
        request,
        "treatments/session_done.html",
        {
            "session": session,
            "state": selectors.checklist_state(session=session),
            "vials": session.vials.select_related("lot__product", "opened_vial"),
            "addenda": session.addenda.select_related("author"),
            "addendum_form": form,
            "may_report": has_permission(
                user=request.user,
                permission=Permission.ADVERSE_EVENT_REPORT,
                patient=session.patient,
            ),
        },
        status=400 if form.errors else 200,
    )


def _chart_form(request: AuthenticatedHttpRequest, session: TreatmentSession, data=None):
    choices = selectors.vial_choices(user=request.user, session=session)
    initial = ChartForm.initial_for(session)
    return ChartForm(data, session=session, choices=choices, initial=initial)


def _chart_field(form: ChartForm):
    """The service names the volumes `zone_volumes`; on a scalp they are shown on the map,
    above it, elsewhere under the areas' lines."""

    def field_for(key: str) -> str | None:
        if key == "zone_volumes":
            return None if form.is_scalp else "areas"
        return key

    return field_for
