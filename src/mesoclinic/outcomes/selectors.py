"""Reads of outcomes: a plan's baseline, its measurements session by session and the
response judged against the baseline; each scoped and audited."""

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from mesoclinic import clock
from mesoclinic.accounts.models import ClinicGroup, Location, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.assessments.models import Consultation
from mesoclinic.assessments.scales import staging_scales
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.caching import kept_for
from mesoclinic.outcomes.measures import Response, Threshold, measure_catalog, response_of
from mesoclinic.outcomes.models import Measurement, Photo, ResponseReview, ResponseThreshold
from mesoclinic.patients.icd10 import icd10_title
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.treatments.models import SessionStatus, TreatmentSession


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
    return thresholds_in_force(group.pk)


def thresholds_in_force(group_id: int | None) -> list[tuple]:
    """Each measure, its threshold (the clinic's, else the catalog's), and whether it is
    the clinic's: settings, not patient data, so for any staff member to read."""
    own = thresholds_for(group_id) if group_id is not None else {}
    return [
        (measure, own.get(measure.id, measure.threshold), measure.id in own)
        for measure in measure_catalog().measures
    ]


def outcomes_of(plan: TreatmentPlan) -> PlanOutcomes:
    """The plan's outcomes, unchecked and unaudited: for callers that checked already."""
    consultation = plan.consultation
    measurements = Measurement.objects.filter(Q(consultation=consultation) | Q(session__plan=plan))
    recorded_at_baseline: dict[str, Decimal] = {}
    by_session: dict[int, dict[str, Decimal]] = {}
    for measurement in measurements:
        if measurement.consultation_id is not None:
            recorded_at_baseline[measurement.measure] = measurement.value
        elif measurement.session_id is not None:
            by_session.setdefault(measurement.session_id, {})[measurement.measure] = (
                measurement.value
            )
    sessions = plan.treatment_sessions.filter(status=SessionStatus.COMPLETED).select_related(
        "appointment"
    )
    baseline = baseline_of(consultation, recorded_at_baseline)
    rows = [OutcomeRow(0, consultation.held_on, None, baseline)]
    rows += [
        OutcomeRow(
            session.appointment.session_number or index,
            timezone.localdate(session.completed_at or session.created_at),
            session.pk,
            by_session.get(session.pk, {}),
        )
        for index, session in enumerate(sessions.order_by(*SESSION_ORDER), start=1)
    ]
    response = response_of(
        catalog=measure_catalog(),
        baseline=baseline,
        latest=latest_of(row.values for row in rows[1:]),
        thresholds=thresholds_for(plan.patient.location.group_id),
    )
    return PlanOutcomes(
        plan, rows, response, list(plan.response_reviews.select_related("decided_by"))
    )


# Sessions in the order they were given: by number in the course, then by completion.
SESSION_ORDER = ("appointment__session_number", "completed_at")


def baseline_of(consultation: Consultation, recorded: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The consultation's own measures, with what was recorded for it taking precedence."""
    return {**consultation_baseline(consultation), **recorded}


def latest_of(visits: Iterable[Mapping[str, Decimal]]) -> dict[str, Decimal]:
    """Each measure's last value over visits given in order."""
    latest: dict[str, Decimal] = {}
    for values in visits:
        latest.update(values)
    return latest


@dataclass(frozen=True)
class ResponseLine:
    """Plans of one group, and how many were judged responding or not."""

    label: str
    plans: int
    responding: int
    not_responding: int

    @property
    def judged(self) -> int:
        return self.responding + self.not_responding

    @property
    def rate_percent(self) -> float | None:
        """Responding among those judged; plans without enough measures are not counted."""
        return round(100 * self.responding / self.judged, 1) if self.judged else None


@dataclass(frozen=True)
class OutcomeReport:
    location: Location
    since: datetime.date
    until: datetime.date
    overall: ResponseLine
    by_cause: list[ResponseLine]
    by_stage: list[ResponseLine]
    by_formulation: list[ResponseLine]
    by_protocol: list[ResponseLine]
    worked_out_at: datetime.datetime


# Working a report out reads every plan of the period, so one is kept this long for each
# location, period and set of thresholds: a new threshold counts at once, a new
# measurement within this time.
REPORT_FRESH_SECONDS = 5 * 60


def outcome_report(
    *,
    user: User,
    location: Location,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> OutcomeReport:
    """The response of every plan with a session done at the location in [since, until],
    by cause, stage, formulation and protocol, each with its counts (worked out at most
    every REPORT_FRESH_SECONDS). Audited at each read."""
    since, until = clock.report_period(since, until)
    require_permission(user=user, permission=Permission.OUTCOME_REPORT, location=location)
    thresholds = thresholds_for(location.group_id)
    key = (
        "outcome-report:"
        + hashlib.sha256(
            repr((location.pk, since, until, sorted(thresholds.items()))).encode()
        ).hexdigest()
    )
    figures = kept_for(
        key, REPORT_FRESH_SECONDS, lambda: _response_figures(location, since, until, thresholds)
    )
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="outcomes.measurement",
        location_id=location.pk,
        details={"report": "outcomes", "since": since.isoformat(), "until": until.isoformat()},
    )
    return OutcomeReport(location=location, since=since, until=until, **figures)


def _response_figures(
    location: Location,
    since: datetime.date,
    until: datetime.date,
    thresholds: Mapping[str, Threshold | None],
) -> dict[str, Any]:
    """The report's lines in three queries, whatever the clinic's size; a plan with
    several diagnoses or stages counts under each."""
    plan_ids = TreatmentSession.objects.filter(
        status=SessionStatus.COMPLETED,
        appointment__location=location,
        completed_at__date__gte=since,
        completed_at__date__lte=until,
    ).values("plan_id")
    plans = list(
        TreatmentPlan.objects.filter(pk__in=plan_ids).select_related(
            "consultation", "protocol", "formulation__template"
        )
    )
    verdicts = _verdicts(plans, thresholds)
    groups: dict[str, defaultdict[str, list[bool | None]]] = {
        name: defaultdict(list) for name in ("cause", "stage", "formulation", "protocol")
    }
    for plan in plans:
        verdict = verdicts[plan.pk]
        for name, labels in _plan_groups(plan).items():
            for label in labels:
                groups[name][label].append(verdict)
    return {
        "overall": _line(_("All plans"), list(verdicts.values())),
        "by_cause": _lines(groups["cause"]),
        "by_stage": _lines(groups["stage"]),
        "by_formulation": _lines(groups["formulation"]),
        "by_protocol": _lines(groups["protocol"]),
        "worked_out_at": timezone.now(),
    }


def _verdicts(
    plans: list[TreatmentPlan], thresholds: Mapping[str, Threshold | None]
) -> dict[int, bool | None]:
    """Each plan's response (None: not enough measures) from two reads of measurements,
    each by the ids of the plans already read: the plans' own query again as a subquery
    was planned as a nested loop over it, minutes long, when the tables' statistics
    were out of date (seen on PostgreSQL after a bulk load)."""
    recorded_at_baseline: defaultdict[int, dict[str, Decimal]] = defaultdict(dict)
    for consultation_id, measure, value in Measurement.objects.filter(
        consultation_id__in={plan.consultation_id for plan in plans}
    ).values_list("consultation_id", "measure", "value"):
        recorded_at_baseline[consultation_id][measure] = value
    latest: defaultdict[int, dict[str, Decimal]] = defaultdict(dict)
    for plan_id, measure, value in (
        Measurement.objects.filter(session__plan_id__in=[plan.pk for plan in plans])
        .order_by(*(f"session__{field}" for field in SESSION_ORDER))
        .values_list("session__plan_id", "measure", "value")
    ):
        latest[plan_id][measure] = value
    catalog = measure_catalog()
    return {
        plan.pk: response_of(
            catalog=catalog,
            baseline=baseline_of(plan.consultation, recorded_at_baseline[plan.consultation_id]),
            latest=latest[plan.pk],
            thresholds=thresholds,
        ).is_responding
        for plan in plans
    }


def _plan_groups(plan: TreatmentPlan) -> dict[str, list[str]]:
    consultation = plan.consultation
    # Each scale's stage is the consultation's field of the scale's name.
    stages = [
        f"{scale.title} {stage}"
        for name, scale in staging_scales().items()
        if (stage := getattr(consultation, name, ""))
    ]
    causes = [f"{code} {icd10_title(code)}".strip() for code in consultation.diagnoses]
    formulation = plan.formulation.template or plan.formulation
    return {
        "cause": causes or [_("No diagnosis recorded")],
        "stage": stages or [_("Not staged")],
        "formulation": [formulation.name],
        "protocol": [plan.protocol.name],
    }


def _line(label: str, verdicts: list[bool | None]) -> ResponseLine:
    return ResponseLine(label, len(verdicts), verdicts.count(True), verdicts.count(False))


def _lines(groups: Mapping[str, list[bool | None]]) -> list[ResponseLine]:
    """Largest group first; ties by name, so the report reads the same every time."""
    lines = [_line(label, verdicts) for label, verdicts in groups.items()]
    return sorted(lines, key=lambda line: (-line.plans, line.label))


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


BASELINE = "baseline"  # the visit that is the consultation; any other visit is a session id


def plan_get(plan_id: int) -> TreatmentPlan:
    """A plan with what the outcomes pages read of it; unchecked: the reads that follow
    (plan_outcomes, the services) check the user."""
    return get_object_or_404(
        TreatmentPlan.objects.select_related(
            "patient__location", "consultation", "protocol", "formulation"
        ),
        pk=plan_id,
    )


def plan_visit(
    plan: TreatmentPlan, visit: str
) -> tuple[Consultation | None, TreatmentSession | None]:
    """The visit a measure or photo belongs to: the consultation, or one of the plan's
    sessions by its id."""
    if visit == BASELINE:
        return plan.consultation, None
    if not visit.isdigit():
        raise ValidationError({"visit": [f"Give '{BASELINE}' or a session's id."]})
    return None, get_object_or_404(TreatmentSession, pk=int(visit), plan=plan)


def settings_group(user: User) -> ClinicGroup:
    """The clinic group whose outcome settings the user reads and keeps."""
    if user.clinic_group is None:
        raise PermissionDenied("Thresholds belong to a clinic group.")
    return user.clinic_group


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
