"""Outcomes over JSON: the measures catalog, a plan's outcomes against its baseline,
recording measures and the response review, the clinic's thresholds and its report."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from mesoclinic.accounts.models import Location
from mesoclinic.outcomes import selectors, services
from mesoclinic.outcomes.measures import Change
from mesoclinic.outcomes.models import Measurement, ResponseReview
from mesoclinic.web import api_user

router = Router(tags=["outcomes"])


class ThresholdOut(Schema):
    kind: str = Field(description="percent (of the baseline) | absolute (in the unit)")
    value: Decimal


class MeasureOut(Schema):
    id: str
    label: str
    unit: str
    minimum: Decimal
    maximum: Decimal
    higher_is_better: bool
    threshold: ThresholdOut | None = Field(description="The clinic's, else the catalog's")
    is_clinic_threshold: bool
    source: str


class VisitOut(Schema):
    number: int = Field(description="0 for the baseline (consultation), else the session")
    day: datetime.date
    session_id: int | None
    values: dict[str, Decimal]


class ChangeOut(Schema):
    measure: str
    baseline: Decimal | None
    latest: Decimal | None
    difference: Decimal | None
    percent: Decimal | None
    has_responded: bool | None = Field(description="None: this measure cannot say")

    @staticmethod
    def resolve_measure(change: Change) -> str:
        return change.measure.id


class ReviewOut(Schema):
    id: int
    sessions_done: int
    is_responding: bool | None
    decision: str
    note: str
    decided_at: datetime.datetime


class PlanOutcomesOut(Schema):
    plan_id: int
    sessions_done: int
    is_responding: bool | None = Field(description="None: not enough measures to judge")
    is_review_due: bool
    visits: list[VisitOut]
    changes: list[ChangeOut]
    reviews: list[ReviewOut]


class MeasurementsIn(Schema):
    visit: str = Field(description="'baseline' (the consultation) or a completed session's id")
    measured_on: datetime.date | None = None
    values: dict[str, Decimal] = Field(description="measure id → value, e.g. density_per_cm2")


class MeasurementOut(Schema):
    id: int
    measure: str
    value: Decimal
    measured_on: datetime.date
    session_id: int | None
    consultation_id: int | None


class ReviewIn(Schema):
    decision: str = Field(description="continue | adjust | stop")
    note: str = ""


class ThresholdIn(Schema):
    kind: str = Field(description="percent | absolute")
    value: Decimal


class ResponseLineOut(Schema):
    label: str
    plans: int
    judged: int
    responding: int
    not_responding: int
    rate_percent: float | None


class OutcomeReportOut(Schema):
    location_id: int = Field(alias="location.pk")
    since: datetime.date
    until: datetime.date
    overall: ResponseLineOut
    by_cause: list[ResponseLineOut]
    by_stage: list[ResponseLineOut]
    by_formulation: list[ResponseLineOut]
    by_protocol: list[ResponseLineOut]
    worked_out_at: datetime.datetime = Field(
        description="When these figures were worked out: at most five minutes ago."
    )


@router.get("/measures", response=list[MeasureOut], summary="Outcome measures and thresholds")
def measures(request: HttpRequest) -> list[dict]:
    user = api_user(request)
    return [
        {**measure.__dict__, "threshold": threshold, "is_clinic_threshold": is_own}
        for measure, threshold, is_own in selectors.thresholds_in_force(user.clinic_group_id)
    ]


@router.get(
    "/plans/{plan_id}/outcomes",
    response=PlanOutcomesOut,
    summary="Measures visit by visit, the change from baseline and the response",
)
def plan_outcomes(request: HttpRequest, plan_id: int) -> dict:
    outcomes = selectors.plan_outcomes(user=api_user(request), plan=selectors.plan_get(plan_id))
    return {
        "plan_id": outcomes.plan.pk,
        "sessions_done": outcomes.sessions_done,
        "is_responding": outcomes.response.is_responding,
        "is_review_due": outcomes.is_review_due,
        "visits": outcomes.rows,
        "changes": outcomes.response.changes,
        "reviews": outcomes.reviews,
    }


@router.post(
    "/plans/{plan_id}/measurements",
    response={201: list[MeasurementOut]},
    summary="Record measures of the baseline or of a completed session",
)
def record_measurements(request: HttpRequest, plan_id: int, payload: MeasurementsIn) -> Status:
    consultation, session = selectors.plan_visit(selectors.plan_get(plan_id), payload.visit)
    recorded: list[Measurement] = services.measurement_record(
        actor=api_user(request),
        values=payload.values,
        measured_on=payload.measured_on,
        consultation=consultation,
        session=session,
    )
    return Status(201, recorded)


@router.post(
    "/plans/{plan_id}/response-reviews",
    response={201: ReviewOut},
    summary="Continue, adjust or stop the plan at its response review",
)
def review(request: HttpRequest, plan_id: int, payload: ReviewIn) -> Status:
    recorded: ResponseReview = services.response_review_record(
        actor=api_user(request),
        plan=selectors.plan_get(plan_id),
        decision=payload.decision,
        note=payload.note,
    )
    return Status(201, recorded)


@router.put(
    "/response-thresholds/{measure_id}",
    response=ThresholdOut,
    summary="The clinic group's own threshold for a measure",
)
def set_threshold(request: HttpRequest, measure_id: str, payload: ThresholdIn):
    user = api_user(request)
    return services.response_threshold_set(
        actor=user,
        group=selectors.settings_group(user),
        measure_id=measure_id,
        kind=payload.kind,
        value=payload.value,
    )


@router.delete(
    "/response-thresholds/{measure_id}",
    response={204: None},
    summary="Back to the catalog's threshold for a measure",
)
def reset_threshold(request: HttpRequest, measure_id: str) -> Status:
    user = api_user(request)
    services.response_threshold_reset(
        actor=user, group=selectors.settings_group(user), measure_id=measure_id
    )
    return Status(204, None)


@router.get(
    "/locations/{location_id}/outcome-report",
    response=OutcomeReportOut,
    summary="Response rates by cause, stage, formulation and protocol, with counts",
)
def report(
    request: HttpRequest,
    location_id: int,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> selectors.OutcomeReport:
    location = get_object_or_404(Location, pk=location_id)
    return selectors.outcome_report(
        user=api_user(request), location=location, since=since, until=until
    )
