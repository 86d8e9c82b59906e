"""The outcome measures and how a response is judged (clinical.md §6, §10): the catalog
is data, read and validated once at start-up; the judgement is pure Python over it."""

import functools
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import yaml
from django.core.exceptions import ImproperlyConfigured

MEASURES_FILE = pathlib.Path(__file__).parent / "data" / "measures.yaml"
MEASURE_KEYS = {"id", "label", "unit", "min", "max", "better", "baseline", "threshold", "source"}
CONSULTATION_BASELINES = {"density_per_cm2", "shaft_diameter_um", "pull_test_pulled", "salt"}
BASELINE_KINDS = CONSULTATION_BASELINES | {"recorded", "zero", "none"}


@dataclass(frozen=True)
class Threshold:
    kind: str  # "percent" of the baseline, or "absolute" in the measure's unit
    value: Decimal


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    unit: str
    minimum: Decimal
    maximum: Decimal
    higher_is_better: bool
    baseline: str
    threshold: Threshold | None
    source: str

    def holds(self, value: Decimal) -> bool:
        return self.minimum <= value <= self.maximum


@dataclass(frozen=True)
class MeasureCatalog:
    version: str
    measures: tuple[Measure, ...]
    review_source: str

    def get(self, measure_id: str) -> Measure | None:
        return next((measure for measure in self.measures if measure.id == measure_id), None)


@dataclass(frozen=True)
class Change:
    """One measure at the review against its baseline."""

    measure: Measure
    baseline: Decimal | None
    latest: Decimal | None
    threshold: Threshold | None

    @property
    def difference(self) -> Decimal | None:
        if self.baseline is None or self.latest is None:
            return None
        return self.latest - self.baseline

    @property
    def percent(self) -> Decimal | None:
        if self.difference is None or not self.baseline:
            return None
        return (100 * self.difference / self.baseline).quantize(Decimal("0.1"))

    @property
    def improvement(self) -> Decimal | None:
        """The change in the better direction, in the threshold's terms."""
        if self.threshold is None:
            return None
        change = self.percent if self.threshold.kind == "percent" else self.difference
        if change is None:
            return None
        return change if self.measure.higher_is_better else -change

    @property
    def has_responded(self) -> bool | None:
        """None when this measure cannot say (no threshold, or a value missing)."""
        if self.improvement is None or self.threshold is None:
            return None
        return self.improvement >= self.threshold.value

    def as_json(self) -> dict:
        """The change as a review keeps it: the figures as they stood when it was made."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "measure": self.measure.id,
            "baseline": text(self.baseline),
            "latest": text(self.latest),
            "percent": text(self.percent),
            "has_responded": self.has_responded,
        }


@dataclass(frozen=True)
class Response:
    changes: list[Change]

    @property
    def judged(self) -> list[Change]:
        return [change for change in self.changes if change.has_responded is not None]

    @property
    def is_responding(self) -> bool | None:
        """Responding if any judged measure reached its threshold; "no response" only
        when every judged one fell short; None when nothing could be judged."""
        if not self.judged:
            return None
        return any(change.has_responded for change in self.judged)


def response_of(
    *,
    catalog: MeasureCatalog,
    baseline: Mapping[str, Decimal],
    latest: Mapping[str, Decimal],
    thresholds: Mapping[str, Threshold | None] | None = None,
) -> Response:
    """Each measure's change from baseline to its latest value, judged by the clinic's
    thresholds where it set one, else by the catalog's."""
    thresholds = thresholds or {}
    return Response(
        [
            Change(
                measure,
                baseline.get(measure.id, Decimal(0) if measure.baseline == "zero" else None),
                latest.get(measure.id),
                thresholds.get(measure.id, measure.threshold),
            )
            for measure in catalog.measures
            if measure.id in latest or measure.id in baseline
        ]
    )


def parse_measures(text: str, *, origin: str) -> MeasureCatalog:
    document = yaml.safe_load(text) or {}
    if not isinstance(document, dict) or not document.get("version"):
        raise ImproperlyConfigured(f"{origin}: needs a version")
    if not str(document.get("review_source") or "").strip():
        raise ImproperlyConfigured(f"{origin}: needs a review_source")
    measures: list[Measure] = []
    for position, raw in enumerate(document.get("measures") or [], start=1):
        name = raw.get("id", position) if isinstance(raw, dict) else position
        measure = _measure(raw, where=f"{origin}: measure {name}")
        if any(seen.id == measure.id for seen in measures):
            raise ImproperlyConfigured(f"{origin}: measure {name}: the id is used twice")
        measures.append(measure)
    if not measures:
        raise ImproperlyConfigured(f"{origin}: no measures")
    return MeasureCatalog(str(document["version"]), tuple(measures), document["review_source"])


def _measure(raw: object, *, where: str) -> Measure:
    if not isinstance(raw, dict) or set(raw) != MEASURE_KEYS:
        raise ImproperlyConfigured(f"{where} needs exactly {', '.join(sorted(MEASURE_KEYS))}")
    try:
        minimum, maximum = Decimal(str(raw["min"])), Decimal(str(raw["max"]))
    except InvalidOperation:
        raise ImproperlyConfigured(f"{where}: min and max are numbers") from None
    if not minimum < maximum:
        raise ImproperlyConfigured(f"{where}: min below max")
    if raw["better"] not in {"higher", "lower"}:
        raise ImproperlyConfigured(f"{where}: better is higher or lower")
    if raw["baseline"] not in BASELINE_KINDS:
        raise ImproperlyConfigured(
            f"{where}: baseline is one of {', '.join(sorted(BASELINE_KINDS))}"
        )
    if not str(raw["label"]).strip() or not str(raw["source"]).strip():
        raise ImproperlyConfigured(f"{where}: label and source may not be empty")
    return Measure(
        id=str(raw["id"]),
        label=str(raw["label"]),
        unit=str(raw["unit"]),
        minimum=minimum,
        maximum=maximum,
        higher_is_better=raw["better"] == "higher",
        baseline=raw["baseline"],
        threshold=_threshold(raw["threshold"], where=where),
        source=str(raw["source"]),
    )


def _threshold(raw: object, *, where: str) -> Threshold | None:
    if raw == "none":
        return None
    if not isinstance(raw, dict) or raw.get("kind") not in {"percent", "absolute"}:
        raise ImproperlyConfigured(
            f"{where}: threshold is none, or a kind (percent, absolute) and value"
        )
    try:
        value = Decimal(str(raw["value"]))
    except (InvalidOperation, KeyError):
        raise ImproperlyConfigured(f"{where}: the threshold's value is a number") from None
    if value <= 0:
        raise ImproperlyConfigured(f"{where}: the threshold's value is above 0")
    return Threshold(raw["kind"], value)


@functools.cache
def measure_catalog() -> MeasureCatalog:
    return parse_measures(MEASURES_FILE.read_text(encoding="utf-8"), origin=MEASURES_FILE.name)
