"""The kinds of adverse event (clinical.md §9) as data with a source for each, read and
validated once at start-up, and the rule that puts a plan on hold."""

import functools
import pathlib
from dataclasses import dataclass

import yaml
from django.core.exceptions import ImproperlyConfigured

TYPES_FILE = pathlib.Path(__file__).parent / "data" / "adverse_events.yaml"
TYPE_KEYS = {"id", "label", "typical_grades", "holds_plan", "source"}
GRADES = range(1, 6)  # CTCAE v5: 1 mild, 2 moderate, 3 severe, 4 life-threatening, 5 death
OTHER = "other"


@dataclass(frozen=True)
class EventType:
    id: str
    label: str
    typical_grades: tuple[int, ...]
    holds_plan: bool
    source: str


@dataclass(frozen=True)
class EventCatalog:
    version: str
    types: tuple[EventType, ...]
    hold_from_grade: int
    hold_source: str

    def get(self, type_id: str) -> EventType | None:
        return next((kind for kind in self.types if kind.id == type_id), None)

    def holds_plan(self, type_id: str, grade: int) -> bool:
        """Grade ≥3, an infection or an allergic reaction puts the plan on hold."""
        kind = self.get(type_id)
        return grade >= self.hold_from_grade or (kind is not None and kind.holds_plan)

    def choices(self) -> list[tuple[str, str]]:
        return [(kind.id, kind.label) for kind in self.types]


def parse_event_catalog(text: str, *, origin: str) -> EventCatalog:
    document = yaml.safe_load(text) or {}
    if not isinstance(document, dict) or not document.get("version"):
        raise ImproperlyConfigured(f"{origin}: needs a version")
    if document.get("hold_from_grade") not in GRADES or not document.get("hold_source"):
        raise ImproperlyConfigured(f"{origin}: hold_from_grade is a grade 1–5, with hold_source")
    types: list[EventType] = []
    for position, raw in enumerate(document.get("types") or [], start=1):
        name = raw.get("id", position) if isinstance(raw, dict) else position
        types.append(_event_type(raw, where=f"{origin}: type {name}", seen=types))
    if not any(kind.id == OTHER for kind in types):
        raise ImproperlyConfigured(f"{origin}: the list ends with an '{OTHER}' type")
    return EventCatalog(
        version=str(document["version"]),
        types=tuple(types),
        hold_from_grade=document["hold_from_grade"],
        hold_source=str(document["hold_source"]),
    )


def _event_type(raw: object, *, where: str, seen: list[EventType]) -> EventType:
    if not isinstance(raw, dict) or set(raw) != TYPE_KEYS:
        raise ImproperlyConfigured(f"{where} needs exactly {', '.join(sorted(TYPE_KEYS))}")
    grades = raw["typical_grades"]
    if not grades or not all(grade in GRADES for grade in grades):
        raise ImproperlyConfigured(f"{where}: typical grades are CTCAE grades 1–5")
    if not isinstance(raw["holds_plan"], bool):
        raise ImproperlyConfigured(f"{where}: holds_plan is true or false")
    if not str(raw["label"]).strip() or not str(raw["source"]).strip():
        raise ImproperlyConfigured(f"{where}: label and source may not be empty")
    if any(kind.id == raw["id"] for kind in seen):
        raise ImproperlyConfigured(f"{where}: the id is used twice")
    return EventType(
        str(raw["id"]), str(raw["label"]), tuple(grades), raw["holds_plan"], str(raw["source"])
    )


@functools.cache
def event_catalog() -> EventCatalog:
    return parse_event_catalog(TYPES_FILE.read_text(encoding="utf-8"), origin=TYPES_FILE.name)
