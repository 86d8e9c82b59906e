"""What a formulation is made of, validated before anything is written, and which of the
engine's reasons stop it from being given to a patient."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from mesoclinic.formulary.models import Formulation, FormulationIngredient
from mesoclinic.screening.case import FormulationFacts, ScreeningCase
from mesoclinic.screening.engine import screen
from mesoclinic.screening.models import Decision, ScreeningDecision


@dataclass(frozen=True)
class Composition:
    """A formulation as the prescriber typed it: ingredients as (name, percent or None)."""

    name: str
    indication: str
    modality: str
    volume_ml_per_session: Decimal
    ingredients: tuple[tuple[str, Decimal | None], ...]
    notes: str = ""
    template_id: int | None = None

    @classmethod
    def of(cls, formulation: Formulation) -> Composition:
        """A saved formulation as a composition, e.g. to screen it again on the day."""
        return cls(
            name=formulation.name,
            indication=formulation.indication,
            modality=formulation.modality,
            volume_ml_per_session=formulation.volume_ml_per_session,
            ingredients=tuple(
                (part.ingredient, part.concentration_percent)
                for part in formulation.ingredients.all()
            ),
            notes=formulation.notes,
            template_id=formulation.template_id,
        )

    def ingredient_names(self) -> list[str]:
        return [name for name, _percent in self.ingredients]

    def fingerprint(self) -> list[Any]:
        """A stable, JSON-ready form of everything the check depends on."""
        return [
            self.indication,
            self.modality,
            str(self.volume_ml_per_session),
            sorted([name, None if p is None else str(p)] for name, p in self.ingredients),
        ]


def normalised_ingredients(
    rows: Iterable[tuple[str, Decimal | None]],
) -> tuple[tuple[str, Decimal | None], ...]:
    """Trimmed lower-case names, blank rows dropped; a name given twice is refused."""
    result: list[tuple[str, Decimal | None]] = []
    for name, percent in rows:
        name = name.strip().lower()
        if not name:
            continue
        if name in (seen for seen, _ in result):
            raise ValidationError({"ingredients": [f"{name} is listed twice."]})
        result.append((name, percent))
    if not result:
        raise ValidationError({"ingredients": ["A formulation has one ingredient at least."]})
    return tuple(result)


def formulation_build(
    composition: Composition, **owner: Any
) -> tuple[Formulation, list[FormulationIngredient]]:
    """An unsaved, fully validated formulation and its ingredient rows; `owner` gives the
    clinic group, creator and, for a patient's composition, patient and consultation."""
    ingredients = normalised_ingredients(composition.ingredients)
    formulation = Formulation(
        name=composition.name.strip(),
        indication=composition.indication,
        modality=composition.modality,
        volume_ml_per_session=composition.volume_ml_per_session,
        notes=composition.notes.strip(),
        template_id=composition.template_id,
        **owner,
    )
    # A patient's formulation gets its screening decision (which the constraints require)
    # only once it is checked; a template is checked whole here (its name is unique).
    formulation.full_clean(
        exclude=["screening_decision", "screening_result"],
        validate_constraints=formulation.patient_id is None,
    )
    parts = [
        FormulationIngredient(ingredient=name, concentration_percent=percent)
        for name, percent in ingredients
    ]
    clean_parts(parts, exclude=["formulation"])
    return formulation, parts


def clean_parts(parts: Sequence[Any], *, exclude: list[str]) -> None:
    """full_clean() every ingredient row, naming the failing row in the error's key."""
    errors: dict[str, Any] = {}
    for position, part in enumerate(parts):
        try:
            part.full_clean(exclude=exclude)
        except ValidationError as error:
            errors.update({f"ingredients.{position}.{k}": v for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class BlockingReason:
    rule: str
    decision: str
    message: str
    why: str


@dataclass(frozen=True)
class FormulationCheck:
    """The engine's result for one patient with one formulation, and what it forbids."""

    result: dict[str, Any]
    blocking: list[BlockingReason] = field(default_factory=list)

    @property
    def decision(self) -> str:
        return self.result["decision"]

    @property
    def decision_label(self) -> str:
        return str(Decision(self.decision).label)

    @property
    def can_save(self) -> bool:
        return not self.blocking


def composition_check(
    consultation_case: ScreeningCase,
    composition: Composition,
    *,
    policies: dict[str, Any],
    consultation_screening: ScreeningDecision | None,
) -> FormulationCheck:
    """Screen the consultation's case with the formulation's modality and ingredients."""
    case = consultation_case.model_copy(
        update={
            "modality": composition.modality,
            "formulation": FormulationFacts(ingredients=composition.ingredient_names()),
        }
    )
    result = screen(case, policies=policies).as_contract()
    return FormulationCheck(
        result=result, blocking=blocking_reasons(result, consultation_screening)
    )


def blocking_reasons(
    result: dict[str, Any], consultation_screening: ScreeningDecision | None
) -> list[BlockingReason]:
    """The reasons that forbid this formulation for this patient.

    A contraindication blocks unless a clinician already overrode the consultation's
    screening, which named that same rule, to something other than "contraindicated".
    A referral (including a question the formulation raises, such as PRP needing the
    platelet count) blocks when the consultation's screening did not already carry it:
    referrals from the consultation itself are for the treatment plan to resolve.
    """
    earlier_rules: set[str] = set()
    accepted_rules: set[str] = set()
    if consultation_screening is not None:
        earlier_rules = {reason["rule"] for reason in consultation_screening.result["reasons"]}
        if (
            consultation_screening.is_overridden
            and consultation_screening.effective_decision != Decision.CONTRAINDICATED
        ):
            accepted_rules = earlier_rules
    blocking = []
    for reason in result["reasons"]:
        if reason["decision"] == Decision.CONTRAINDICATED and reason["rule"] not in accepted_rules:
            why = "contraindicated with this formulation"
        elif reason["decision"] == Decision.REFER and reason["rule"] not in earlier_rules:
            why = "to be resolved before this formulation"
        else:
            continue
        blocking.append(
            BlockingReason(
                rule=reason["rule"], decision=reason["decision"], message=reason["message"], why=why
            )
        )
    return blocking
