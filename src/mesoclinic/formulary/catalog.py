"""The ingredient catalog (data/ingredients.yaml): names, classes, sources; checked at start."""

from dataclasses import dataclass
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
            name=name, ingredient_class=entry["class"], source=entry["source"]
        )
    return IngredientCatalog(
        version=str(document["version"]), classes=classes, ingredients=ingredients
    )


@cache
def ingredient_catalog() -> IngredientCatalog:
    return parse_catalog(CATALOG_FILE.read_text(encoding="utf-8"), origin=CATALOG_FILE.name)
