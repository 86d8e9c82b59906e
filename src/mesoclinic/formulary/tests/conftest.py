import pytest

from mesoclinic.assessments.tests.factories import consult
from mesoclinic.patients.services import patient_update


@pytest.fixture
def patient_a(patient_a, practitioner):
    """Ayşe (allergic to lidocaine, may become pregnant), asked about pregnancy, consulted."""
    patient = patient_update(
        actor=practitioner,
        patient=patient_a,
        fields={"is_pregnant": False, "is_breastfeeding": False},
    )
    consult(practitioner, patient)
    return patient
