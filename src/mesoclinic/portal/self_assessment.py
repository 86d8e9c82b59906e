"""The public self-assessment: plain answers turned into a screening case, and the answer.

The answer is honest and never a diagnosis: the same engine and rulebook as the clinic's
screening, worded for the visitor.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from mesoclinic.screening.case import (
    AssessmentFacts,
    ConditionFact,
    PatientFacts,
    ScreeningCase,
)
from mesoclinic.screening.engine import ScreeningResult, screen
from mesoclinic.screening.rulebook import rulebook

# Each tick box stands for a representative ICD-10 code or generic substance the rules know.
CONDITION_ANSWERS = {
    "diabetes_controlled": (
        _("Diabetes, well controlled"),
        ConditionFact(code="E11.9", controlled=True),
    ),
    "diabetes_uncontrolled": (
        _("Diabetes, not well controlled"),
        ConditionFact(code="E11.9", controlled=False),
    ),
    "bleeding_disorder": (_("A bleeding or clotting disorder"), ConditionFact(code="D68.9")),
    "cancer": (_("Cancer, or cancer treatment now"), ConditionFact(code="C80.9")),
    "weak_immunity": (_("A weakened immune system (e.g. HIV)"), ConditionFact(code="D84.9")),
    "autoimmune": (_("An autoimmune disease (e.g. lupus, psoriasis)"), ConditionFact(code="M32.9")),
    "keloid": (_("Raised scars (keloids) after cuts"), ConditionFact(code="L91.0")),
}
DIAGNOSIS_ANSWERS = {
    "thyroid": (_("A thyroid problem"), "E03.9"),
    "anaemia": (_("Anaemia or low iron"), "D50.9"),
    "hair_pulling": (_("Pulling out my own hair"), "F63.3"),
}
MEDICATION_ANSWERS = {
    "blood_thinner": (_("Blood thinners (e.g. warfarin, apixaban, aspirin)"), "anticoagulant"),
    "immunosuppressant": (_("Medicines that weaken the immune system"), "immunosuppressant"),
}
ALLERGY_ANSWERS = {
    "local_anaesthetic": (_("Local anaesthetics (e.g. lidocaine)"), "lidocaine"),
    "vitamins": (_("Vitamins such as biotin"), "biotin"),
}


@dataclass(frozen=True)
class Answer:
    """What the visitor reads: a headline, the reasons, and what to do next."""

    outcome: str  # likely_suitable | see_a_doctor_first | not_suitable
    headline: str
    reasons: list[str]
    questions: list[str]
    next_steps: list[str]
    result: ScreeningResult


def case_from_answers(answers: dict, *, today: datetime.date) -> ScreeningCase:
    """The cleaned form answers as a screening case; unanswered questions stay unknown."""
    conditions = [CONDITION_ANSWERS[key][1] for key in answers["conditions"]]
    return ScreeningCase(
        indication=answers["indication"],
        modality=answers["modality"],
        on_date=today,
        patient=PatientFacts(
            birth_date=answers["birth_date"],
            sex=answers["sex"],
            pregnant=answers.get("pregnant"),
            breastfeeding=answers.get("breastfeeding"),
            may_become_pregnant=answers.get("may_become_pregnant"),
            conditions=conditions,
            medications=[MEDICATION_ANSWERS[key][1] for key in answers["medications"]],
            allergies=[ALLERGY_ANSWERS[key][1] for key in answers["allergies"]],
        ),
        assessment=AssessmentFacts(
            diagnoses=[DIAGNOSIS_ANSWERS[key][1] for key in answers["diagnoses"]],
            follicles_present=answers.get("follicles_present"),
            scalp_infection=answers.get("scalp_infection"),
            cause_investigated=answers.get("cause_investigated"),
        ),
        formulation=None,
    )


def answer_for(case: ScreeningCase) -> Answer:
    result = screen(case)
    book = rulebook()
    firm = [reason for reason in result.reasons if not reason.is_open_question]
    open_questions = [reason for reason in result.reasons if reason.is_open_question]
    worst = [reason.patient_message for reason in firm if reason.decision == result.decision]
    next_steps = [book.alternatives[name]["patient"] for name in result.alternatives]
    if result.decision == "contraindicated":
        return Answer(
            "not_suitable",
            str(_("Mesotherapy is not suitable for you at the moment")),
            worst,
            [],
            next_steps,
            result,
        )
    if result.decision == "refer":
        questions = sorted(
            {reason.patient_message for reason in open_questions if reason.decision == "refer"}
        )
        return Answer(
            "see_a_doctor_first",
            str(_("Please see a doctor first")),
            worst,
            questions,
            next_steps,
            result,
        )
    return Answer(
        "likely_suitable",
        str(_("Mesotherapy is likely suitable: book a consultation")),
        [reason.patient_message for reason in firm],
        [],
        next_steps,
        result,
    )
