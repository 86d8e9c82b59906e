import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import ModelSchema, Router, Schema, Status

from mesoclinic.assessments import selectors, services
from mesoclinic.assessments.models import Consultation
from mesoclinic.patients.selectors import patient_get_for_user
from mesoclinic.screening.models import ScreeningDecision
from mesoclinic.screening.services import screening_override
from mesoclinic.web import api_user

router = Router(tags=["consultations"])

FIELDS = sorted(services.EDITABLE_FIELDS)


class ConsultationIn(ModelSchema):
    """Findings of a consultation; what is not sent stays unknown (screening will ask for it)."""

    class Meta:
        model = Consultation
        fields = FIELDS
        fields_optional = "__all__"


class ScreeningOut(Schema):
    id: int
    decision: str
    effective_decision: str
    result: dict[str, Any]
    rulebook_version: str
    screened_at: datetime.datetime
    override_decision: str
    override_justification: str


class ConsultationOut(ModelSchema):
    patient_id: int
    practitioner_id: int
    screening: ScreeningOut | None

    class Meta:
        model = Consultation
        fields = ["id", *FIELDS]


class OverrideIn(Schema):
    decision: str
    justification: str


def _out(record: selectors.ConsultationRecord) -> dict[str, Any]:
    consultation = record.consultation
    out = {name: getattr(consultation, name) for name in ["id", *FIELDS]}
    out.update(patient_id=consultation.patient_id, practitioner_id=consultation.practitioner_id)
    out["screening"] = record.screening
    return out


@router.get(
    "/patients/{patient_id}/consultations",
    response=list[ConsultationOut],
    summary="A patient's consultations, newest first, each with its latest screening",
)
def list_consultations(request: HttpRequest, patient_id: int) -> list[dict]:
    user = api_user(request)
    record = patient_get_for_user(user=user, patient_id=patient_id)
    return [
        _out(item)
        for item in selectors.consultations_for_patient(user=user, patient=record.patient)
    ]


@router.post(
    "/patients/{patient_id}/consultations",
    response={201: ConsultationOut},
    summary="Record a consultation; it is screened at once",
)
def create_consultation(request: HttpRequest, patient_id: int, payload: ConsultationIn) -> Status:
    user = api_user(request)
    record = patient_get_for_user(user=user, patient_id=patient_id)
    consultation = services.consultation_create(
        actor=user, patient=record.patient, fields=payload.dict(exclude_unset=True)
    )
    return Status(
        201, _out(selectors.consultation_get_for_user(user=user, consultation_id=consultation.pk))
    )


@router.get(
    "/consultations/{consultation_id}",
    response=ConsultationOut,
    summary="One consultation with its latest screening",
)
def get_consultation(request: HttpRequest, consultation_id: int) -> dict:
    return _out(
        selectors.consultation_get_for_user(user=api_user(request), consultation_id=consultation_id)
    )


@router.post(
    "/screenings/{screening_id}/override",
    response=ScreeningOut,
    summary="Override the engine's decision with a written justification (practitioners)",
)
def override_screening(request: HttpRequest, screening_id: int, payload: OverrideIn):
    user = api_user(request)
    screening = get_object_or_404(ScreeningDecision, pk=screening_id)
    selectors.consultation_get_for_user(user=user, consultation_id=screening.consultation_id)
    return screening_override(
        actor=user,
        screening=screening,
        decision=payload.decision,
        justification=payload.justification,
    )
