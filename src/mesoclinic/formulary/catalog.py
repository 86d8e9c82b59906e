"""The ingredient catalog (data/ingredients.yaml): names, classes, sources; checked at start."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured

CATALOG_FILE = Path(__file__).parent / "data" / "ingredients.yaml"


@dataclass(frozen=True)
class Ingredient:
    name: str
    ingredient_class: str
    source: str
    # The concentration range a formulation may hold, where the source gives one.
    percent_range: tuple[Decimal, Decimal] | None = None


@dataclass(frozen=True)
class IngredientCatalog:
    version: str
    classes: dict[str, str]
    ingredients: dict[str, Ingredient]


def parse_catalog(text: str, origin: str) -> IngredientCatalog:
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not document.get("version"):
        raise ImproperlyConfigured(f"{origin}: expected a mapping with a version")
    classes = dict(document.get("classes") or {})
    ingredients: dict[str, Ingredient] = {}
    for position, entry in enumerate(document.get("ingredients") or [], start=1):
        name = str(entry.get("name", "")) if isinstance(entry, dict) else ""
        where = f"{origin}: ingredient {name or f'#{position}'}"
        if not name or name != name.lower().strip():
            raise ImproperlyConfigured(f"{where}: the name must be lower-case and trimmed")
        if entry.get("class") not in classes:
            raise ImproperlyConfigured(f"{where}: unknown class {entry.get('class')!r}")
        if not entry.get("source"):
            raise ImproperlyConfigured(f"{where}: the source is missing")
        if name in ingredients:
            raise ImproperlyConfigured(f"{where}: listed twice")
        ingredients[name] = Ingredient(
            name=name,
            ingredient_class=entry["class"],
            source=entry["source"],
            percent_range=_percent_range(entry.get("percent_range"), where),
        )
    return IngredientCatalog(
        version=str(document["version"]), classes=classes, ingredients=ingredients
    )


def _percent_range(value, where: str) -> tuple[Decimal, Decimal] | None:
    if value is None:
        return None
    try:
        low, high = (Decimal(str(bound)) for bound in value)
    except (TypeError, ValueError, InvalidOperation):
        raise ImproperlyConfigured(f"{where}: percent_range must be [low, high]") from None
    if not 0 < low <= high <= 100:
        raise ImproperlyConfigured(f"{where}: percent_range must have 0 < low <= high <= 100")
    return low, high


@cache
def ingredient_catalog() -> IngredientCatalog:
    return parse_catalog(CATALOG_FILE.read_text(encoding="utf-8"), origin=CATALOG_FILE.name)
