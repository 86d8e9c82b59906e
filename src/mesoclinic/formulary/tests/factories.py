import datetime
from decimal import Decimal

from django.utils import timezone

from mesoclinic.formulary.composition import Composition
from mesoclinic.formulary.services import product_create, stock_receive

GTIN = "07032069804988"


def make_product(actor, *, multi_dose=False, gtin="", name="Dermaheal HL"):
    return product_create(
        actor=actor,
        brand_name=name,
        vial_size_ml=Decimal("5"),
        ingredients=[("biotin", Decimal("0.1")), ("dexpanthenol", None)],
        is_multi_dose=multi_dose,
        hours_usable_after_opening=24 if multi_dose else None,
        gtin=gtin,
    )


def receive(actor, location, product, *, quantity=10, lot_number="L100", days=200):
    return stock_receive(
        actor=actor,
        location=location,
        product=product,
        lot_number=lot_number,
        expiry_date=timezone.localdate() + datetime.timedelta(days=days),
        quantity=quantity,
    )


VITAMINS = (("biotin", Decimal("0.1")), ("dexpanthenol", Decimal("2")))


def composition(*ingredients, modality="cocktail", name="Vitamin cocktail", **changes):
    return Composition(
        name=name,
        indication=changes.pop("indication", "hair_loss"),
        modality=modality,
        volume_ml_per_session=changes.pop("volume", Decimal("3")),
        ingredients=tuple(ingredients) or VITAMINS,
        **changes,
    )
