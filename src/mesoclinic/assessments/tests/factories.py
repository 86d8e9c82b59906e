import datetime

from mesoclinic.assessments.services import consultation_create

EXAMINED = {
    "held_on": datetime.date(2026, 11, 22),
    "indication": "hair_loss",
    "diagnoses": ["L64.9"],
    "cause_investigated": True,
    "follicles_present": True,
    "scalp_infection": False,
}


def consult(actor, patient, **changes):
    return consultation_create(actor=actor, patient=patient, fields={**EXAMINED, **changes})
