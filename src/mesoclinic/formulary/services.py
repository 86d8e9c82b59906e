"""Every change to products and stock: permission-checked, validated, atomic and audited.

Stock never goes negative: a withdrawal locks the lot's row, sums the location's ledger
and refuses what is not there, all in one transaction; concurrent withdrawals queue on
the lock (on SQLite, on the IMMEDIATE write transaction).
"""

import datetime
from collections.abc import Iterable
from decimal import Decimal

import biip
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mesoclinic import clock
from mesoclinic.accounts.models import Location, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record, audited_update
from mesoclinic.formulary.composition import Composition, clean_parts, formulation_build
from mesoclinic.formulary.gs1 import read_label
from mesoclinic.formulary.models import (
    Formulation,
    FormulationIngredient,
    Lot,
    MovementKind,
    OpenedVial,
    Product,
    ProductIngredient,
    StockMovement,
)
from mesoclinic.formulary.selectors import formulation_check, stock_on_hand
from mesoclinic.patients.models import Patient

WITHDRAWAL_KINDS = {MovementKind.USED, MovementKind.DISCARDED, MovementKind.RETURNED}


def product_create(
    *,
    actor: User,
    brand_name: str,
    vial_size_ml: Decimal,
    ingredients: Iterable[tuple[str, Decimal | None]],
    is_multi_dose: bool = False,
    hours_usable_after_opening: int | None = None,
    manufacturer: str = "",
    gtin: str = "",
) -> Product:
    """A product with its ingredients, all validated against the catalog, in one transaction."""
    require_permission(user=actor, permission=Permission.STOCK_MANAGE)
    product = Product(
        brand_name=brand_name.strip(),
        vial_size_ml=vial_size_ml,
        is_multi_dose=is_multi_dose,
        hours_usable_after_opening=hours_usable_after_opening,
        manufacturer=manufacturer.strip(),
        gtin=_valid_gtin(gtin),
    )
    product.full_clean()
    parts = [
        ProductIngredient(ingredient=name.strip().lower(), concentration_percent=percent)
        for name, percent in ingredients
    ]
    if not parts:
        raise ValidationError({"ingredients": ["A product has one ingredient at least."]})
    clean_parts(parts, exclude=["product"])
    with transaction.atomic():
        product.save()
        for part in parts:
            part.product = product
        ProductIngredient.objects.bulk_create(parts)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="formulary.product",
            object_id=product.pk,
            details={"ingredients": [str(p) for p in parts]},
        )
    return product


def stock_receive(
    *,
    actor: User,
    location: Location,
    product: Product,
    lot_number: str,
    expiry_date: datetime.date,
    quantity: int,
    supplier: str = "",
) -> StockMovement:
    """Book a delivery of sealed vials into a location's stock."""
    require_permission(user=actor, permission=Permission.STOCK_MANAGE, location=location)
    errors = {}
    if quantity < 1:
        errors["quantity"] = ["Receive one vial at least."]
    if expiry_date < timezone.localdate():
        errors["expiry_date"] = [f"This lot expired on {expiry_date}; do not take it into stock."]
    if not product.is_active:
        errors["product"] = ["This product is no longer in use."]
    lot_number = lot_number.strip()
    if not lot_number:
        errors["lot_number"] = ["The lot number is required for traceability."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lot, created = Lot.objects.get_or_create(
            product=product,
            lot_number=lot_number,
            defaults={"expiry_date": expiry_date, "supplier": supplier.strip()},
        )
        if not created and lot.expiry_date != expiry_date:
            raise ValidationError(
                {
                    "expiry_date": [
                        f"Lot {lot_number} is recorded with expiry {lot.expiry_date}; "
                        "check the label."
                    ]
                }
            )
        return _append(
            actor=actor,
            location=location,
            lot=lot,
            kind=MovementKind.RECEIVED,
            quantity=quantity,
            note=f"supplier: {supplier}".strip(": "),
        )


def stock_receive_from_label(
    *, actor: User, location: Location, label: str, quantity: int, supplier: str = ""
) -> StockMovement:
    """The same, with product, lot and expiry read from the vial's GS1 barcode."""
    try:
        data = read_label(label)
    except ValueError as error:
        raise ValidationError({"label": [str(error)]}) from None
    gtin, lot_number, expiry_date = data.gtin, data.lot_number, data.expiry_date
    if gtin is None or lot_number is None or expiry_date is None:
        missing = [
            name
            for name, value in (
                ("GTIN (01)", gtin),
                ("lot (10)", lot_number),
                ("expiry (17)", expiry_date),
            )
            if not value
        ]
        raise ValidationError({"label": [f"The label lacks {', '.join(missing)}."]})
    product = Product.objects.filter(gtin=gtin).first()
    if product is None:
        raise ValidationError({"label": [f"No product has the GTIN {gtin}."]})
    return stock_receive(
        actor=actor,
        location=location,
        product=product,
        lot_number=lot_number,
        expiry_date=expiry_date,
        quantity=quantity,
        supplier=supplier,
    )


def stock_withdraw(
    *, actor: User, location: Location, lot: Lot, quantity: int, kind: str, note: str = ""
) -> StockMovement:
    """Take sealed vials out: used in a session, discarded, or returned to the supplier."""
    if kind not in WITHDRAWAL_KINDS:
        raise ValidationError({"kind": [f"Choose one of {sorted(WITHDRAWAL_KINDS)}."]})
    permission = Permission.STOCK_MANAGE if kind == MovementKind.RETURNED else Permission.STOCK_USE
    require_permission(user=actor, permission=permission, location=location)
    if quantity < 1:
        raise ValidationError({"quantity": ["Withdraw one vial at least."]})
    if kind == MovementKind.USED:
        _refuse_expired(lot)
    with transaction.atomic():
        _lock_and_check_stock(location=location, lot=lot, needed=quantity)
        return _append(
            actor=actor, location=location, lot=lot, kind=kind, quantity=-quantity, note=note
        )


def stock_adjust(
    *, actor: User, location: Location, lot: Lot, change: int, reason: str
) -> StockMovement:
    """Correct the count after a stock take; the reason is kept in the ledger."""
    require_permission(user=actor, permission=Permission.STOCK_MANAGE, location=location)
    if change == 0:
        raise ValidationError({"change": ["An adjustment changes the count."]})
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the count is corrected."]})
    with transaction.atomic():
        if change < 0:
            _lock_and_check_stock(location=location, lot=lot, needed=-change)
        return _append(
            actor=actor,
            location=location,
            lot=lot,
            kind=MovementKind.ADJUSTED,
            quantity=change,
            note=reason.strip(),
        )


def vial_open(*, actor: User, location: Location, lot: Lot) -> OpenedVial:
    """Open a sealed multi-dose vial: stock goes down by one and its after-opening clock starts."""
    require_permission(user=actor, permission=Permission.STOCK_USE, location=location)
    product = lot.product
    if not product.is_multi_dose or not product.hours_usable_after_opening:
        raise ValidationError({"lot": ["A single-dose vial is used whole, not opened for later."]})
    _refuse_expired(lot)
    opened_at = clock.now()
    end_of_expiry_day = datetime.datetime.combine(
        lot.expiry_date, datetime.time.max, tzinfo=timezone.get_current_timezone()
    )
    usable_until = min(
        opened_at + datetime.timedelta(hours=product.hours_usable_after_opening), end_of_expiry_day
    )
    with transaction.atomic():
        _lock_and_check_stock(location=location, lot=lot, needed=1)
        _append(actor=actor, location=location, lot=lot, kind=MovementKind.OPENED, quantity=-1)
        return OpenedVial.objects.create(
            location=location,
            lot=lot,
            opened_at=opened_at,
            usable_until=usable_until,
            opened_by=actor,
        )


def opened_vial_check_usable(vial: OpenedVial, *, at: datetime.datetime | None = None) -> None:
    """Refuse a vial past its after-opening limit (or finished); sessions call this before use."""
    moment = at or clock.now()
    if not vial.is_usable_at(moment):
        raise ValidationError(
            {
                "vial": [
                    f"This vial of lot {vial.lot.lot_number} may not be used after "
                    f"{timezone.localtime(vial.usable_until):%Y-%m-%d %H:%M}; discard it."
                ]
            }
        )


def _refuse_expired(lot: Lot) -> None:
    if lot.is_expired_on(clock.today()):
        raise ValidationError({"lot": [f"Lot {lot.lot_number} expired on {lot.expiry_date}."]})


def _lock_and_check_stock(*, location: Location, lot: Lot, needed: int) -> None:
    Lot.objects.select_for_update().filter(pk=lot.pk).first()
    on_hand = stock_on_hand(location=location, lot=lot)
    if on_hand < needed:
        raise ValidationError(
            {
                "quantity": [
                    f"Only {on_hand} vial(s) of lot {lot.lot_number} at {location}; "
                    f"{needed} needed."
                ]
            }
        )


def _append(
    *, actor: User, location: Location, lot: Lot, kind: str, quantity: int, note: str = ""
) -> StockMovement:
    movement = StockMovement(
        location=location, lot=lot, kind=kind, quantity=quantity, actor=actor, note=note
    )
    movement.full_clean()
    movement.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="formulary.stockmovement",
        object_id=movement.pk,
        location_id=location.pk,
        details={
            "kind": kind,
            "quantity": quantity,
            "lot": lot.lot_number,
            "product": lot.product.brand_name,
        },
    )
    return movement


def _valid_gtin(gtin: str) -> str:
    gtin = gtin.strip()
    if not gtin:
        return ""
    try:
        return biip.gtin.Gtin.parse(gtin).value
    except biip.ParseError as error:
        raise ValidationError({"gtin": [f"Not a valid GTIN: {error}"]}) from None


def formulation_template_create(*, actor: User, composition: Composition) -> Formulation:
    """A template cocktail for the actor's clinic group."""
    require_permission(user=actor, permission=Permission.FORMULATION_TEMPLATE_EDIT)
    if actor.clinic_group is None:
        raise ValidationError("This login belongs to no clinic group.")
    formulation, parts = formulation_build(
        composition, clinic_group=actor.clinic_group, created_by=actor
    )
    with transaction.atomic():
        _save_with_parts(formulation, parts)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="formulary.formulation",
            object_id=formulation.pk,
            details={"template": formulation.name, "ingredients": [str(p) for p in parts]},
        )
    return formulation


def formulation_prescribe(
    *, actor: User, patient: Patient, composition: Composition, checked_decision: str | None = None
) -> Formulation:
    """Give a patient a formulation: re-screened now, refused if the check forbids it.

    `checked_decision` is the decision the prescriber was shown; if the record changed
    since and the engine now decides otherwise, nothing is saved and they must look again.
    """
    # Checked outside the transaction too, so that a refusal's audit row is kept.
    require_permission(user=actor, permission=Permission.FORMULATION_PRESCRIBE, patient=patient)
    with transaction.atomic():
        # Serialise with changes to the record, so the check is of what is saved beside it.
        patient = Patient.objects.select_for_update().get(pk=patient.pk)
        check, consultation = formulation_check(
            user=actor, patient=patient, composition=composition
        )
        if checked_decision is not None and checked_decision != check.decision:
            raise ValidationError(
                "The screening result changed since it was shown "
                f"({checked_decision} → {check.decision}); check again before saving."
            )
        if not check.can_save:
            raise ValidationError([f"{reason.message} ({reason.why})" for reason in check.blocking])
        formulation, parts = formulation_build(
            composition,
            clinic_group=patient.location.group,
            created_by=actor,
            patient=patient,
            consultation=consultation,
        )
        formulation.screening_decision = check.decision
        formulation.screening_result = check.result
        _save_with_parts(formulation, parts)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="formulary.formulation",
            object_id=formulation.pk,
            patient_id=patient.pk,
            location_id=patient.location_id,
            changes={"screening_decision": [None, check.decision]},
            details={"ingredients": [str(p) for p in parts], "template": composition.template_id},
        )
    return formulation


def formulation_stop(*, actor: User, formulation: Formulation, reason: str) -> Formulation:
    """Stop using a formulation (a template, or a patient's); it stays on record."""
    patient = formulation.patient
    if patient is None:
        require_permission(user=actor, permission=Permission.FORMULATION_TEMPLATE_EDIT)
    else:
        require_permission(user=actor, permission=Permission.FORMULATION_PRESCRIBE, patient=patient)
    if not reason.strip():
        raise ValidationError({"reason": ["Say why it is stopped."]})
    with transaction.atomic():
        stopped, _changes = audited_update(
            actor=actor,
            instance=formulation,
            fields={"is_active": False},
            patient_id=getattr(patient, "pk", None),
            location_id=getattr(patient, "location_id", None),
            details={"reason": reason.strip()},
        )
    return stopped


def _save_with_parts(formulation: Formulation, parts: list[FormulationIngredient]) -> None:
    formulation.full_clean()
    formulation.save()
    for part in parts:
        part.formulation = formulation
    FormulationIngredient.objects.bulk_create(parts)
