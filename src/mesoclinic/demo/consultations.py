"""Demo consultations: realistic spreads of causes, stages and findings for a hair-loss clinic.

Rates are illustrative, chosen so that every screening decision and every scale appears.
"""

import random
from decimal import Decimal

from mesoclinic.assessments.models import Consultation
from mesoclinic.demo.bulk import new
from mesoclinic.patients.models import Condition, Patient

# (ICD-10 diagnosis, weight) for men and for women seen for hair loss.
MALE_CAUSES = [
    ("L64.9", 75),
    ("L63.9", 8),
    ("L65.0", 8),
    ("L65.8", 2),
    ("D50.9", 2),
    ("L66.1", 1),
    ("B35.0", 2),
    ("F63.3", 1),
    ("E03.9", 1),
]
FEMALE_CAUSES = [
    ("L64.9", 40),
    ("L65.0", 28),
    ("L63.9", 8),
    ("D50.9", 8),
    ("E03.9", 5),
    ("E28.2", 4),
    ("L65.8", 3),
    ("L66.1", 2),
    ("F63.3", 1),
    ("B35.0", 1),
]
NORWOOD = [
    ("II", 15),
    ("IIa", 5),
    ("III", 20),
    ("IIIa", 5),
    ("III-vertex", 15),
    ("IV", 14),
    ("IVa", 5),
    ("V", 8),
    ("Va", 3),
    ("VI", 6),
    ("VII", 4),
]
LUDWIG = [("I", 60), ("II", 32), ("III", 8)]
MEDICAL_CAUSES = {"D50.9", "E03.9", "E28.2"}
TELOGEN_TRIGGERS = ["season", "stress", "diet", "pregnancy_menopause", "illness"]
SKIN_AREAS = {
    "skin_rejuvenation": ["face", "neck", "décolleté"],
    "fat_reduction": ["chin", "abdomen", "flanks"],
    "cellulite": ["thighs", "buttocks"],
}


def pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def demo_consultation(
    rng: random.Random, patient: Patient, conditions: list[Condition], practitioner_id: int
) -> Consultation | None:
    """A first consultation on the day of registration; about one patient in eight has none yet."""
    if rng.random() < 0.12:
        return None
    indication = pick(
        rng, [("hair_loss", 80), ("skin_rejuvenation", 10), ("fat_reduction", 5), ("cellulite", 5)]
    )
    consultation = new(
        Consultation,
        practitioner_id=practitioner_id,
        held_on=patient.created_at.date(),
        indication=indication,
        modality="prp" if rng.random() < 0.2 else "cocktail",
    )
    if indication != "hair_loss":
        area = rng.choice(SKIN_AREAS[indication])
        consultation.skin_areas = [{"area": area, "size_cm2": str(rng.randrange(20, 400))}]
        return consultation
    _hair_findings(rng, consultation, patient, conditions)
    if consultation.modality == "prp":
        _blood_values(rng, consultation, patient)
    return consultation


def _hair_findings(
    rng: random.Random, consultation: Consultation, patient: Patient, conditions: list[Condition]
) -> None:
    is_female = patient.sex == "female"
    cause = pick(rng, FEMALE_CAUSES if is_female else MALE_CAUSES)
    known = [c.icd10_code for c in conditions if c.icd10_code in MEDICAL_CAUSES]
    consultation.diagnoses = sorted({cause, *known})
    consultation.family_history = rng.random() < (0.7 if cause == "L64.9" else 0.3)
    consultation.onset = rng.choice(
        [
            "gradual over years",
            "last 6 months",
            "after illness",
            "since 2022",
            "postpartum",
            "this autumn",
        ]
    )
    consultation.cause_investigated = (
        rng.random() < 0.7
        if MEDICAL_CAUSES & set(consultation.diagnoses)
        else rng.choices([True, False, None], [90, 5, 5])[0]
    )
    consultation.scalp_infection = cause == "B35.0" or rng.random() < 0.01
    consultation.scalp_condition = rng.choice(["normal", "normal", "oily", "dry", "dandruff"])
    consultation.follicles_present = not (cause == "L66.1" and rng.random() < 0.7)
    density = rng.uniform(150, 210)
    if cause == "L64.9":
        if is_female:
            consultation.ludwig = pick(rng, LUDWIG)
            consultation.sinclair = str(
                min(5, LUDWIG_RANK[consultation.ludwig] + rng.randint(1, 2))
            )
            consultation.scalp_map = {"mid_scalp": "moderate", "vertex": "mild"}
        else:
            stage = pick(rng, NORWOOD)
            consultation.norwood_hamilton = stage
            consultation.basp = _basp_for(stage)
            consultation.scalp_map = _male_map(stage)
            if stage in {"VI", "VII"} and rng.random() < 0.5:
                consultation.follicles_present = False
        density = rng.uniform(90, 170)
        consultation.vellus_percent = Decimal(rng.randint(15, 35))
        consultation.terminal_percent = 100 - consultation.vellus_percent
    elif cause == "L65.0":
        consultation.triggers = rng.sample(TELOGEN_TRIGGERS, k=rng.randint(1, 2))
        consultation.telogen_percent = Decimal(rng.randint(20, 35))
        consultation.anagen_percent = 100 - consultation.telogen_percent
        consultation.pull_test = [
            {"site": site, "grasped": 50, "pulled": rng.randint(6, 12)}
            for site in ("frontal", "vertex", "occipital")
        ]
    elif cause == "L63.9":
        top, back = rng.randint(5, 60), rng.randint(0, 40)
        consultation.salt_top, consultation.salt_back = Decimal(top), Decimal(back)
        consultation.salt_right = Decimal(rng.randint(0, 30))
        consultation.salt_left = Decimal(rng.randint(0, 30))
        consultation.pull_test = [
            {"site": "vertex", "grasped": 50, "pulled": rng.randint(6, 15)},
            {"site": "occipital", "grasped": 50, "pulled": 2},
        ]
    elif cause == "F63.3":
        consultation.triggers = ["hair_pulling"]
    consultation.density_per_cm2 = Decimal(round(density, 1)).quantize(Decimal("0.1"))
    consultation.shaft_diameter_um = Decimal(rng.randint(45, 75))


LUDWIG_RANK = {"I": 1, "II": 2, "III": 3}


def _basp_for(norwood: str) -> str:
    """A BASP code consistent with the Norwood stage (basic type M, vertex thinning V)."""
    depth = {
        "II": 1,
        "IIa": 1,
        "III": 2,
        "IIIa": 2,
        "III-vertex": 1,
        "IV": 2,
        "IVa": 3,
        "V": 3,
        "Va": 3,
        "VI": 3,
        "VII": 3,
    }[norwood]
    basic = "C" + str(depth) if norwood.endswith("a") else "M" + str(depth)
    vertex = {"III-vertex": "V1", "IV": "V2", "V": "V3", "VI": "V3", "VII": "V3"}.get(norwood, "")
    return basic + vertex


def _male_map(norwood: str) -> dict[str, str]:
    level = {
        "II": "mild",
        "IIa": "mild",
        "III": "moderate",
        "IIIa": "moderate",
        "III-vertex": "moderate",
        "IV": "moderate",
        "IVa": "severe",
        "V": "severe",
        "Va": "severe",
        "VI": "severe",
        "VII": "severe",
    }[norwood]
    zones = {"frontal": level, "left_temporal": level, "right_temporal": level}
    if norwood in {"III-vertex", "IV", "V", "VI", "VII"}:
        zones["vertex"] = level
    if norwood in {"V", "Va", "VI", "VII"}:
        zones["mid_scalp"] = level
    return zones


def _blood_values(rng: random.Random, consultation: Consultation, patient: Patient) -> None:
    consultation.platelets_10e9_per_l = Decimal(max(40, round(rng.gauss(250, 60))))
    mean = 13.0 if patient.sex == "female" else 14.5
    consultation.hemoglobin_g_dl = Decimal(str(round(rng.gauss(mean, 1.3), 1)))
    consultation.days_since_nsaid = rng.choice([1, 3, 7, 30, 90, 90])
    consultation.days_since_systemic_steroid = rng.choice([10, 60, 365, 365, 365])
