import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from mesoclinic.accounts.api import location_from_body
from mesoclinic.accounts.models import User
from mesoclinic.formulary import selectors, services
from mesoclinic.formulary.catalog import ingredient_catalog
from mesoclinic.formulary.models import Lot, Product

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


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


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
        actor=_user(request),
        ingredients=[
            (i["ingredient"], i["concentration_percent"]) for i in data.pop("ingredients")
        ],
        **data,
    )
    return Status(201, Product.objects.prefetch_related("ingredients").get(pk=product.pk))


@router.post("/stock/receive", response={201: MovementOut}, summary="Book a delivery")
def receive(request: HttpRequest, payload: ReceiveIn) -> Status:
    user, location = _user(request), location_from_body(payload.location_id)
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
        actor=_user(request),
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
        actor=_user(request),
        location=location_from_body(payload.location_id),
        lot=_lot(payload.lot_id),
        change=payload.change,
        reason=payload.reason,
    )
    return Status(201, _movement_out(movement))


@router.post("/vials/open", response={201: OpenedVialOut}, summary="Open a multi-dose vial")
def open_vial(request: HttpRequest, payload: OpenIn) -> Status:
    vial = services.vial_open(
        actor=_user(request),
        location=location_from_body(payload.location_id),
        lot=_lot(payload.lot_id),
    )
    return Status(201, vial)


@router.get("/stock", response=list[StockLineOut], summary="Vials on hand at a location")
def stock(request: HttpRequest, location_id: int) -> list:
    lines = selectors.stock_levels(user=_user(request), location=location_from_body(location_id))
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
