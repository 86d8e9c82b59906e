from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mesoclinic.assessments import selectors, services
from mesoclinic.assessments.forms import ConsultationForm, OverrideForm, form_sections, zone_fields
from mesoclinic.assessments.models import Consultation
from mesoclinic.patients.icd10 import icd10_catalog
from mesoclinic.patients.selectors import patient_get_for_user
from mesoclinic.screening.models import ScreeningDecision
from mesoclinic.screening.rulebook import rulebook
from mesoclinic.screening.services import screening_override
from mesoclinic.web import AuthenticatedHttpRequest


@login_required
def consultation_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    record = patient_get_for_user(user=request.user, patient_id=patient_id)
    if not record.can_edit_medical_history:
        raise PermissionDenied("Your role may not record consultations.")
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(
                actor=request.user, patient=record.patient, fields=form.service_fields()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("assessments:detail", consultation_id=consultation.pk)
    return _form_page(request, form, record.patient, None)


@login_required
def consultation_edit(request: AuthenticatedHttpRequest, consultation_id: int) -> HttpResponse:
    record = selectors.consultation_get_for_user(user=request.user, consultation_id=consultation_id)
    if not record.can_edit:
        raise PermissionDenied("Your role may not change consultations.")
    consultation = record.consultation
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            services.consultation_update(
                actor=request.user, consultation=consultation, fields=form.service_fields()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("assessments:detail", consultation_id=consultation_id)
    return _form_page(request, form, consultation.patient, consultation)


@login_required
def consultation_detail(request: AuthenticatedHttpRequest, consultation_id: int) -> HttpResponse:
    record = selectors.consultation_get_for_user(user=request.user, consultation_id=consultation_id)
    return render(request, "assessments/detail.html", _detail_context(record, None))


@login_required
@require_POST
def screening_override_view(request: AuthenticatedHttpRequest, screening_id: int) -> HttpResponse:
    screening = get_object_or_404(
        ScreeningDecision.objects.select_related("consultation"), pk=screening_id
    )
    record = selectors.consultation_get_for_user(
        user=request.user, consultation_id=screening.consultation_id
    )
    form = OverrideForm(request.POST, engine_decision=screening.decision)
    if form.is_valid():
        try:
            screening_override(
                actor=request.user,
                screening=screening,
                decision=form.cleaned_data["decision"],
                justification=form.cleaned_data["justification"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("assessments:detail", consultation_id=screening.consultation_id)
    return render(request, "assessments/detail.html", _detail_context(record, form), status=400)


def _form_page(request, form: ConsultationForm, patient, consultation: Consultation | None):
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "patient": patient,
            "consultation": consultation,
            "sections": form_sections(form),
            "zones": zone_fields(form),
            "icd10_titles": icd10_catalog().titles,
        },
    )


def _detail_context(record: selectors.ConsultationRecord, override_form) -> dict:
    screening = record.screening
    if override_form is None and screening is not None:
        override_form = OverrideForm(engine_decision=screening.decision)
    return {
        "record": record,
        "consultation": record.consultation,
        "patient": record.consultation.patient,
        "screening": screening,
        "override_form": override_form,
        "alternatives": [
            rulebook().alternatives.get(name, {}).get("staff", name)
            for name in (screening.result["alternatives"] if screening else [])
        ],
    }
