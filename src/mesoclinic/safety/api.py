"""Adverse events over JSON: report, list, follow up, clear a hold; the safety report."""

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from mesoclinic.accounts.models import Location
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.safety import selectors, services
from mesoclinic.safety.event_types import event_catalog
from mesoclinic.safety.models import AdverseEvent, Outcome
from mesoclinic.treatments.models import TreatmentSession
from mesoclinic.web import api_user

router = Router(tags=["adverse events"])


class EventIn(Schema):
    event_type: str = Field(description="A type id from GET /adverse-event-types, or 'other'")
    grade: int = Field(description="CTCAE v5 grade, 1 (mild) to 5 (death)")
    onset_on: datetime.date
    body_site: str = Field(max_length=120)
    reported_via: str = Field(description="session | follow_up_call | patient")
    session_id: int | None = None
    plan_id: int | None = None
    description: str = ""
    action_taken: str = ""
    outcome: str = Outcome.ONGOING
    follow_up_on: datetime.date | None = None
    lot_ids: list[int] = []


class EventOut(Schema):
    id: int
    patient_id: int
    plan_id: int | None
    session_id: int | None
    event_type: str
    description: str
    grade: int
    onset_on: datetime.date
    body_site: str
    lot_numbers: list[str]
    action_taken: str
    outcome: str
    follow_up_on: datetime.date | None
    reported_via: str
    reported_at: datetime.datetime
    holds_plan: bool
    cleared_at: datetime.datetime | None
    clearance_note: str

    @staticmethod
    def resolve_lot_numbers(event: AdverseEvent) -> list[str]:
        return [lot.lot_number for lot in event.lots.all()]


class FollowUpIn(Schema):
    outcome: str
    action_taken: str = ""
    follow_up_on: datetime.date | None = None


class ClearIn(Schema):
    note: str


class EventTypeOut(Schema):
    id: str
    label: str
    typical_grades: list[int]
    holds_plan: bool
    source: str


class RateLineOut(Schema):
    label: str
    events: int
    sessions: int | None
    rate_per_100: float | None


class SafetyReportOut(Schema):
    location_id: int = Field(alias="location.pk")
    since: datetime.date
    until: datetime.date
    sessions: int
    events: int
    holds: int
    rate_per_100: float | None
    by_type: list[RateLineOut]
    by_grade: list[RateLineOut]
    by_formulation: list[RateLineOut]
    by_lot: list[RateLineOut]


@router.get("/adverse-event-types", response=list[EventTypeOut], summary="Adverse event types")
def event_types(request: HttpRequest) -> list:
    return list(event_catalog().types)


@router.post(
    "/patients/{patient_id}/adverse-events",
    response={201: EventOut},
    summary="Report an adverse event; grade ≥3, infection or allergy holds the plan",
)
def report_event(request: HttpRequest, patient_id: int, payload: EventIn) -> Status:
    patient = get_object_or_404(Patient.objects.select_related("location"), pk=patient_id)
    session = (
        get_object_or_404(TreatmentSession.objects.select_related("plan"), pk=payload.session_id)
        if payload.session_id
        else None
    )
    plan = get_object_or_404(TreatmentPlan, pk=payload.plan_id) if payload.plan_id else None
    report = services.EventReport(
        **payload.dict(exclude={"reported_via", "session_id", "plan_id", "lot_ids"}),
        lots=list(Lot.objects.filter(pk__in=payload.lot_ids)),
    )
    event = services.adverse_event_report(
        actor=api_user(request),
        patient=patient,
        session=session,
        plan=plan,
        report=report,
        reported_via=payload.reported_via,
    )
    return Status(201, event)


@router.get(
    "/patients/{patient_id}/adverse-events", response=list[EventOut], summary="A patient's events"
)
def list_events(request: HttpRequest, patient_id: int) -> list:
    patient = get_object_or_404(Patient.objects.select_related("location"), pk=patient_id)
    return selectors.adverse_events_for_patient(user=api_user(request), patient=patient)


@router.patch("/adverse-events/{event_id}", response=EventOut, summary="Follow up an event")
def follow_up(request: HttpRequest, event_id: int, payload: FollowUpIn) -> AdverseEvent:
    user = api_user(request)
    event = selectors.adverse_event_get_for_user(user=user, event_id=event_id)
    return services.adverse_event_follow_up(actor=user, event=event, **payload.dict())


@router.post(
    "/adverse-events/{event_id}/clear",
    response=EventOut,
    summary="A clinician clears the hold; the plan resumes once nothing else holds it",
)
def clear(request: HttpRequest, event_id: int, payload: ClearIn) -> AdverseEvent:
    user = api_user(request)
    event = selectors.adverse_event_get_for_user(user=user, event_id=event_id)
    return services.adverse_event_clear(actor=user, event=event, note=payload.note)


@router.get(
    "/locations/{location_id}/safety-report",
    response=SafetyReportOut,
    summary="Events by type, grade, formulation and lot, with the rate per 100 sessions",
)
def report(
    request: HttpRequest,
    location_id: int,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> selectors.SafetyReport:
    location = get_object_or_404(Location, pk=location_id)
    return selectors.safety_report(
        user=api_user(request), location=location, since=since, until=until
    )
