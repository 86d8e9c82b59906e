import datetime

import pytest
from django.utils import timezone

from mesoclinic.formulary.models import StockMovement
from mesoclinic.formulary.tests.factories import GTIN, make_product, receive


@pytest.fixture
def api(client, manager):
    client.force_login(manager)

    def call(method, path, body=None):
        return getattr(client, method)(
            f"/api/v1/formulary{path}", data=body, content_type="application/json"
        )

    return call


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def test_a_product_and_a_delivery_through_the_api(api, location_a):
    created = api(
        "post",
        "/products",
        {
            "brand_name": "Hair Cocktail",
            "vial_size_ml": "5",
            "gtin": GTIN,
            "ingredients": [
                {"ingredient": "biotin", "concentration_percent": "0.5"},
                {"ingredient": "Dexpanthenol"},
            ],
        },
    )
    assert created.status_code == 201
    assert [i["ingredient"] for i in created.json()["ingredients"]] == ["biotin", "dexpanthenol"]
    received = api(
        "post",
        "/stock/receive",
        {
            "location_id": location_a.pk,
            "quantity": 6,
            "label": "(01)07032069804988(17)301231(10)A1",
        },
    )
    assert received.status_code == 201
    assert (received.json()["lot_number"], received.json()["on_hand_after"]) == ("A1", 6)
    used = api(
        "post",
        "/stock/withdraw",
        {
            "location_id": location_a.pk,
            "quantity": 2,
            "kind": "used",
            "lot_id": received.json()["lot_id"],
        },
    )
    assert used.json()["on_hand_after"] == 4
    stock = api("get", f"/stock?location_id={location_a.pk}").json()
    assert [(line["lot_number"], line["on_hand"]) for line in stock] == [("A1", 4)]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (
            {"quantity": -1, "product_id": "P", "lot_number": "L", "expiry_date": in_days(90)},
            "quantity",
        ),
        (
            {"quantity": 1, "product_id": "P", "lot_number": "L", "expiry_date": in_days(-1)},
            "expiry_date",
        ),
        ({"quantity": 1, "lot_number": "L"}, "product_id"),
        ({"quantity": 1, "label": "not a label"}, "label"),
        (
            {"quantity": "two", "product_id": "P", "lot_number": "L", "expiry_date": in_days(9)},
            "quantity",
        ),
    ],
)
def test_a_bad_delivery_gets_422_with_the_field_and_writes_nothing(
    api, manager, location_a, body, field
):
    product = make_product(manager)
    body = {
        "location_id": location_a.pk,
        **{k: (product.pk if v == "P" else v) for k, v in body.items()},
    }
    response = api("post", "/stock/receive", body)
    assert response.status_code == 422
    assert field in [error["loc"][-1] for error in response.json()["detail"]]
    assert StockMovement.objects.count() == 0


def test_an_unknown_product_is_404(api, location_a):
    response = api(
        "post",
        "/stock/receive",
        {
            "location_id": location_a.pk,
            "quantity": 1,
            "product_id": 999,
            "lot_number": "L",
            "expiry_date": in_days(30),
        },
    )
    assert response.status_code == 404


def test_taking_more_than_there_is_gets_422(api, manager, location_a):
    lot = receive(manager, location_a, make_product(manager), quantity=1).lot
    response = api(
        "post",
        "/stock/withdraw",
        {"location_id": location_a.pk, "lot_id": lot.pk, "quantity": 2, "kind": "used"},
    )
    assert response.status_code == 422
    assert "Only 1 vial" in response.json()["detail"][0]["msg"]


def test_reception_gets_403_on_stock(client, reception, manager, location_a):
    lot = receive(manager, location_a, make_product(manager)).lot
    client.force_login(reception)
    response = client.post(
        "/api/v1/formulary/stock/withdraw",
        content_type="application/json",
        data={"location_id": location_a.pk, "lot_id": lot.pk, "quantity": 1, "kind": "used"},
    )
    assert response.status_code == 403
