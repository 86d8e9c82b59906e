"""ICD-10 codes: the format check and the shipped catalog of titles.

The catalog is data (data/icd10.yaml) with a version and a source; it is loaded and
validated once, at start-up, and a broken file stops the app with the file and entry named.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

CATALOG_FILE = Path(__file__).parent / "data" / "icd10.yaml"

# A letter, two digits (the category), then optionally a dot and up to four characters.
ICD10_PATTERN = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$")


@dataclass(frozen=True)
class Icd10Catalog:
    version: str
    source: str
    titles: dict[str, str]


def normalize_icd10(code: str) -> str:
    return code.strip().upper()


def validate_icd10(code: str) -> None:
    if not ICD10_PATTERN.match(code):
        raise ValidationError(
            _(
                "%(code)s is not an ICD-10 code: expected a letter, two digits and an optional "
                "dot with up to four characters, e.g. L64.9."
            ),
            code="icd10_format",
            params={"code": code},
        )


def parse_catalog(text: str, origin: str) -> Icd10Catalog:
    document = yaml.safe_load(text)
    if not isinstance(document, dict):
        raise ImproperlyConfigured(f"{origin}: expected a mapping with version, source, codes")
    for key in ("version", "source", "codes"):
        if not document.get(key):
            raise ImproperlyConfigured(f"{origin}: '{key}' is missing")
    titles: dict[str, str] = {}
    for position, entry in enumerate(document["codes"], start=1):
        code = str(entry.get("code", "")) if isinstance(entry, dict) else ""
        title = entry.get("title") if isinstance(entry, dict) else None
        if not ICD10_PATTERN.match(code) or not title:
            raise ImproperlyConfigured(
                f"{origin}: entry {position} ({entry!r}) needs a well-formed code and a title"
            )
        if code in titles:
            raise ImproperlyConfigured(f"{origin}: code {code} is listed twice")
        titles[code] = str(title)
    return Icd10Catalog(
        version=str(document["version"]), source=str(document["source"]), titles=titles
    )


@cache
def icd10_catalog() -> Icd10Catalog:
    return parse_catalog(CATALOG_FILE.read_text(encoding="utf-8"), origin=str(CATALOG_FILE.name))


def icd10_title(code: str) -> str:
    return icd10_catalog().titles.get(code, "")
