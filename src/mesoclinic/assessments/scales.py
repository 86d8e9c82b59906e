"""Hair-loss measures that can be computed: SALT, the pull test, BASP codes, staging scales.

Pure functions over plain values; no database. The stage lists are data (data/scales.yaml).
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from django.core.exceptions import ImproperlyConfigured

SCALES_FILE = Path(__file__).parent / "data" / "scales.yaml"

# Olsen 2004: the scalp's four views weighted by their share of the scalp surface.
SALT_WEIGHTS = {
    "top": Decimal("0.40"),
    "back": Decimal("0.24"),
    "right": Decimal("0.18"),
    "left": Decimal("0.18"),
}
HUNDRED = Decimal(100)
PULL_TEST_POSITIVE_SHARE = Decimal("0.10")  # more than 10% of the grasped hairs come out

BASP_PATTERN = re.compile(r"^(?P<basic>L|M[0-3]|C[0-3]|U[1-3])(?P<specific>(V[1-3])?(F[1-3])?)$")


@dataclass(frozen=True)
class SaltResult:
    score: Decimal
    band: str  # S0…S5 (Olsen 2004)
    severity: str  # none, mild, moderate, severe (King 2022)


def salt(*, top: Decimal, back: Decimal, right: Decimal, left: Decimal) -> SaltResult:
    """The Severity of Alopecia Tool from each view's percentage of hair loss (0–100)."""
    losses = {"top": top, "back": back, "right": right, "left": left}
    for view, loss in losses.items():
        if not Decimal(0) <= Decimal(loss) <= HUNDRED:
            raise ValueError(f"{view}: hair loss must be between 0 and 100 %")
    score = sum((SALT_WEIGHTS[view] * Decimal(loss) for view, loss in losses.items()), Decimal(0))
    return SaltResult(score=score, band=salt_band(score), severity=salt_severity(score))


def salt_band(score: Decimal) -> str:
    """S0 none, S1 1–24, S2 25–49, S3 50–74, S4 75–99, S5 100 (Olsen 2004)."""
    if score <= 0:
        return "S0"
    if score >= HUNDRED:
        return "S5"
    for band, upper in (("S1", 25), ("S2", 50), ("S3", 75)):
        if score < upper:
            return band
    return "S4"


def salt_severity(score: Decimal) -> str:
    """Mild ≤20, moderate 21–49, severe ≥50 (King 2022); no loss is 'none'."""
    if score <= 0:
        return "none"
    if score <= 20:
        return "mild"
    if score < 50:
        return "moderate"
    return "severe"


def pull_test_is_positive(*, hairs_pulled: int, hairs_grasped: int) -> bool:
    """Positive when more than 10% of the grasped hairs come out (clinical.md §3)."""
    if hairs_grasped <= 0 or not 0 <= hairs_pulled <= hairs_grasped:
        raise ValueError("hairs pulled must be between 0 and the number grasped (above 0)")
    return Decimal(hairs_pulled) > PULL_TEST_POSITIVE_SHARE * hairs_grasped


def pull_test_pattern(site_results: list[bool]) -> str:
    """Several positive sites suggest an effluvium; one positive patch, alopecia areata."""
    positives = sum(site_results)
    if positives == 0:
        return "negative"
    return "diffuse" if positives > 1 else "patchy"


def validate_basp(code: str) -> str:
    """A BASP code: basic type (L, M0–M3, C0–C3, U1–U3) then optional V1–V3 and F1–F3."""
    normalized = code.strip().upper()
    if not BASP_PATTERN.match(normalized):
        raise ValueError(f"{code!r} is not a BASP code (e.g. M2V1, C1F2, L)")
    return normalized


@dataclass(frozen=True)
class Scale:
    name: str
    title: str
    stages: tuple[str, ...]
    source: str


@cache
def staging_scales() -> dict[str, Scale]:
    document = yaml.safe_load(SCALES_FILE.read_text(encoding="utf-8"))
    scales = {}
    for name, entry in (document.get("scales") or {}).items():
        if not entry.get("stages") or not entry.get("source") or not entry.get("title"):
            raise ImproperlyConfigured(
                f"{SCALES_FILE.name}: scale {name} needs title, stages, source"
            )
        scales[name] = Scale(
            name=name,
            title=entry["title"],
            stages=tuple(str(stage) for stage in entry["stages"]),
            source=entry["source"],
        )
    return scales
