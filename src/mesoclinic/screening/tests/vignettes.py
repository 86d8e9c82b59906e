"""Clinical vignettes for the screening engine: a fully answered, clean case and its variations."""

import copy
import json

MISSING = object()

CLEAN_CASE = {
    "indication": "hair_loss",
    "modality": "cocktail",
    "on_date": "2026-11-22",
    "patient": {
        "birth_date": "1990-04-01",
        "sex": "female",
        "pregnant": False,
        "breastfeeding": False,
        "may_become_pregnant": False,
        "conditions": [],
        "medications": [],
        "allergies": [],
    },
    "assessment": {
        "diagnoses": ["L64.9"],
        "follicles_present": True,
        "scalp_infection": False,
        "cause_investigated": True,
    },
    "formulation": {"ingredients": ["biotin", "dexpanthenol", "zinc"]},
}

PRP = {
    "modality": "prp",
    "formulation": {"ingredients": ["autologous prp"]},
    "assessment.platelets_10e9_per_l": 250,
    "assessment.hemoglobin_g_dl": 13.5,
    "assessment.days_since_nsaid": 10,
    "assessment.days_since_systemic_steroid": 90,
}

MAN = {
    "patient.sex": "male",
    "patient.pregnant": MISSING,
    "patient.breastfeeding": MISSING,
    "patient.may_become_pregnant": MISSING,
}


def vignette(*change_sets: dict) -> dict:
    """The clean case with dotted-path changes applied; MISSING removes a field."""
    case = copy.deepcopy(CLEAN_CASE)
    for changes in change_sets:
        for path, value in changes.items():
            *parents, leaf = path.split(".")
            target = case
            for parent in parents:
                target = target.setdefault(parent, {})
            if value is MISSING:
                target.pop(leaf, None)
            else:
                target[leaf] = copy.deepcopy(value)
    return case


def as_json(case: dict) -> str:
    return json.dumps(case)
