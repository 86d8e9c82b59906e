import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from mesoclinic.formulary.models import Formulation, Lot, StockMovement
from mesoclinic.formulary.selectors import stock_on_hand
from mesoclinic.formulary.services import formulation_prescribe, formulation_template_create
from mesoclinic.formulary.tests.factories import GTIN, composition, make_product, receive

VITAMIN_FORM = {
    "name": "Vitamin cocktail",
    "indication": "hair_loss",
    "modality": "cocktail",
    "volume_ml_per_session": "3",
    "ingredient_0": "biotin",
    "percent_0": "0.1",
    "ingredient_1": "dexpanthenol",
    "percent_1": "2",
}


def token_in(page: str) -> str:
    match = re.search(r'name="check_token" value="([^"]+)"', page)
    assert match, "the page offers no save after the check"
    return match.group(1)


@pytest.fixture
def compose_url(patient_a):
    return f"/formulary/patients/{patient_a.pk}/new/"


def test_checking_then_saving_a_formulation(client, practitioner, patient_a, compose_url):
    client.force_login(practitioner)

    checked = client.post(compose_url, {**VITAMIN_FORM, "action": "check"})
    page = checked.content.decode()
    assert checked.status_code == 200
    assert "Screening with this formulation" in page
    assert "Save formulation" in page
    assert not Formulation.objects.exists()

    saved = client.post(
        compose_url, {**VITAMIN_FORM, "action": "save", "check_token": token_in(page)}
    )
    formulation = Formulation.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == f"/formulary/{formulation.pk}/"
    detail = client.get(saved["Location"]).content.decode()
    assert "dexpanthenol" in detail
    assert formulation.get_screening_decision_display() in detail


def test_saving_without_a_check_of_this_composition_is_refused(
    client, practitioner, patient_a, compose_url
):
    client.force_login(practitioner)
    page = client.post(compose_url, {**VITAMIN_FORM, "action": "check"}).content.decode()

    unchecked = client.post(compose_url, {**VITAMIN_FORM, "action": "save"})
    changed = client.post(
        compose_url,
        {**VITAMIN_FORM, "percent_1": "5", "action": "save", "check_token": token_in(page)},
    )

    assert unchecked.status_code == 400
    assert "Check the formulation against the patient before saving" in unchecked.content.decode()
    assert changed.status_code == 400
    assert "changed since it was checked" in changed.content.decode()
    assert not Formulation.objects.exists()


def test_a_contraindicated_formulation_shows_why_and_offers_no_save(
    client, practitioner, patient_a, compose_url
):
    client.force_login(practitioner)

    checked = client.post(
        compose_url,
        {**VITAMIN_FORM, "ingredient_2": "lidocaine", "percent_2": "1", "action": "check"},
    )

    page = checked.content.decode()
    assert "This formulation cannot be saved for this patient" in page
    assert "Allergy to lidocaine" in page
    assert 'name="check_token"' not in page
    assert "Save formulation" not in page


def test_a_bad_row_is_marked_where_it_is(client, practitioner, patient_a, compose_url):
    client.force_login(practitioner)

    response = client.post(
        compose_url,
        {**VITAMIN_FORM, "ingredient_3": "dutasteride", "percent_3": "0.5", "action": "check"},
    )

    assert response.status_code == 400
    assert "dutasteride is used at 0.005–0.05%" in response.content.decode()
    assert response.context["form"].errors["percent_3"]


def test_a_template_fills_in_the_form(client, manager, practitioner, patient_a, compose_url):
    template = formulation_template_create(
        actor=manager,
        composition=composition(("dutasteride", Decimal("0.01")), name="Dutasteride cocktail"),
    )
    client.force_login(practitioner)

    form = client.get(f"{compose_url}?template={template.pk}").context["form"]

    assert form.initial["name"] == "Dutasteride cocktail"
    assert form.initial["ingredient_0"] == "dutasteride"
    assert form.initial["template"] == template.pk


def test_reception_may_not_compose(client, reception, compose_url):
    client.force_login(reception)
    assert client.get(compose_url).status_code == 403


def test_the_record_lists_formulations_in_constant_queries(
    client, practitioner, patient_a, django_assert_max_num_queries
):
    for number in range(4):
        formulation_prescribe(
            actor=practitioner, patient=patient_a, composition=composition(name=f"Mix {number}")
        )
    client.force_login(practitioner)

    with django_assert_max_num_queries(17):  # the record page, whatever the formulations
        page = client.get(f"/patients/{patient_a.pk}/").content.decode()
    assert page.count("biotin 0.1%") == 4


def test_a_manager_adds_a_template_on_the_page(client, manager):
    client.force_login(manager)

    response = client.post("/formulary/templates/", {**VITAMIN_FORM})

    assert response.status_code == 302
    assert "Vitamin cocktail" in client.get("/formulary/templates/").content.decode()


def test_a_practitioner_sees_templates_but_may_not_add_one(client, practitioner):
    client.force_login(practitioner)

    assert "New template" not in client.get("/formulary/templates/").content.decode()
    assert client.post("/formulary/templates/", VITAMIN_FORM).status_code == 403
    assert not Formulation.objects.exists()


def test_a_manager_books_a_delivery_typed_or_scanned(client, manager, location_a):
    product = make_product(manager, gtin=GTIN)
    client.force_login(manager)
    expiry = timezone.localdate() + datetime.timedelta(days=300)

    typed = client.post(
        "/formulary/stock/",
        {
            "location": location_a.pk,
            "product": product.pk,
            "lot_number": "T1",
            "expiry_date": expiry.isoformat(),
            "quantity": 4,
        },
    )
    scanned = client.post(
        "/formulary/stock/",
        {"location": location_a.pk, "label": "(01)07032069804988(17)301231(10)S2", "quantity": 2},
    )

    assert (typed.status_code, scanned.status_code) == (302, 302)
    page = client.get(f"/formulary/stock/?location={location_a.pk}").content.decode()
    assert "T1" in page
    assert "S2" in page


def test_a_past_expiry_is_refused_on_the_page(client, manager, location_a):
    product = make_product(manager)
    client.force_login(manager)

    response = client.post(
        "/formulary/stock/",
        {
            "location": location_a.pk,
            "product": product.pk,
            "lot_number": "OLD",
            "expiry_date": "2020-01-01",
            "quantity": 4,
        },
    )

    assert response.status_code == 200
    assert "do not take it into stock" in response.content.decode()
    assert not StockMovement.objects.exists()


def test_stock_is_for_clinical_staff_and_deliveries_for_managers(
    client, practitioner, reception, location_a
):
    client.force_login(practitioner)
    assert client.get("/formulary/stock/").status_code == 200
    assert client.post("/formulary/stock/", {"location": location_a.pk}).status_code == 403
    client.force_login(reception)
    assert client.get("/formulary/stock/").status_code == 403


def test_the_manager_dashboard_warns_of_lots_expiring_soon(
    client, manager, practitioner, location_a
):
    product = make_product(manager)
    receive(manager, location_a, product, lot_number="SOON", days=12)
    receive(manager, location_a, product, lot_number="LATER", days=200)

    client.force_login(manager)
    page = client.get("/").content.decode()
    client.force_login(practitioner)
    practitioner_page = client.get("/").content.decode()

    assert "Expires in 12 days" in page
    assert "SOON" in page
    assert "LATER" not in page
    assert "SOON" not in practitioner_page


def test_a_practitioner_discards_an_expired_lot_from_the_stock_page(
    client, manager, practitioner, location_a, location_b
):
    product = make_product(manager)
    movement = receive(manager, location_a, product, quantity=6, lot_number="GONE", days=5)
    Lot.objects.filter(pk=movement.lot_id).update(
        expiry_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(practitioner)
    page = client.get("/formulary/stock/").content.decode()
    assert "Discard all 6 vials" in page

    elsewhere = client.post(
        "/formulary/stock/discard/",
        {"location": location_b.pk, "lot": movement.lot_id, "quantity": 6, "reason": "expired"},
    )
    assert stock_on_hand(location=location_a, lot=movement.lot) == 6
    discarded = client.post(
        "/formulary/stock/discard/",
        {"location": location_a.pk, "lot": movement.lot_id, "quantity": 6, "reason": "expired"},
    )

    assert elsewhere.status_code == discarded.status_code == 302
    assert stock_on_hand(location=location_a, lot=movement.lot) == 0
    assert StockMovement.objects.filter(kind="discarded", quantity=-6, actor=practitioner).exists()
