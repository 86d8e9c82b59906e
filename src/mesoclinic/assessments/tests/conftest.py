import pytest

from mesoclinic.patients.services import patient_update


@pytest.fixture
def patient_a(patient_a, practitioner):
    """Ayşe, asked about pregnancy: neither pregnant nor breastfeeding."""
    return patient_update(
        actor=practitioner,
        patient=patient_a,
        fields={"is_pregnant": False, "is_breastfeeding": False},
    )
