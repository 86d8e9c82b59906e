"""What a session is checked against, as data with a source for each item: the
pre-procedure checklist and the ranges of charted figures. Read and validated once at
start-up; services and screens ask the items that apply to a modality."""

import functools
import pathlib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import yaml
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.assessments.models import Modality

RULES_FILE = pathlib.Path(__file__).parent / "data" / "session.yaml"
ITEM_KEYS = {"id", "kind", "modalities", "question", "must_be_yes", "source"}
KINDS = {"consent", "confirm", "time"}
CHART_FIGURES = {"needle_gauge", "needle_length_mm", "depth_mm"}


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    kind: str  # consent (read from the consent on file), confirm (yes/no) or time
    modalities: frozenset[str]
    question: str
    must_be_yes: bool  # a "no" stops the session
    source: str


@dataclass(frozen=True)
class Limit:
    minimum: Decimal
    maximum: Decimal
    source: str


@dataclass(frozen=True)
class SessionRules:
    version: str
    checklist: tuple[ChecklistItem, ...]
    chart_limits: dict[str, Limit]

    def checklist_for(self, modality: str) -> list[ChecklistItem]:
        return [item for item in self.checklist if modality in item.modalities]

    def item(self, item_id: str) -> ChecklistItem | None:
        return next((item for item in self.checklist if item.id == item_id), None)


def parse_session_rules(text: str, *, origin: str) -> SessionRules:
    document = yaml.safe_load(text) or {}
    if not isinstance(document, dict) or not document.get("version"):
        raise ImproperlyConfigured(f"{origin}: needs a version")
    items: list[ChecklistItem] = []
    for position, raw in enumerate(document.get("checklist") or [], start=1):
        where = f"{origin}: checklist item {_name(raw, position)}"
        items.append(_item(raw, where=where, seen=items))
    if not items:
        raise ImproperlyConfigured(f"{origin}: no checklist items")
    if sum(item.kind == "consent" for item in items) != 1:
        raise ImproperlyConfigured(f"{origin}: exactly one checklist item reads the consent")
    limits = {
        str(name): _limit(raw, where=f"{origin}: chart limit {name}")
        for name, raw in (document.get("chart_limits") or {}).items()
    }
    missing = CHART_FIGURES - set(limits)
    if missing:
        raise ImproperlyConfigured(f"{origin}: chart limits missing for {sorted(missing)}")
    return SessionRules(
        version=str(document["version"]), checklist=tuple(items), chart_limits=limits
    )


def _limit(raw: object, *, where: str) -> Limit:
    if not isinstance(raw, dict) or set(raw) != {"min", "max", "source"}:
        raise ImproperlyConfigured(f"{where} needs exactly max, min, source")
    try:
        minimum, maximum = Decimal(str(raw["min"])), Decimal(str(raw["max"]))
    except InvalidOperation:
        raise ImproperlyConfigured(f"{where}: min and max are numbers") from None
    if not minimum < maximum or not str(raw["source"]).strip():
        raise ImproperlyConfigured(f"{where}: min below max, and a source")
    return Limit(minimum, maximum, str(raw["source"]))


def _name(raw: object, position: int) -> object:
    return raw.get("id", position) if isinstance(raw, dict) else position


def _item(raw: object, *, where: str, seen: list[ChecklistItem]) -> ChecklistItem:
    if not isinstance(raw, dict) or set(raw) != ITEM_KEYS:
        raise ImproperlyConfigured(f"{where} needs exactly {', '.join(sorted(ITEM_KEYS))}")
    if raw["kind"] not in KINDS:
        raise ImproperlyConfigured(f"{where}: kind is one of {', '.join(sorted(KINDS))}")
    unknown = set(raw["modalities"] or ()) - set(Modality.values)
    if unknown or not raw["modalities"]:
        raise ImproperlyConfigured(f"{where}: unknown modalities {sorted(unknown)}")
    if not isinstance(raw["must_be_yes"], bool):
        raise ImproperlyConfigured(f"{where}: must_be_yes is true or false")
    if not str(raw["question"]).strip() or not str(raw["source"]).strip():
        raise ImproperlyConfigured(f"{where}: question and source may not be empty")
    if any(item.id == raw["id"] for item in seen):
        raise ImproperlyConfigured(f"{where}: the id is used twice")
    return ChecklistItem(
        id=str(raw["id"]),
        kind=raw["kind"],
        modalities=frozenset(raw["modalities"]),
        question=str(raw["question"]),
        must_be_yes=raw["must_be_yes"],
        source=str(raw["source"]),
    )


@functools.cache
def session_rules() -> SessionRules:
    return parse_session_rules(RULES_FILE.read_text(encoding="utf-8"), origin=RULES_FILE.name)
