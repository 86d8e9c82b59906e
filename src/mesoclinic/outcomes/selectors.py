"""Reads of outcomes: a plan's baseline, its measurements session by session and the
response judged against the baseline; each scoped and audited."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mesoclinic.accounts.models import ClinicGroup, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.assessments.models import Consultation
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.outcomes.measures import Response, Threshold, measure_catalog, response_of
from mesoclinic.outcomes.models import Measurement, Photo, ResponseReview, ResponseThreshold
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.treatments.models import SessionStatus


@dataclass(frozen=True)
class OutcomeRow:
    """The measures of one visit: the baseline (number 0) or a session."""

    number: int
    day: datetime.date
    session_id: int | None
    values: dict[str, Decimal]


@dataclass(frozen=True)
class PlanOutcomes:
    plan: TreatmentPlan
    rows: list[OutcomeRow]  # the baseline first, then each session done
    response: Response
    reviews: list[ResponseReview]

    @property
    def baseline(self) -> OutcomeRow:
        return self.rows[0]

    @property
    def sessions_done(self) -> int:
        return len(self.rows) - 1

    @property
    def is_review_due(self) -> bool:
        """The review session is done and nobody has decided since."""
        review_at = self.plan.review_at_session
        return review_at is not None and self.sessions_done >= review_at and not self.reviews


def consultation_baseline(consultation: Consultation) -> dict[str, Decimal]:
    """The measures the consultation itself holds, by the catalog's baseline kinds."""
    values: dict[str, Decimal | None] = {
        "density_per_cm2": consultation.density_per_cm2,
        "shaft_diameter_um": consultation.shaft_diameter_um,
        "pull_test_pulled": (
            Decimal(sum(site["pulled"] for site in consultation.pull_test))
            if consultation.pull_test
            else None
        ),
        "salt": (
            Decimal(str(consultation.salt_result.score)) if consultation.salt_result else None
        ),
    }
    return {
        measure.id: value
        for measure in measure_catalog().measures
        if (value := values.get(measure.baseline)) is not None
    }


def plan_outcomes(*, user: User, plan: TreatmentPlan) -> PlanOutcomes:
    """The plan's measures from its consultation on, in three queries, audited."""
    require_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=plan.patient)
    outcomes = outcomes_of(plan)
    audit_record(
        actor=user,
        action=AuditAction.READ,
        object_type="outcomes.measurement",
        patient_id=plan.patient_id,
        location_id=plan.patient.location_id,
        details={"plan": plan.pk},
    )
    return outcomes


def thresholds_for(group_id: int) -> dict[str, Threshold | None]:
    return {
        row.measure: Threshold(row.kind, row.value)
        for row in ResponseThreshold.objects.filter(clinic_group_id=group_id)
    }


def response_thresholds(*, user: User, group: ClinicGroup) -> list[tuple]:
    """Each measure with the threshold in force and whether the clinic set it."""
    require_permission(user=user, permission=Permission.OUTCOME_SETTINGS)
    own = thresholds_for(group.pk)
    return [
        (measure, own.get(measure.id, measure.threshold), measure.id in own)
        for measure in measure_catalog().measures
    ]


def outcomes_of(plan: TreatmentPlan) -> PlanOutcomes:
    """The plan's outcomes, unchecked and unaudited: for callers that checked already."""
    consultation = plan.consultation
    measurements = Measurement.objects.filter(Q(consultation=consultation) | Q(session__plan=plan))
    baseline = {**consultation_baseline(consultation)}
    by_session: dict[int, dict[str, Decimal]] = {}
    for measurement in measurements:
        if measurement.consultation_id is not None:
            baseline[measurement.measure] = measurement.value
        elif measurement.session_id is not None:
            by_session.setdefault(measurement.session_id, {})[measurement.measure] = (
                measurement.value
            )
    sessions = (
        plan.treatment_sessions.filter(status=SessionStatus.COMPLETED)
        .select_related("appointment")
        .order_by("appointment__session_number", "completed_at")
    )
    rows = [OutcomeRow(0, consultation.held_on, None, baseline)]
    rows += [
        OutcomeRow(
            session.appointment.session_number or index,
            timezone.localdate(session.completed_at or session.created_at),
            session.pk,
            by_session.get(session.pk, {}),
        )
        for index, session in enumerate(sessions, start=1)
    ]
    latest: dict[str, Decimal] = {}
    for row in rows[1:]:
        latest.update(row.values)
    response = response_of(
        catalog=measure_catalog(),
        baseline=baseline,
        latest=latest,
        thresholds=thresholds_for(plan.patient.location.group_id),
    )
    return PlanOutcomes(
        plan, rows, response, list(plan.response_reviews.select_related("decided_by"))
    )


@dataclass(frozen=True)
class PhotoColumn:
    """One visit in a side-by-side comparison, with its photo of the view if any."""

    key: str  # "baseline" or the session's id
    label: str
    day: datetime.date
    photo: Photo | None


def plan_photos(*, user: User, plan: TreatmentPlan) -> list[Photo]:
    """The photos of the plan's consultation and sessions, in one query, audited."""
    require_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=plan.patient)
    photos = list(
        Photo.objects.filter(Q(consultation=plan.consultation) | Q(session__plan=plan))
        .select_related("session__appointment")
        .order_by("taken_on", "id")
    )
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="outcomes.photo",
        patient_id=plan.patient_id,
        location_id=plan.patient.location_id,
        details={"plan": plan.pk},
    )
    return photos


def photo_comparison(
    outcomes: PlanOutcomes, photos: list[Photo], *, view: str, chosen: list[str]
) -> list[PhotoColumn]:
    """The same view across the chosen visits (by default the baseline and the latest
    visit with that view), each with its date and session number."""
    of_view = [photo for photo in photos if photo.view_key == view]
    by_visit = {_visit_key(photo): photo for photo in of_view}
    if not chosen:
        keys = [
            key
            for key in ("baseline", *(str(r.session_id) for r in outcomes.rows[1:]))
            if key in by_visit
        ]
        chosen = keys[:1] + keys[-1:] if len(keys) > 1 else keys
    columns = []
    for row in outcomes.rows:
        key = "baseline" if row.session_id is None else str(row.session_id)
        if key in chosen:
            label = "Baseline" if row.number == 0 else f"Session {row.number}"
            columns.append(PhotoColumn(key, label, row.day, by_visit.get(key)))
    return columns


def photo_get_for_user(*, user: User, photo_id: int) -> Photo:
    photo = get_object_or_404(Photo.objects.select_related("patient"), pk=photo_id)
    require_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=photo.patient)
    audit_record(
        actor=user,
        action=AuditAction.READ,
        object_type="outcomes.photo",
        object_id=photo.pk,
        patient_id=photo.patient_id,
        location_id=photo.patient.location_id,
    )
    return photo


def _visit_key(photo: Photo) -> str:
    return "baseline" if photo.consultation_id is not None else str(photo.session_id)
