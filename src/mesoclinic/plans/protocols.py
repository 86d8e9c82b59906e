"""The protocols shipped with mesoclinic (data/protocols.yaml), checked at start-up.

A clinic group gets its own editable copy of each (models.Protocol); this file is where
those copies come from, each with the source it rests on.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.plans.windows import Phase, session_count

PROTOCOLS_FILE = Path(__file__).parent / "data" / "protocols.yaml"
INDICATIONS = {"hair_loss", "skin_rejuvenation", "fat_reduction", "cellulite"}
MODALITIES = {"cocktail", "prp"}
EVIDENCE_LEVELS = {"published", "practice"}


@dataclass(frozen=True)
class ProtocolDefinition:
    code: str
    name: str
    indication: str
    modality: str
    phases: tuple[Phase, ...]
    review_at_session: int | None
    source: str
    evidence: str

    @property
    def session_count(self) -> int:
        return session_count(self.phases)


@dataclass(frozen=True)
class ProtocolBook:
    version: str
    protocols: dict[str, ProtocolDefinition]


def parse_phases(raw: Any) -> tuple[Phase, ...]:
    """Phases from a list of mappings; ValueError says what is wrong."""
    if not isinstance(raw, list) or not raw:
        raise ValueError("phases must be a non-empty list")
    phases = []
    for number, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or set(entry) != {
            "sessions",
            "interval_days_min",
            "interval_days_max",
        }:
            raise ValueError(
                f"phase {number} needs exactly sessions, interval_days_min, interval_days_max"
            )
        if not all(
            isinstance(value, int) and not isinstance(value, bool) for value in entry.values()
        ):
            raise ValueError(f"phase {number}: whole numbers only")
        try:
            phases.append(Phase(**entry))
        except ValueError as error:
            raise ValueError(f"phase {number}: {error}") from None
    return tuple(phases)


def parse_protocols(text: str, origin: str) -> ProtocolBook:
    document = yaml.safe_load(text)
    if not isinstance(document, dict) or not document.get("version"):
        raise ImproperlyConfigured(f"{origin}: expected a mapping with a version")
    protocols: dict[str, ProtocolDefinition] = {}
    for position, entry in enumerate(document.get("protocols") or [], start=1):
        code = entry.get("id") if isinstance(entry, dict) else None
        where = f"{origin}: protocol {code or f'#{position}'}"
        try:
            definition = _definition(entry)
        except (ValueError, KeyError, TypeError) as error:
            raise ImproperlyConfigured(f"{where}: {error}") from None
        if definition.code in protocols:
            raise ImproperlyConfigured(f"{where}: listed twice")
        protocols[definition.code] = definition
    if not protocols:
        raise ImproperlyConfigured(f"{origin}: there are no protocols")
    return ProtocolBook(version=str(document["version"]), protocols=protocols)


def _definition(entry: dict) -> ProtocolDefinition:
    missing = {"id", "name", "indication", "modality", "phases", "source", "evidence"} - set(entry)
    if missing:
        raise ValueError(f"missing {sorted(missing)}")
    if entry["indication"] not in INDICATIONS:
        raise ValueError(f"unknown indication {entry['indication']!r}")
    if entry["modality"] not in MODALITIES:
        raise ValueError(f"unknown modality {entry['modality']!r}")
    if entry["evidence"] not in EVIDENCE_LEVELS:
        raise ValueError(f"evidence must be one of {sorted(EVIDENCE_LEVELS)}")
    if not str(entry["source"]).strip():
        raise ValueError("the source is missing")
    definition = ProtocolDefinition(
        code=str(entry["id"]),
        name=str(entry["name"]),
        indication=entry["indication"],
        modality=entry["modality"],
        phases=parse_phases(entry["phases"]),
        review_at_session=entry.get("review_at_session"),
        source=str(entry["source"]),
        evidence=entry["evidence"],
    )
    review = definition.review_at_session
    if review is not None and not 1 <= review <= definition.session_count:
        raise ValueError(
            f"review_at_session must be within the {definition.session_count} sessions"
        )
    return definition


@cache
def protocol_book() -> ProtocolBook:
    return parse_protocols(PROTOCOLS_FILE.read_text(encoding="utf-8"), origin=PROTOCOLS_FILE.name)
