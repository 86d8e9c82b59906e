"""Care texts for patients (clinical.md §8) as data with a source for each item, read
and validated once at start-up: the pre-care the visit reminder carries, and the
aftercare sheet and messages that follow a session."""

import datetime
import functools
import pathlib
from dataclasses import dataclass

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from mesoclinic.assessments.models import Indication, Modality

CARE_FILE = pathlib.Path(__file__).parent / "data" / "care.yaml"
PRECARE_KEYS = {"id", "modalities", "text", "source"}
AFTERCARE_KEYS = PRECARE_KEYS | {"section", "indications"}
AFTERCARE_OPTIONAL = frozenset({"lasts_hours", "message_after_hours"})


class AftercareSection:
    AFTER = "after"  # what to do and avoid
    EXPECTED = "expected"  # what is normal
    ALERT = "alert"  # come back at once

    ALL = (AFTER, EXPECTED, ALERT)


@dataclass(frozen=True)
class CareItem:
    id: str
    modalities: frozenset[str]
    text: str
    source: str
    section: str = ""
    indications: frozenset[str] = frozenset()
    lasts_hours: int | None = None  # the restriction ends this long after the session
    message_after_hours: int | None = None  # sent again this long after the session

    def applies_to(self, *, indication: str, modality: str) -> bool:
        return indication in self.indications and modality in self.modalities

    def text_after(self, ended_at: datetime.datetime) -> str:
        """The text with its {until}, the end of the restriction, filled in."""
        if self.lasts_hours is None:
            return self.text
        until = timezone.localtime(ended_at + datetime.timedelta(hours=self.lasts_hours))
        return self.text.format(until=f"{until:%A %d %B at %H:%M}")


@dataclass(frozen=True)
class CareBook:
    version: str
    precare: tuple[CareItem, ...]
    aftercare: tuple[CareItem, ...]

    def precare_for(self, modality: str) -> list[str]:
        return [item.text for item in self.precare if modality in item.modalities]

    def aftercare_for(self, *, indication: str, modality: str) -> list[CareItem]:
        return [
            item
            for item in self.aftercare
            if item.applies_to(indication=indication, modality=modality)
        ]


def parse_care(text: str, *, origin: str) -> CareBook:
    document = yaml.safe_load(text) or {}
    if not isinstance(document, dict) or not document.get("version"):
        raise ImproperlyConfigured(f"{origin}: needs a version")
    precare = _items(document, "precare", origin=origin)
    aftercare = _items(document, "aftercare", origin=origin)
    return CareBook(version=str(document["version"]), precare=precare, aftercare=aftercare)


def _items(document: dict, section: str, *, origin: str) -> tuple[CareItem, ...]:
    items: list[CareItem] = []
    for position, raw in enumerate(document.get(section) or [], start=1):
        name = raw.get("id", position) if isinstance(raw, dict) else position
        where = f"{origin}: {section} item {name}"
        item = _precare(raw, where=where) if section == "precare" else _aftercare(raw, where)
        if any(seen.id == item.id for seen in items):
            raise ImproperlyConfigured(f"{where}: the id is used twice")
        items.append(item)
    if not items:
        raise ImproperlyConfigured(f"{origin}: no {section} items")
    return tuple(items)


def _precare(raw: object, *, where: str) -> CareItem:
    return _common(_require_keys(raw, PRECARE_KEYS, where=where), where=where)


def _aftercare(raw: object, where: str) -> CareItem:
    fields = _require_keys(raw, AFTERCARE_KEYS, optional=AFTERCARE_OPTIONAL, where=where)
    item = _common(fields, where=where)
    if fields["section"] not in AftercareSection.ALL:
        raise ImproperlyConfigured(f"{where}: section is one of {', '.join(AftercareSection.ALL)}")
    unknown = set(fields["indications"] or ()) - set(Indication.values)
    if unknown or not fields["indications"]:
        raise ImproperlyConfigured(f"{where}: unknown indications {sorted(unknown)}")
    hours = {key: fields.get(key) for key in AFTERCARE_OPTIONAL}
    if any(not (hour is None or isinstance(hour, int) and hour >= 0) for hour in hours.values()):
        raise ImproperlyConfigured(f"{where}: hours are whole numbers, 0 or more")
    if ("{until}" in item.text) != (hours["lasts_hours"] is not None):
        raise ImproperlyConfigured(f"{where}: {{until}} in the text goes with lasts_hours")
    return CareItem(
        item.id,
        item.modalities,
        item.text,
        item.source,
        section=fields["section"],
        indications=frozenset(fields["indications"]),
        lasts_hours=hours["lasts_hours"],
        message_after_hours=hours["message_after_hours"],
    )


def _require_keys(
    raw: object, keys: set[str], *, where: str, optional: frozenset[str] = frozenset()
) -> dict:
    if not isinstance(raw, dict) or not keys <= set(raw) <= keys | optional:
        raise ImproperlyConfigured(f"{where} needs exactly {', '.join(sorted(keys))}")
    return raw


def _common(raw: dict, *, where: str) -> CareItem:
    unknown = set(raw["modalities"] or ()) - set(Modality.values)
    if unknown or not raw["modalities"]:
        raise ImproperlyConfigured(f"{where}: unknown modalities {sorted(unknown)}")
    if not str(raw["text"]).strip() or not str(raw["source"]).strip():
        raise ImproperlyConfigured(f"{where}: text and source may not be empty")
    return CareItem(raw["id"], frozenset(raw["modalities"]), str(raw["text"]), str(raw["source"]))


@functools.cache
def care_book() -> CareBook:
    return parse_care(CARE_FILE.read_text(encoding="utf-8"), origin=CARE_FILE.name)
