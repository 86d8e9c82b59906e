import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from mesoclinic.accounts.api import location_from_body
from mesoclinic.formulary import selectors, services
from mesoclinic.formulary.catalog import ingredient_catalog
from mesoclinic.formulary.composition import Composition
from mesoclinic.formulary.models import Formulation, Lot, Product
from mesoclinic.patients.selectors import patient_get_for_user
from mesoclinic.web import api_user

router = Router(tags=["formulary"])


class IngredientOut(Schema):
    name: str
    ingredient_class: str
    source: str


class ProductIngredientIn(Schema):
    ingredient: str
    concentration_percent: Decimal | None = None


class ProductIn(Schema):
    brand_name: str = Field(min_length=1)
    manufacturer: str = ""
    gtin: str = ""
    vial_size_ml: Decimal = Field(gt=0)
    is_multi_dose: bool = False
    hours_usable_after_opening: int | None = Field(default=None, gt=0)
    ingredients: list[ProductIngredientIn]


class ProductOut(Schema):
    id: int
    brand_name: str
    manufacturer: str
    gtin: str
    vial_size_ml: Decimal
    is_multi_dose: bool
    hours_usable_after_opening: int | None
    ingredients: list[ProductIngredientIn]


class ReceiveIn(Schema):
    """A delivery: either product_id, lot_number and expiry_date, or the GS1 label."""

    location_id: int
    quantity: int
    supplier: str = ""
    product_id: int | None = None
    lot_number: str = ""
    expiry_date: datetime.date | None = None
    label: str = Field("", description="GS1 element string, scanned or typed with (AI)s")


class WithdrawIn(Schema):
    location_id: int
    lot_id: int
    quantity: int
    kind: Literal["used", "discarded", "returned"]
    note: str = ""


class AdjustIn(Schema):
    location_id: int
    lot_id: int
    change: int
    reason: str


class MovementOut(Schema):
    id: int
    kind: str
    quantity: int
    lot_id: int
    lot_number: str
    expiry_date: datetime.date
    on_hand_after: int


class StockLineOut(Schema):
    lot_id: int
    lot_number: str
    product: str
    expiry_date: datetime.date
    days_to_expiry: int
    on_hand: int


class OpenIn(Schema):
    location_id: int
    lot_id: int


class OpenedVialOut(Schema):
    id: int
    lot_id: int
    opened_at: datetime.datetime
    usable_until: datetime.datetime


def _lot(lot_id: int) -> Lot:
    lot = Lot.objects.select_related("product").filter(pk=lot_id).first()
    if lot is None:
        raise ValidationError({"lot_id": [f"There is no lot {lot_id}."]})
    return lot


def _movement_out(movement) -> dict:
    return {
        "id": movement.pk,
        "kind": movement.kind,
        "quantity": movement.quantity,
        "lot_id": movement.lot_id,
        "lot_number": movement.lot.lot_number,
        "expiry_date": movement.lot.expiry_date,
        "on_hand_after": selectors.stock_on_hand(location=movement.location, lot=movement.lot),
    }


@router.get("/ingredients", response=list[IngredientOut], summary="The ingredient catalog")
def list_ingredients(request: HttpRequest) -> list:
    return list(ingredient_catalog().ingredients.values())


@router.get("/products", response=list[ProductOut], summary="Products in use")
def list_products(request: HttpRequest) -> list:
    return list(Product.objects.filter(is_active=True).prefetch_related("ingredients"))


@router.post("/products", response={201: ProductOut}, summary="Add a product (managers)")
def create_product(request: HttpRequest, payload: ProductIn) -> Status:
    data = payload.dict()
    product = services.product_create(
        actor=api_user(request),
        ingredients=[
            (i["ingredient"], i["concentration_percent"]) for i in data.pop("ingredients")
        ],
        **data,
    )
    return Status(201, Product.objects.prefetch_related("ingredients").get(pk=product.pk))


@router.post("/stock/receive", response={201: MovementOut}, summary="Book a delivery")
def receive(request: HttpRequest, payload: ReceiveIn) -> Status:
    user, location = api_user(request), location_from_body(payload.location_id)
    if payload.label:
        movement = services.stock_receive_from_label(
            actor=user,
            location=location,
            label=payload.label,
            quantity=payload.quantity,
            supplier=payload.supplier,
        )
    else:
        if payload.product_id is None or payload.expiry_date is None:
            required = ("product_id", "expiry_date")
            raise ValidationError(
                {
                    name: ["Required without a label."]
                    for name in required
                    if getattr(payload, name) is None
                }
            )
        product = get_object_or_404(Product, pk=payload.product_id)
        movement = services.stock_receive(
            actor=user,
            location=location,
            product=product,
            lot_number=payload.lot_number,
            expiry_date=payload.expiry_date,
            quantity=payload.quantity,
            supplier=payload.supplier,
        )
    return Status(201, _movement_out(movement))


@router.post(
    "/stock/withdraw",
    response={201: MovementOut},
    summary="Take vials out: used, discarded or returned",
)
def withdraw(request: HttpRequest, payload: WithdrawIn) -> Status:
    movement = services.stock_withdraw(
        actor=api_user(request),
        location=location_from_body(payload.location_id),
        lot=_lot(payload.lot_id),
        quantity=payload.quantity,
        kind=payload.kind,
        note=payload.note,
    )
    return Status(201, _movement_out(movement))


@router.post("/stock/adjust", response={201: MovementOut}, summary="Correct a stock count")
def adjust(request: HttpRequest, payload: AdjustIn) -> Status:
    movement = services.stock_adjust(
        actor=api_user(request),
        location=location_from_body(payload.location_id),
        lot=_lot(payload.lot_id),
        change=payload.change,
        reason=payload.reason,
    )
    return Status(201, _movement_out(movement))


@router.post("/vials/open", response={201: OpenedVialOut}, summary="Open a multi-dose vial")
def open_vial(request: HttpRequest, payload: OpenIn) -> Status:
    vial = services.vial_open(
        actor=api_user(request),
        location=location_from_body(payload.location_id),
        lot=_lot(payload.lot_id),
    )
    return Status(201, vial)


@router.get("/stock", response=list[StockLineOut], summary="Vials on hand at a location")
def stock(request: HttpRequest, location_id: int) -> list:
    lines = selectors.stock_levels(user=api_user(request), location=location_from_body(location_id))
    return [
        {
            "lot_id": line.lot.pk,
            "lot_number": line.lot.lot_number,
            "product": line.lot.product.brand_name,
            "expiry_date": line.lot.expiry_date,
            "days_to_expiry": line.days_to_expiry,
            "on_hand": line.on_hand,
        }
        for line in lines
    ]


# Formulations: the clinic's templates and patients' compositions.
patient_router = Router(tags=["formulations"])


class FormulationIngredientIn(Schema):
    ingredient: str
    concentration_percent: Decimal | None = Field(default=None, gt=0, le=100)


class FormulationIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    indication: Literal["hair_loss", "skin_rejuvenation", "fat_reduction", "cellulite"]
    modality: Literal["cocktail", "prp"] = "cocktail"
    volume_ml_per_session: Decimal = Field(gt=0)
    ingredients: list[FormulationIngredientIn] = Field(min_length=1)
    notes: str = ""
    template_id: int | None = None


class PrescriptionIn(FormulationIn):
    checked_decision: str | None = Field(
        default=None,
        description="The decision the prescriber was shown; refused if it has changed since",
    )


class FormulationOut(Schema):
    id: int
    name: str
    indication: str
    modality: str
    volume_ml_per_session: Decimal
    ingredients: list[FormulationIngredientIn]
    notes: str
    is_active: bool
    template_id: int | None
    patient_id: int | None
    consultation_id: int | None
    screening_decision: str
    screening_result: dict | None
    created_at: datetime.datetime


class BlockingReasonOut(Schema):
    rule: str
    decision: str
    message: str
    why: str


class CheckOut(Schema):
    decision: str
    can_save: bool
    blocking: list[BlockingReasonOut]
    consultation_id: int
    result: dict


class StopIn(Schema):
    reason: str


def _composition(payload: FormulationIn) -> Composition:
    return Composition(
        name=payload.name,
        indication=payload.indication,
        modality=payload.modality,
        volume_ml_per_session=payload.volume_ml_per_session,
        ingredients=tuple((i.ingredient, i.concentration_percent) for i in payload.ingredients),
        notes=payload.notes,
        template_id=payload.template_id,
    )


def _formulation_out(formulation: Formulation) -> Formulation:
    return Formulation.objects.prefetch_related("ingredients").get(pk=formulation.pk)


@router.get("/templates", response=list[FormulationOut], summary="The clinic's template cocktails")
def list_templates(request: HttpRequest) -> list:
    return selectors.formulation_templates(user=api_user(request))


@router.post("/templates", response={201: FormulationOut}, summary="Add a template (managers)")
def create_template(request: HttpRequest, payload: FormulationIn) -> Status:
    template = services.formulation_template_create(
        actor=api_user(request), composition=_composition(payload)
    )
    return Status(201, _formulation_out(template))


@router.post("/templates/{template_id}/stop", response=FormulationOut, summary="Retire a template")
def stop_template(request: HttpRequest, template_id: int, payload: StopIn) -> Formulation:
    user = api_user(request)
    template = selectors.formulation_template_get(user=user, template_id=template_id)
    services.formulation_stop(actor=user, formulation=template, reason=payload.reason)
    return _formulation_out(template)


@patient_router.get(
    "/patients/{patient_id}/formulations",
    response=list[FormulationOut],
    summary="A patient's formulations, newest first",
)
def list_patient_formulations(request: HttpRequest, patient_id: int) -> list:
    user = api_user(request)
    record = patient_get_for_user(user=user, patient_id=patient_id)
    return selectors.formulations_for_patient(user=user, patient=record.patient)


@patient_router.post(
    "/patients/{patient_id}/formulations/check",
    response=CheckOut,
    summary="Screen the patient with a formulation, without saving anything",
)
def check_formulation(request: HttpRequest, patient_id: int, payload: FormulationIn) -> dict:
    user = api_user(request)
    record = patient_get_for_user(user=user, patient_id=patient_id)
    check, consultation = selectors.formulation_check(
        user=user, patient=record.patient, composition=_composition(payload)
    )
    return {
        "decision": check.decision,
        "can_save": check.can_save,
        "blocking": check.blocking,
        "consultation_id": consultation.pk,
        "result": check.result,
    }


@patient_router.post(
    "/patients/{patient_id}/formulations",
    response={201: FormulationOut},
    summary="Give the patient a formulation; refused (422) when the screening forbids it",
)
def prescribe(request: HttpRequest, patient_id: int, payload: PrescriptionIn) -> Status:
    user = api_user(request)
    record = patient_get_for_user(user=user, patient_id=patient_id)
    formulation = services.formulation_prescribe(
        actor=user,
        patient=record.patient,
        composition=_composition(payload),
        checked_decision=payload.checked_decision,
    )
    return Status(201, _formulation_out(formulation))


@patient_router.get("/formulations/{formulation_id}", response=FormulationOut)
def get_formulation(request: HttpRequest, formulation_id: int) -> Formulation:
    return selectors.formulation_get_for_user(user=api_user(request), formulation_id=formulation_id)


@patient_router.post(
    "/formulations/{formulation_id}/stop",
    response=FormulationOut,
    summary="Stop a patient's formulation",
)
def stop_formulation(request: HttpRequest, formulation_id: int, payload: StopIn) -> Formulation:
    user = api_user(request)
    formulation = selectors.formulation_get_for_user(user=user, formulation_id=formulation_id)
    services.formulation_stop(actor=user, formulation=formulation, reason=payload.reason)
    return _formulation_out(formulation)
