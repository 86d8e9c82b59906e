import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as RequestInvalid

from mesoclinic.accounts.api import location_from_body
from mesoclinic.patients import selectors, services
from mesoclinic.patients.models import Allergy, Condition, Medication, Patient
from mesoclinic.web import api_user

router = Router(tags=["patients"])

SexChoice = Literal["female", "male", "other"]
SmokingChoice = Literal["", "never", "former", "current"]
AlcoholChoice = Literal["", "none", "occasional", "regular"]
LanguageChoice = Literal["en", "tr"]


class ConditionIn(Schema):
    icd10_code: str = Field(examples=["L64.9"])
    description: str = ""
    is_controlled: bool | None = None
    noted_on: datetime.date | None = None


class ConditionOut(ConditionIn):
    id: int


class MedicationIn(Schema):
    name: str = Field(examples=["warfarin"])
    dose: str = ""


class MedicationOut(MedicationIn):
    id: int


class AllergyIn(Schema):
    substance: str = Field(examples=["lidocaine"])
    reaction: str = ""


class AllergyOut(AllergyIn):
    id: int


class PatientContact(Schema):
    phone: str = ""
    email: str = ""
    address: str = ""
    city: str = ""
    postal_code: str = ""
    preferred_language: LanguageChoice = "en"
    may_contact: bool = False


class PatientMedicalFacts(Schema):
    is_pregnant: bool | None = None
    is_breastfeeding: bool | None = None
    may_become_pregnant: bool | None = None
    smoking: SmokingChoice = ""
    alcohol: AlcoholChoice = ""
    diet: str = ""
    history_notes: str = ""


class PatientIn(PatientContact, PatientMedicalFacts):
    location_id: int
    given_name: str = Field(min_length=1)
    family_name: str = Field(min_length=1)
    birth_date: datetime.date
    sex: SexChoice
    conditions: list[ConditionIn] = []
    medications: list[MedicationIn] = []
    allergies: list[AllergyIn] = []


class PatientPatch(Schema):
    """Only the fields sent are changed."""

    location_id: int | None = None
    given_name: str | None = Field(default=None, min_length=1)
    family_name: str | None = Field(default=None, min_length=1)
    birth_date: datetime.date | None = None
    sex: SexChoice | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    preferred_language: LanguageChoice | None = None
    may_contact: bool | None = None
    is_pregnant: bool | None = None
    is_breastfeeding: bool | None = None
    may_become_pregnant: bool | None = None
    smoking: SmokingChoice | None = None
    alcohol: AlcoholChoice | None = None
    diet: str | None = None
    history_notes: str | None = None


class PatientSummaryOut(Schema):
    id: int
    given_name: str
    family_name: str
    birth_date: datetime.date
    sex: str
    phone: str
    email: str
    location_id: int
    location_name: str


SUMMARY_FIELDS = [name for name in PatientSummaryOut.model_fields if name != "location_name"]


class PatientListOut(Schema):
    total: int
    offset: int
    limit: int
    items: list[PatientSummaryOut]


class MedicalHistoryOut(PatientMedicalFacts):
    conditions: list[ConditionOut]
    medications: list[MedicationOut]
    allergies: list[AllergyOut]


class PatientOut(PatientSummaryOut, PatientContact):
    medical_history: MedicalHistoryOut | None = Field(
        description="Absent for roles that may not see clinical data (reception)."
    )


class ListFilters(Schema):
    search: str = ""
    location_id: int | None = None
    offset: int = Field(0, ge=0)
    limit: int = Field(selectors.PAGE_SIZE, ge=1, le=200)


def _patient_fields(payload: dict[str, Any]) -> dict[str, Any]:
    fields = dict(payload)
    if "location_id" in fields:
        fields["location"] = location_from_body(fields.pop("location_id"))
    return fields


def _summary_out(patient: Patient) -> dict[str, Any]:
    out = {name: getattr(patient, name) for name in SUMMARY_FIELDS}
    out["location_name"] = patient.location.name
    return out


def _record_out(record: selectors.PatientRecord) -> dict[str, Any]:
    patient = record.patient
    out = _summary_out(patient)
    out.update({name: getattr(patient, name) for name in PatientContact.model_fields})
    history = record.medical_history
    out["medical_history"] = None
    if history is not None:
        out["medical_history"] = {
            **{name: getattr(patient, name) for name in PatientMedicalFacts.model_fields},
            "conditions": history.conditions,
            "medications": history.medications,
            "allergies": history.allergies,
        }
    return out


@router.get(
    "",
    response=PatientListOut,
    summary="Search the patients you may see",
    description=f"A search that matches more than {selectors.SEARCH_LIMIT} patients is "
    "refused (422 on `search`): add more of the name, or part of the phone or email.",
)
def list_patients(request: HttpRequest, filters: Query[ListFilters]) -> dict:
    try:
        page = selectors.patient_list(
            user=api_user(request),
            search=filters.search,
            location_id=filters.location_id,
            offset=filters.offset,
            limit=filters.limit,
        )
    except ValidationError as error:  # more patients match than a search lists
        messages = error.message_dict["search"]
        raise RequestInvalid([{"loc": ["query", "search"], "msg": m} for m in messages]) from error
    return {
        "total": page.total,
        "offset": page.offset,
        "limit": page.limit,
        "items": [_summary_out(patient) for patient in page.items],
    }


@router.post("", response={201: PatientOut}, summary="Register a patient with their history")
def create_patient(request: HttpRequest, payload: PatientIn) -> Status:
    data = payload.dict()
    patient = services.patient_create(
        actor=api_user(request),
        fields=_patient_fields(
            {k: v for k, v in data.items() if k not in {"conditions", "medications", "allergies"}}
        ),
        conditions=[Condition(**item) for item in data["conditions"]],
        medications=[Medication(**item) for item in data["medications"]],
        allergies=[Allergy(**item) for item in data["allergies"]],
    )
    record = selectors.patient_get_for_user(user=api_user(request), patient_id=patient.pk)
    return Status(201, _record_out(record))


@router.get("/{patient_id}", response=PatientOut, summary="One patient's record")
def get_patient(request: HttpRequest, patient_id: int) -> dict:
    return _record_out(
        selectors.patient_get_for_user(user=api_user(request), patient_id=patient_id)
    )


@router.patch("/{patient_id}", response=PatientOut, summary="Change a patient's record")
def update_patient(request: HttpRequest, patient_id: int, payload: PatientPatch) -> dict:
    user = api_user(request)
    record = selectors.patient_get_for_user(user=user, patient_id=patient_id)
    services.patient_update(
        actor=user,
        patient=record.patient,
        fields=_patient_fields(payload.dict(exclude_unset=True)),
    )
    return _record_out(selectors.patient_get_for_user(user=user, patient_id=patient_id))


HISTORY_ROUTES: list[tuple[str, type, type[Schema], type[Schema]]] = [
    ("conditions", Condition, ConditionIn, ConditionOut),
    ("medications", Medication, MedicationIn, MedicationOut),
    ("allergies", Allergy, AllergyIn, AllergyOut),
]


def _add_history_routes(
    list_name: str, model: type, schema_in: type[Schema], schema_out: type[Schema]
) -> None:
    """POST /patients/{id}/<list> and DELETE /patients/{id}/<list>/{entry_id} for one list."""

    def add_entry(request: HttpRequest, patient_id: int, payload: schema_in):  # type: ignore[valid-type]
        user = api_user(request)
        record = selectors.patient_get_for_user(user=user, patient_id=patient_id)
        entry = services.medical_history_add(
            actor=user,
            patient=record.patient,
            entry=model(**payload.dict()),  # type: ignore[attr-defined]
        )
        return Status(201, entry)

    def remove_entry(request: HttpRequest, patient_id: int, entry_id: int):
        user = api_user(request)
        entry = selectors.medical_history_entry_for_user(
            user=user, patient_id=patient_id, model=model, entry_id=entry_id
        )
        services.medical_history_remove(actor=user, entry=entry)
        return Status(204, None)

    router.add_api_operation(
        f"/{{patient_id}}/{list_name}",
        ["POST"],
        add_entry,
        response={201: schema_out},
        summary=f"Add to the patient's {list_name}",
        operation_id=f"add_{list_name}",
    )
    router.add_api_operation(
        f"/{{patient_id}}/{list_name}/{{entry_id}}",
        ["DELETE"],
        remove_entry,
        response={204: None},
        summary=f"Remove from the patient's {list_name}",
        operation_id=f"remove_{list_name}",
    )


for route in HISTORY_ROUTES:
    _add_history_routes(*route)
