from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mesoclinic.accounts.permissions import Permission, has_permission
from mesoclinic.formulary import selectors, services
from mesoclinic.formulary.forms import (
    DiscardForm,
    FormulationForm,
    ReceiveForm,
    StopForm,
    check_token,
    checked_decision,
)
from mesoclinic.formulary.models import Formulation, MovementKind
from mesoclinic.patients.models import Patient
from mesoclinic.patients.selectors import patient_get_for_user
from mesoclinic.web import AuthenticatedHttpRequest, chosen_location, user_locations


@login_required
def stock(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A location's vials on hand, what expires soon, and (managers) booking a delivery."""
    user = request.user
    locations = user_locations(user)
    location = chosen_location(request, locations)
    may_receive = has_permission(user=user, permission=Permission.STOCK_MANAGE, location=location)
    form = ReceiveForm(request.POST or None, locations=locations, initial={"location": location.pk})
    if request.method == "POST":
        if not may_receive:
            raise PermissionDenied(_("Your role may not book deliveries."))
        if form.is_valid() and _receive(request, form):
            return redirect(f"{request.path}?location={form.cleaned_data['location'].pk}")
    warnings = selectors.stock_warnings(user=user, location=location)
    return render(
        request,
        "formulary/stock.html",
        {
            "location": location,
            "locations": locations,
            "lines": selectors.stock_levels(user=user, location=location),
            "warnings": warnings,
            "form": form if may_receive else None,
        },
    )


@login_required
@require_POST
def stock_discard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Take a lot's vials out of a location's stock as discarded (expired, damaged)."""
    user = request.user
    form = DiscardForm(request.POST, locations=user_locations(user))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("formulary:stock")
    data = form.cleaned_data
    try:
        services.stock_withdraw(
            actor=user,
            location=data["location"],
            lot=data["lot"],
            quantity=data["quantity"],
            kind=MovementKind.DISCARDED,
            note=data["reason"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(count)s vial(s) of %(lot)s discarded.")
            % {"count": data["quantity"], "lot": data["lot"]},
        )
    return redirect(f"{reverse('formulary:stock')}?location={data['location'].pk}")


def _receive(request: AuthenticatedHttpRequest, form: ReceiveForm) -> bool:
    data = form.cleaned_data
    try:
        if data["label"]:
            movement = services.stock_receive_from_label(
                actor=request.user,
                location=data["location"],
                label=data["label"],
                quantity=data["quantity"],
                supplier=data["supplier"],
            )
        else:
            movement = services.stock_receive(
                actor=request.user,
                location=data["location"],
                product=data["product"],
                lot_number=data["lot_number"],
                expiry_date=data["expiry_date"],
                quantity=data["quantity"],
                supplier=data["supplier"],
            )
    except ValidationError as error:
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return False
    messages.success(
        request,
        _("%(count)s vial(s) of %(lot)s received.")
        % {"count": data["quantity"], "lot": movement.lot},
    )
    return True


@login_required
def templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clinic's template cocktails; managers add new ones."""
    user = request.user
    may_edit = has_permission(user=user, permission=Permission.FORMULATION_TEMPLATE_EDIT)
    form = FormulationForm(request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Your role may not change the clinic's templates."))
        if form.is_valid():
            try:
                services.formulation_template_create(actor=user, composition=form.composition())
            except ValidationError as error:
                form.add_service_error(error)
            else:
                return redirect("formulary:templates")
    return render(
        request,
        "formulary/templates.html",
        {
            "templates": selectors.formulation_templates(user=user),
            "form": form if may_edit else None,
            "stop_form": StopForm(),
        },
    )


@login_required
@require_POST
def template_stop(request: AuthenticatedHttpRequest, template_id: int) -> HttpResponse:
    template = selectors.formulation_template_get(user=request.user, template_id=template_id)
    form = StopForm(request.POST)
    if form.is_valid():
        services.formulation_stop(
            actor=request.user, formulation=template, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("%(name)s is no longer offered.") % {"name": template.name})
    else:
        messages.error(request, _("Say why the template is retired."))
    return redirect("formulary:templates")


@login_required
def formulation_create(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    """Compose a patient's formulation (or start from a template), check it, then save it.

    Saving needs a token from the check of exactly this composition, so nothing is saved
    that the prescriber has not seen screened; the service screens it once more anyway.
    """
    user = request.user
    patient = patient_get_for_user(user=user, patient_id=patient_id).patient
    if not has_permission(user=user, permission=Permission.FORMULATION_PRESCRIBE, patient=patient):
        raise PermissionDenied(_("Your role may not choose formulations."))
    form = FormulationForm(request.POST or None, initial=_initial(request))
    check = None
    token = ""
    if request.method == "POST" and form.is_valid():
        composition = form.composition()
        if request.POST.get("action") == "save":
            try:
                return _save(request, form, patient)
            except ValidationError as error:
                form.add_service_error(error)
        try:
            check, _consultation = selectors.formulation_check(
                user=user, patient=patient, composition=composition
            )
        except ValidationError as error:
            if not form.errors:  # a refused save has already said why
                form.add_service_error(error)
        else:
            token = check_token(
                patient_id=patient.pk, composition=composition, decision=check.decision
            )
    return render(
        request,
        "formulary/compose.html",
        {
            "patient": patient,
            "form": form,
            "check": check,
            "token": token,
            "templates": selectors.formulation_templates(user=user),
        },
        status=400 if form.errors else 200,
    )


def _initial(request: AuthenticatedHttpRequest) -> dict:
    template_id = request.GET.get("template")
    if not template_id or not template_id.isdigit():
        return {}
    template = selectors.formulation_template_get(user=request.user, template_id=int(template_id))
    return FormulationForm.initial_from(template)


def _save(
    request: AuthenticatedHttpRequest, form: FormulationForm, patient: Patient
) -> HttpResponse:
    composition = form.composition()
    decision = checked_decision(
        token=request.POST.get("check_token", ""), patient_id=patient.pk, composition=composition
    )
    formulation = services.formulation_prescribe(
        actor=request.user, patient=patient, composition=composition, checked_decision=decision
    )
    messages.success(request, _("Formulation saved."))
    return redirect("formulary:detail", formulation_id=formulation.pk)


@login_required
def formulation_detail(request: AuthenticatedHttpRequest, formulation_id: int) -> HttpResponse:
    formulation = selectors.formulation_get_for_user(
        user=request.user, formulation_id=formulation_id
    )
    return render(request, "formulary/detail.html", _detail_context(request, formulation))


@login_required
@require_POST
def formulation_stop(request: AuthenticatedHttpRequest, formulation_id: int) -> HttpResponse:
    formulation = selectors.formulation_get_for_user(
        user=request.user, formulation_id=formulation_id
    )
    form = StopForm(request.POST)
    if form.is_valid():
        services.formulation_stop(
            actor=request.user, formulation=formulation, reason=form.cleaned_data["reason"]
        )
        return redirect("formulary:detail", formulation_id=formulation_id)
    return render(
        request,
        "formulary/detail.html",
        _detail_context(request, formulation, stop_form=form),
        status=400,
    )


def _detail_context(
    request: AuthenticatedHttpRequest, formulation: Formulation, stop_form: StopForm | None = None
) -> dict:
    return {
        "formulation": formulation,
        "patient": formulation.patient,
        "may_stop": formulation.is_active
        and has_permission(
            user=request.user,
            permission=Permission.FORMULATION_PRESCRIBE,
            patient=formulation.patient,
        ),
        "stop_form": stop_form or StopForm(),
    }
