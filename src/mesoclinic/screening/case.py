"""The screening case: the JSON contract of `mesoclinic screen` and POST /api/v1/screening.

Parsing is strict on purpose. An unknown key (say "pregant") or a string where a yes/no
belongs is refused rather than ignored, because a silently dropped fact could turn into
a wrong "eligible".
"""

import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    ValidationError,
)

from mesoclinic.patients.icd10 import ICD10_PATTERN, normalize_icd10


def _icd10(code: str) -> str:
    normalized = normalize_icd10(code)
    if not ICD10_PATTERN.match(normalized):
        raise ValueError(f"{code!r} is not an ICD-10 code (expected e.g. L64.9)")
    return normalized


def _substance(name: str) -> str:
    normalized = " ".join(name.lower().split())
    if not normalized:
        raise ValueError("an empty name")
    return normalized


Icd10Code = Annotated[str, AfterValidator(_icd10)]
SubstanceName = Annotated[str, AfterValidator(_substance)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ConditionFact(StrictModel):
    code: Icd10Code
    controlled: bool | None = None


class PatientFacts(StrictModel):
    birth_date: datetime.date
    sex: Literal["female", "male", "other"]
    pregnant: bool | None = None
    breastfeeding: bool | None = None
    may_become_pregnant: bool | None = None
    conditions: list[ConditionFact] | None = None
    medications: list[SubstanceName] | None = None
    allergies: list[SubstanceName] | None = None


class AssessmentFacts(StrictModel):
    diagnoses: list[Icd10Code] | None = None
    follicles_present: bool | None = None
    scalp_infection: bool | None = None
    cause_investigated: bool | None = None
    platelets_10e9_per_l: NonNegativeFloat | None = None
    hemoglobin_g_dl: NonNegativeFloat | None = None
    days_since_nsaid: NonNegativeFloat | None = None
    days_since_systemic_steroid: NonNegativeFloat | None = None


class FormulationFacts(StrictModel):
    ingredients: list[SubstanceName] = Field(min_length=1)


class ScreeningCase(StrictModel):
    """Everything the rules may ask about one patient and one planned treatment."""

    indication: Literal["hair_loss", "skin_rejuvenation", "fat_reduction", "cellulite"]
    modality: Literal["cocktail", "prp"] = "cocktail"
    on_date: datetime.date | None = None
    patient: PatientFacts
    assessment: AssessmentFacts = AssessmentFacts()
    formulation: FormulationFacts | None = None

    @property
    def screening_date(self) -> datetime.date:
        return self.on_date or datetime.date.today()  # noqa: DTZ011  (the clinic's calendar day)


class CaseError(ValueError):
    """A malformed case, with one (location, message) per problem."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]):
        self.problems = problems
        super().__init__(self.one_line())

    def one_line(self) -> str:
        location, message = self.problems[0]
        where = ".".join(str(part) for part in location) or "case"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        return f"{where}: {message}{more}"


def parse_case(json_text: str | bytes) -> ScreeningCase:
    """Parse a case from JSON text, or raise CaseError naming each bad field."""
    try:
        case = ScreeningCase.model_validate_json(json_text)
    except ValidationError as error:
        raise CaseError(
            [(tuple(problem["loc"]), _plain(problem["msg"])) for problem in error.errors()]
        ) from None
    if case.patient.birth_date > case.screening_date:
        raise CaseError([(("patient", "birth_date"), "is after the screening date")])
    return case


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ")
