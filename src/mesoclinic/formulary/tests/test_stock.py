import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.models import Lot, StockMovement
from mesoclinic.formulary.selectors import stock_levels, stock_on_hand, stock_warnings
from mesoclinic.formulary.services import (
    opened_vial_check_usable,
    product_create,
    stock_adjust,
    stock_receive,
    stock_receive_from_label,
    stock_withdraw,
    vial_open,
)
from mesoclinic.formulary.tests.factories import GTIN, make_product, receive


@pytest.fixture
def product(manager):
    return make_product(manager)


def test_a_delivery_adds_vials_and_the_ledger_is_the_stock(manager, location_a, product):
    movement = receive(manager, location_a, product, quantity=12)
    lot = movement.lot
    stock_withdraw(actor=manager, location=location_a, lot=lot, quantity=3, kind="used")
    stock_adjust(actor=manager, location=location_a, lot=lot, change=-1, reason="broken in count")
    assert stock_on_hand(location=location_a, lot=lot) == 8
    assert list(StockMovement.objects.order_by("id").values_list("kind", "quantity")) == [
        ("received", 12),
        ("used", -3),
        ("adjusted", -1),
    ]
    assert AuditEvent.objects.filter(object_type="formulary.stockmovement").count() == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": -5}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"expiry_date": datetime.date(2020, 1, 1)}, "expiry_date"),
        ({"lot_number": " "}, "lot_number"),
    ],
)
def test_a_bad_delivery_is_refused_and_nothing_is_written(
    manager, location_a, product, changes, field
):
    arguments = {
        "actor": manager,
        "location": location_a,
        "product": product,
        "lot_number": "L1",
        "expiry_date": timezone.localdate() + datetime.timedelta(days=90),
        "quantity": 5,
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        stock_receive(**arguments)
    assert field in refused.value.message_dict
    assert (Lot.objects.count(), StockMovement.objects.count()) == (0, 0)


def test_the_same_lot_with_another_expiry_is_refused(manager, location_a, product):
    receive(manager, location_a, product, days=200)
    with pytest.raises(ValidationError, match="is recorded with expiry"):
        receive(manager, location_a, product, days=100)
    assert StockMovement.objects.count() == 1


def test_using_more_than_is_in_stock_is_refused(manager, location_a, product):
    lot = receive(manager, location_a, product, quantity=2).lot
    with pytest.raises(ValidationError, match="Only 2 vial"):
        stock_withdraw(actor=manager, location=location_a, lot=lot, quantity=3, kind="used")
    assert stock_on_hand(location=location_a, lot=lot) == 2


def test_stock_is_per_location(manager, location_a, location_b, product):
    lot = receive(manager, location_a, product, quantity=2).lot
    manager.locations.add(location_b)
    manager.__dict__.pop("location_ids", None)
    with pytest.raises(ValidationError, match="Only 0 vial"):
        stock_withdraw(actor=manager, location=location_b, lot=lot, quantity=1, kind="used")


def test_an_expired_lot_cannot_be_used(manager, location_a, product):
    lot = receive(manager, location_a, product).lot
    Lot.objects.filter(pk=lot.pk).update(expiry_date=timezone.localdate() - datetime.timedelta(1))
    lot.refresh_from_db()
    with pytest.raises(ValidationError, match="expired on"):
        stock_withdraw(actor=manager, location=location_a, lot=lot, quantity=1, kind="used")
    discarded = stock_withdraw(
        actor=manager, location=location_a, lot=lot, quantity=1, kind="discarded"
    )
    assert discarded.quantity == -1


def test_an_opened_vial_expires_after_its_limit(practitioner, manager, location_a):
    product = make_product(manager, multi_dose=True, name="Multi")
    lot = receive(manager, location_a, product, quantity=1).lot
    vial = vial_open(actor=practitioner, location=location_a, lot=lot)
    assert stock_on_hand(location=location_a, lot=lot) == 0
    assert vial.usable_until - vial.opened_at == datetime.timedelta(hours=24)
    opened_vial_check_usable(vial, at=vial.opened_at + datetime.timedelta(hours=23))
    with pytest.raises(ValidationError, match="may not be used after"):
        opened_vial_check_usable(vial, at=vial.opened_at + datetime.timedelta(hours=25))


def test_a_single_dose_vial_is_not_opened_for_later(manager, location_a, product):
    lot = receive(manager, location_a, product).lot
    with pytest.raises(ValidationError, match="single-dose"):
        vial_open(actor=manager, location=location_a, lot=lot)


def test_reception_may_not_touch_stock(reception, manager, location_a, product):
    lot = receive(manager, location_a, product).lot
    with pytest.raises(PermissionDenied):
        stock_withdraw(actor=reception, location=location_a, lot=lot, quantity=1, kind="used")
    with pytest.raises(PermissionDenied):
        receive(reception, location_a, product)


def test_a_delivery_is_read_from_the_gs1_label(manager, location_a):
    make_product(manager, gtin=GTIN)
    movement = stock_receive_from_label(
        actor=manager,
        location=location_a,
        quantity=4,
        label="(01)07032069804988(17)291231(10)LOT42A",
    )
    assert (movement.lot.lot_number, movement.lot.expiry_date, movement.quantity) == (
        "LOT42A",
        datetime.date(2029, 12, 31),
        4,
    )
    scanned = stock_receive_from_label(
        actor=manager, location=location_a, quantity=1, label="]d201070320698049881729123110LOT42A"
    )
    assert scanned.lot == movement.lot


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("hello", "Not a readable GS1 label"),
        ("(01)07032069804988(10)LOT42A", "The label lacks expiry (17)"),
        ("(01)05901234123457(17)291231(10)X", "No product has the GTIN 05901234123457"),
    ],
)
def test_an_unusable_label_is_refused_with_the_reason(manager, location_a, label, message):
    make_product(manager, gtin=GTIN)
    with pytest.raises(ValidationError, match=re.escape(message)):
        stock_receive_from_label(actor=manager, location=location_a, quantity=1, label=label)
    assert StockMovement.objects.count() == 0


@pytest.mark.parametrize(
    ("ingredients", "gtin", "field"),
    [
        ([("unobtainium", None)], "", "ingredients.0.ingredient"),
        ([], "", "ingredients"),
        ([("biotin", Decimal("-1"))], "", "ingredients.0.concentration_percent"),
        ([("biotin", None)], "07032069804987", "gtin"),
    ],
)
def test_a_bad_product_is_refused(manager, ingredients, gtin, field):
    with pytest.raises(ValidationError) as refused:
        product_create(
            actor=manager,
            brand_name="X",
            vial_size_ml=Decimal(2),
            ingredients=ingredients,
            gtin=gtin,
        )
    assert field in refused.value.message_dict


def test_levels_and_warnings_show_what_expires_soon(
    manager, location_a, product, django_assert_max_num_queries
):
    soon = receive(manager, location_a, product, lot_number="SOON", days=10).lot
    receive(manager, location_a, product, lot_number="LATER", days=300)
    with django_assert_max_num_queries(3):
        levels = stock_levels(user=manager, location=location_a)
    assert [(line.lot.lot_number, line.on_hand, line.days_to_expiry) for line in levels] == [
        ("SOON", 10, 10),
        ("LATER", 10, 300),
    ]
    warnings = stock_warnings(user=manager, location=location_a)
    assert [line.lot for line in warnings.expiring] == [soon]


def test_the_ledger_cannot_be_rewritten(manager, location_a, product):
    movement = receive(manager, location_a, product)
    movement.quantity = 100
    with pytest.raises(ValueError, match="append-only"):
        movement.save()
