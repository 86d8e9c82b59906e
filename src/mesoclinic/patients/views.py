from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.permissions import Permission, has_permission
from mesoclinic.assessments.selectors import consultations_for_patient
from mesoclinic.formulary.selectors import formulations_for_patient
from mesoclinic.patients import selectors, services
from mesoclinic.patients.forms import AllergyForm, ConditionForm, MedicationForm, PatientForm
from mesoclinic.patients.icd10 import icd10_catalog
from mesoclinic.patients.models import Allergy, Condition, Medication
from mesoclinic.plans.selectors import plans_for_patient
from mesoclinic.safety.selectors import adverse_events_for_patient
from mesoclinic.web import AuthenticatedHttpRequest, is_htmx_partial, page_offset

HISTORY_KINDS = {
    "conditions": (Condition, ConditionForm),
    "medications": (Medication, MedicationForm),
    "allergies": (Allergy, AllergyForm),
}


@login_required
def patient_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.PATIENT:
        own = selectors.patients_visible_to(user).values_list("pk", flat=True).first()
        if own is None:
            raise PermissionDenied("No patient record is linked to this login.")
        return redirect("patients:detail", patient_id=own)
    search = request.GET.get("q", "").strip()
    page, too_broad = None, None
    try:
        page = selectors.patient_list(user=user, search=search, offset=page_offset(request))
    except ValidationError as error:  # more patients match than a search lists
        too_broad = error.message_dict["search"][0]
    context = {
        "page": page,
        "too_broad": too_broad,
        "search": search,
        "pager_query": urlencode({"q": search}) + "&",
        "can_create": has_permission(user=user, permission=Permission.PATIENT_CREATE),
    }
    template = "patients/partials/patient_rows.html" if is_htmx_partial(request) else None
    return render(request, template or "patients/list.html", context)


@login_required
def patient_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not has_permission(user=user, permission=Permission.PATIENT_CREATE):
        raise PermissionDenied("Your role may not register patients.")
    include_medical = has_permission(user=user, permission=Permission.MEDICAL_HISTORY_EDIT)
    form = PatientForm(request.POST or None, user=user, include_medical=include_medical)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_create(actor=user, fields=form.changed_values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("patients:detail", patient_id=patient.pk)
    return render(request, "patients/form.html", {"form": form, "patient": None})


@login_required
def patient_detail(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    record = selectors.patient_get_for_user(user=request.user, patient_id=patient_id)
    return render(request, "patients/detail.html", _detail_context(record, request.user))


@login_required
def patient_edit(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    user = request.user
    record = selectors.patient_get_for_user(user=user, patient_id=patient_id)
    if not record.can_edit:
        raise PermissionDenied("Your role may not change this patient's record.")
    form = PatientForm(
        request.POST or None,
        instance=record.patient,
        user=user,
        include_medical=record.can_edit_medical_history,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(
                actor=user, patient=record.patient, fields=form.changed_values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("patients:detail", patient_id=patient_id)
    return render(request, "patients/form.html", {"form": form, "patient": record.patient})


@login_required
@require_POST
def history_add(request: AuthenticatedHttpRequest, patient_id: int, kind: str) -> HttpResponse:
    model, form_class = _history_kind(kind)
    record = selectors.patient_get_for_user(user=request.user, patient_id=patient_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            services.medical_history_add(
                actor=request.user, patient=record.patient, entry=form.save(commit=False)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = form_class()
            record = selectors.patient_get_for_user(user=request.user, patient_id=patient_id)
    return _history_response(request, record, kind, form)


@login_required
@require_POST
def history_remove(
    request: AuthenticatedHttpRequest, patient_id: int, kind: str, entry_id: int
) -> HttpResponse:
    model, _form_class = _history_kind(kind)
    entry = selectors.medical_history_entry_for_user(
        user=request.user, patient_id=patient_id, model=model, entry_id=entry_id
    )
    services.medical_history_remove(actor=request.user, entry=entry)
    record = selectors.patient_get_for_user(user=request.user, patient_id=patient_id)
    return _history_response(request, record, kind, None)


def _history_kind(kind: str) -> tuple:
    if kind not in HISTORY_KINDS:
        raise Http404("No such list in a medical history.")
    return HISTORY_KINDS[kind]


def _history_response(request, record, kind: str, form) -> HttpResponse:
    if not is_htmx_partial(request):
        return redirect("patients:detail", patient_id=record.patient.pk)
    context = _detail_context(record)
    if form is not None:
        context["history_forms"][kind] = form
    return render(request, "patients/partials/medical_history.html", context)


def _detail_context(record: selectors.PatientRecord, user=None) -> dict:
    return {
        "record": record,
        "consultations": consultations_for_patient(user=user, patient=record.patient)
        if user is not None
        else [],
        "formulations": formulations_for_patient(user=user, patient=record.patient)
        if user is not None and record.medical_history is not None
        else [],
        "plans": plans_for_patient(user=user, patient=record.patient)
        if user is not None and record.medical_history is not None
        else [],
        "adverse_events": adverse_events_for_patient(user=user, patient=record.patient)
        if user is not None and record.medical_history is not None
        else [],
        "may_report_event": user is not None
        and user.is_clinic_staff
        and has_permission(
            user=user, permission=Permission.ADVERSE_EVENT_REPORT, patient=record.patient
        ),
        "may_plan": user is not None
        and has_permission(user=user, permission=Permission.PLAN_EDIT, patient=record.patient),
        "may_prescribe": user is not None
        and has_permission(
            user=user, permission=Permission.FORMULATION_PRESCRIBE, patient=record.patient
        ),
        "patient": record.patient,
        "history": record.medical_history,
        "history_forms": {kind: form_class() for kind, (_, form_class) in HISTORY_KINDS.items()},
        "icd10_titles": icd10_catalog().titles,
    }
