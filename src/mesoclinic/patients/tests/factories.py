import datetime

from mesoclinic.accounts.models import Location, User
from mesoclinic.patients.models import Allergy, Condition, Medication, Patient
from mesoclinic.patients.services import patient_create


def register_patient(
    *,
    actor: User,
    location: Location,
    given_name: str = "Can",
    family_name: str = "Demir",
    birth_date: datetime.date = datetime.date(1990, 4, 1),
    sex: str = "male",
    conditions: list[tuple[str, bool | None]] = (),  # type: ignore[assignment]
    medications: list[str] = (),  # type: ignore[assignment]
    allergies: list[str] = (),  # type: ignore[assignment]
    **fields,
) -> Patient:
    """A patient registered through the service, as a user of the clinic would."""
    return patient_create(
        actor=actor,
        fields={
            "location": location,
            "given_name": given_name,
            "family_name": family_name,
            "birth_date": birth_date,
            "sex": sex,
            **fields,
        },
        conditions=[Condition(icd10_code=code, is_controlled=ok) for code, ok in conditions],
        medications=[Medication(name=name) for name in medications],
        allergies=[Allergy(substance=substance) for substance in allergies],
    )
