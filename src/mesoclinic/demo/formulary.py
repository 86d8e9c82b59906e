"""Demo products, lots in stock at every location (some close to expiry), the clinic's
template cocktails, and patients' formulations that pass the screening check."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from mesoclinic.accounts.models import ClinicGroup, Location, User
from mesoclinic.assessments.models import Consultation
from mesoclinic.demo.bulk import insert_rows, new
from mesoclinic.formulary.composition import Composition, composition_check
from mesoclinic.formulary.models import (
    Formulation,
    FormulationIngredient,
    Lot,
    MovementKind,
    Product,
    ProductIngredient,
    StockMovement,
)
from mesoclinic.screening.case import ScreeningCase
from mesoclinic.screening.models import ScreeningDecision

# (brand, manufacturer, vial mL, multi-dose hours or None, [(ingredient, percent)])
Ingredients = list[tuple[str, str | None]]
PRODUCTS: list[tuple[str, str, str, int | None, Ingredients]] = [
    (
        "Capillary Vital Complex",
        "Demo Pharma",
        "5",
        None,
        [("biotin", "0.05"), ("dexpanthenol", "2"), ("zinc", None), ("amino acids", None)],
    ),
    (
        "B-Complex Hair Ampoule",
        "Demo Pharma",
        "2",
        None,
        [("b-complex", None), ("cyanocobalamin", None)],
    ),
    ("Dutasteride 0.01% Solution", "Compounding Lab", "10", 72, [("dutasteride", "0.01")]),
    ("Minoxidil 1% Solution", "Compounding Lab", "10", 72, [("minoxidil", "1")]),
    (
        "Hyaluronic Acid 1% Non-cross-linked",
        "Demo Aesthetics",
        "3",
        None,
        [("hyaluronic acid", "1")],
    ),
    (
        "GHK-Cu Peptide Complex",
        "Demo Aesthetics",
        "5",
        None,
        [("copper peptide ghk-cu", None), ("growth factors", None)],
    ),
    ("Lidocaine 2%", "Generic", "20", 24, [("lidocaine", "2")]),
    ("PRP Preparation Kit", "Demo Medical", "8", None, [("autologous prp", None)]),
    (
        "Lipolytic PC/DC",
        "Demo Aesthetics",
        "5",
        None,
        [("phosphatidylcholine", "5"), ("deoxycholic acid", "2.5")],
    ),
]

# (name, indication, modality, mL per session, [(ingredient, percent)])
TEMPLATES: list[tuple[str, str, str, str, Ingredients]] = [
    (
        "Vitamin cocktail",
        "hair_loss",
        "cocktail",
        "3",
        [
            ("biotin", "0.05"),
            ("dexpanthenol", "2"),
            ("b-complex", None),
            ("zinc", None),
            ("amino acids", None),
        ],
    ),
    (
        "Dutasteride 0.01% cocktail",
        "hair_loss",
        "cocktail",
        "2",
        [("dutasteride", "0.01"), ("biotin", "0.05"), ("dexpanthenol", "2")],
    ),
    (
        "Minoxidil 1% cocktail",
        "hair_loss",
        "cocktail",
        "3",
        [("minoxidil", "1"), ("biotin", "0.05"), ("copper peptide ghk-cu", None)],
    ),
    ("PRP", "hair_loss", "prp", "4", [("autologous prp", None)]),
    (
        "Skin revitalisation",
        "skin_rejuvenation",
        "cocktail",
        "3",
        [("hyaluronic acid", "1"), ("nucleotides", None), ("ascorbic acid", None)],
    ),
    (
        "Lipolytic",
        "fat_reduction",
        "cocktail",
        "5",
        [("phosphatidylcholine", "5"), ("deoxycholic acid", "2.5")],
    ),
]

# Days from today to each lot's expiry: every product has two lots months away, and a few
# have one that is close to expiry or has just passed it, for the dashboard's warnings.
LOT_EXPIRY_DAYS = [420, 240]
SHORT_DATED_LOTS = {"B-Complex Hair Ampoule": 21, "Lidocaine 2%": 9, "Minoxidil 1% Solution": -4}
PRESCRIBED_SHARE = 0.6


def _percent(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def seed_products_and_stock(
    rng: random.Random, locations: list[Location], manager: User
) -> dict[str, int]:
    """The products, two or three lots of each per location, received months ago."""
    products = Product.objects.bulk_create(
        Product(
            brand_name=brand,
            manufacturer=maker,
            vial_size_ml=Decimal(size),
            is_multi_dose=hours is not None,
            hours_usable_after_opening=hours,
        )
        for brand, maker, size, hours, _ in PRODUCTS
    )
    ProductIngredient.objects.bulk_create(
        ProductIngredient(product=product, ingredient=name, concentration_percent=_percent(p))
        for product, (*_, ingredients) in zip(products, PRODUCTS, strict=True)
        for name, p in ingredients
    )
    today = timezone.localdate()
    lots = Lot.objects.bulk_create(
        Lot(
            product=product,
            lot_number=f"{product.pk:02d}{today.year % 100}{number:03d}",
            expiry_date=today + datetime.timedelta(days=days),
            supplier="Demo Medical Supplies",
        )
        for product in products
        for number, days in enumerate(
            [*LOT_EXPIRY_DAYS, *_short_dated(product.brand_name)], start=1
        )
    )
    received_at = timezone.now() - datetime.timedelta(days=60)
    movements = [
        new(
            StockMovement,
            location=location,
            lot=lot,
            kind=MovementKind.RECEIVED,
            quantity=rng.randint(3, 40),
            occurred_at=received_at,
            actor=manager,
            note="supplier: Demo Medical Supplies",
        )
        for location in locations
        for lot in lots
        if rng.random() < 0.7
    ]
    StockMovement.objects.bulk_create(movements)
    return {"products": len(products), "lots": len(lots), "stock_movements": len(movements)}


def _short_dated(brand_name: str) -> list[int]:
    return [SHORT_DATED_LOTS[brand_name]] if brand_name in SHORT_DATED_LOTS else []


def seed_templates(group: ClinicGroup, manager: User) -> list[Formulation]:
    templates = Formulation.objects.bulk_create(
        new(
            Formulation,
            clinic_group=group,
            name=name,
            indication=indication,
            modality=modality,
            volume_ml_per_session=Decimal(volume),
            created_by=manager,
        )
        for name, indication, modality, volume, _ in TEMPLATES
    )
    FormulationIngredient.objects.bulk_create(
        FormulationIngredient(formulation=template, ingredient=name, concentration_percent=p)
        for template, (*_, ingredients) in zip(templates, TEMPLATES, strict=True)
        for name, p in ((n, _percent(value)) for n, value in ingredients)
    )
    return templates


def template_compositions(templates: list[Formulation]) -> list[Composition]:
    return [
        Composition(
            name=template.name,
            indication=template.indication,
            modality=template.modality,
            volume_ml_per_session=template.volume_ml_per_session,
            ingredients=tuple((n, _percent(p)) for n, p in ingredients),
            template_id=template.pk,
        )
        for template, (*_, ingredients) in zip(templates, TEMPLATES, strict=True)
    ]


def demo_formulations(
    rng: random.Random,
    screened: list[tuple[Consultation, ScreeningCase, ScreeningDecision]],
    compositions: list[Composition],
    group_id: int,
) -> list[tuple[Formulation, ScreeningDecision]]:
    """Most screened consultations get a template formulation, if the check allows it;
    each is returned with the screening it rests on."""
    formulations, parts, screenings = [], [], []
    for consultation, case, screening in screened:
        fitting = [
            c
            for c in compositions
            if c.indication == consultation.indication and c.modality == consultation.modality
        ]
        if not fitting or rng.random() > PRESCRIBED_SHARE:
            continue
        composition = rng.choice(fitting)
        check = composition_check(case, composition, policies={}, consultation_screening=screening)
        if not check.can_save:
            continue
        formulation = new(
            Formulation,
            clinic_group_id=group_id,
            patient=consultation.patient,
            template_id=composition.template_id,
            consultation=consultation,
            name=composition.name,
            indication=composition.indication,
            modality=composition.modality,
            volume_ml_per_session=composition.volume_ml_per_session,
            screening_decision=check.decision,
            screening_result=check.result,
            created_by_id=consultation.practitioner_id,
            created_at=screening.screened_at,
        )
        formulations.append(formulation)
        parts.append(composition.ingredients)
        screenings.append(screening)
    insert_rows(Formulation, formulations)
    insert_rows(
        FormulationIngredient,
        [
            FormulationIngredient(formulation=formulation, ingredient=name, concentration_percent=p)
            for formulation, ingredients in zip(formulations, parts, strict=True)
            for name, p in ingredients
        ],
    )
    return list(zip(formulations, screenings, strict=True))
