"""Treatment plans over JSON: draft, read, and move through their statuses."""

import datetime
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from mesoclinic.accounts.models import User
from mesoclinic.formulary.models import Formulation
from mesoclinic.patients.selectors import patient_get_for_user
from mesoclinic.plans import selectors, services
from mesoclinic.plans.models import Protocol, TreatmentPlan
from mesoclinic.web import api_user

router = Router(tags=["plans"])


class PlanIn(Schema):
    protocol_id: int
    formulation_id: int
    target_zones: list[str] = []
    preferred_weekdays: list[int] = []
    preferred_from: datetime.time | None = None
    preferred_until: datetime.time | None = None
    preferred_practitioner_id: int | None = None
    notes: str = ""


class PlanOut(Schema):
    id: int
    patient_id: int
    protocol_id: int
    protocol: str = Field(alias="protocol.name")
    formulation_id: int
    consultation_id: int
    screening_id: int
    status: str
    session_count: int
    session_minutes: int
    review_at_session: int | None
    phases: list[dict]
    target_zones: list[str]
    preferred_weekdays: list[int]
    preferred_from: datetime.time | None
    preferred_until: datetime.time | None
    preferred_practitioner_id: int | None


class StatusIn(Schema):
    status: Literal["accepted", "active", "on_hold", "completed", "stopped"]
    reason: str = ""


@router.get("/patients/{patient_id}/plans", response=list[PlanOut], summary="A patient's plans")
def list_plans(request: HttpRequest, patient_id: int) -> list:
    user = api_user(request)
    record = patient_get_for_user(user=user, patient_id=patient_id)
    return selectors.plans_for_patient(user=user, patient=record.patient)


@router.post(
    "/patients/{patient_id}/plans",
    response={201: PlanOut},
    summary="Draft a plan on one of the patient's formulations",
)
def create_plan(request: HttpRequest, patient_id: int, payload: PlanIn) -> Status:
    user = api_user(request)
    patient = patient_get_for_user(user=user, patient_id=patient_id).patient
    plan = services.plan_create(
        actor=user,
        patient=patient,
        protocol=get_object_or_404(Protocol, pk=payload.protocol_id),
        formulation=get_object_or_404(Formulation, pk=payload.formulation_id),
        target_zones=payload.target_zones,
        preferred_weekdays=payload.preferred_weekdays,
        preferred_from=payload.preferred_from,
        preferred_until=payload.preferred_until,
        preferred_practitioner=get_object_or_404(User, pk=payload.preferred_practitioner_id)
        if payload.preferred_practitioner_id
        else None,
        notes=payload.notes,
    )
    return Status(201, plan)


@router.get("/plans/{plan_id}", response=PlanOut, summary="One plan")
def get_plan(request: HttpRequest, plan_id: int) -> TreatmentPlan:
    return plan_get(request, plan_id)


@router.post("/plans/{plan_id}/status", response=PlanOut, summary="Move a plan to a status")
def change_status(request: HttpRequest, plan_id: int, payload: StatusIn) -> TreatmentPlan:
    plan = plan_get(request, plan_id)
    return services.plan_transition(
        actor=api_user(request), plan=plan, status=payload.status, reason=payload.reason
    )


def plan_get(request: HttpRequest, plan_id: int) -> TreatmentPlan:
    """The plan, if the user may open its patient's record (audited either way)."""
    plan = get_object_or_404(TreatmentPlan.objects.select_related("protocol"), pk=plan_id)
    patient_get_for_user(user=api_user(request), patient_id=plan.patient_id)
    return plan
