"""Care texts for patients (clinical.md §8) as data with a source for each item,
read and validated once at start-up; the reminder composes its pre-care from them."""

import functools
import pathlib
from dataclasses import dataclass

import yaml
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.assessments.models import Modality

CARE_FILE = pathlib.Path(__file__).parent / "data" / "care.yaml"
ITEM_KEYS = {"id", "modalities", "text", "source"}


@dataclass(frozen=True)
class CareItem:
    id: str
    modalities: frozenset[str]
    text: str
    source: str


@dataclass(frozen=True)
class CareBook:
    version: str
    precare: tuple[CareItem, ...]

    def precare_for(self, modality: str) -> list[str]:
        return [item.text for item in self.precare if modality in item.modalities]


def parse_care(text: str, *, origin: str) -> CareBook:
    document = yaml.safe_load(text) or {}
    if not isinstance(document, dict) or not document.get("version"):
        raise ImproperlyConfigured(f"{origin}: needs a version")
    items = []
    seen: set[str] = set()
    for position, raw in enumerate(document.get("precare") or [], start=1):
        name = raw.get("id", position) if isinstance(raw, dict) else position
        where = f"{origin}: precare item {name}"
        if not isinstance(raw, dict) or set(raw) != ITEM_KEYS:
            raise ImproperlyConfigured(f"{where} needs exactly {', '.join(sorted(ITEM_KEYS))}")
        unknown = set(raw["modalities"]) - set(Modality.values)
        if unknown or not raw["modalities"]:
            raise ImproperlyConfigured(f"{where}: unknown modalities {sorted(unknown)}")
        if not str(raw["text"]).strip() or not str(raw["source"]).strip():
            raise ImproperlyConfigured(f"{where}: text and source may not be empty")
        if raw["id"] in seen:
            raise ImproperlyConfigured(f"{where}: the id is used twice")
        seen.add(raw["id"])
        items.append(
            CareItem(raw["id"], frozenset(raw["modalities"]), str(raw["text"]), str(raw["source"]))
        )
    if not items:
        raise ImproperlyConfigured(f"{origin}: no precare items")
    return CareBook(version=str(document["version"]), precare=tuple(items))


@functools.cache
def care_book() -> CareBook:
    return parse_care(CARE_FILE.read_text(encoding="utf-8"), origin=CARE_FILE.name)
