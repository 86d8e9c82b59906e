"""Recording outcomes: measurements at a visit, the clinic's response thresholds, and the
practitioner's decision at the response review; each audited."""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from mesoclinic import clock
from mesoclinic.accounts.models import ClinicGroup, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.assessments.models import Consultation
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record, audited_update
from mesoclinic.outcomes.measures import measure_catalog
from mesoclinic.outcomes.models import (
    Measurement,
    Photo,
    PhotoView,
    ResponseReview,
    ResponseThreshold,
    ReviewDecision,
)
from mesoclinic.outcomes.photos import photo_discard, photo_store
from mesoclinic.outcomes.selectors import outcomes_of
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.plans.services import plan_transition
from mesoclinic.treatments.models import TreatmentSession


def measurement_record(
    *,
    actor: User,
    values: Mapping[str, Decimal],
    session: TreatmentSession | None = None,
    consultation: Consultation | None = None,
    measured_on: datetime.date | None = None,
) -> list[Measurement]:
    """Record measures taken at one visit (a completed session, or the consultation for
    the baseline); a measure given again for that visit replaces its value, audited."""
    patient = _visit_patient(session, consultation)
    require_permission(user=actor, permission=Permission.OUTCOME_RECORD, patient=patient)
    _check_values(values)
    measured_on = measured_on or clock.today()
    if measured_on > clock.today():
        raise ValidationError({"measured_on": ["A measure cannot be taken in the future."]})
    recorded = []
    with transaction.atomic():
        for measure_id, value in values.items():
            existing = Measurement.objects.filter(
                session=session, consultation=consultation, measure=measure_id
            ).first()
            if existing is not None:
                updated, _changes = audited_update(
                    actor=actor,
                    instance=existing,
                    fields={"value": value, "measured_on": measured_on, "recorded_by": actor},
                    patient_id=patient.pk,
                    location_id=patient.location_id,
                )
                recorded.append(updated)
                continue
            measurement = Measurement(
                patient=patient,
                session=session,
                consultation=consultation,
                measure=measure_id,
                value=value,
                measured_on=measured_on,
                recorded_by=actor,
            )
            measurement.full_clean()
            measurement.save()
            _audit(actor, measurement, {"measure": measure_id, "value": str(value)})
            recorded.append(measurement)
    return recorded


def photo_upload(
    *,
    actor: User,
    upload,
    view: str,
    custom_label: str = "",
    session: TreatmentSession | None = None,
    consultation: Consultation | None = None,
    taken_on: datetime.date | None = None,
) -> Photo:
    """Store a standard photo of a visit: checked, stripped of metadata, audited. The
    files are removed again if the record cannot be saved."""
    patient = _visit_patient(session, consultation)
    require_permission(user=actor, permission=Permission.OUTCOME_RECORD, patient=patient)
    if view not in PhotoView.values:
        raise ValidationError({"view": [f"Choose one of {', '.join(PhotoView.values)}."]})
    if view == PhotoView.CUSTOM and not custom_label.strip():
        raise ValidationError({"custom_label": ["Name the view."]})
    taken_on = taken_on or clock.today()
    stored = photo_store(upload)
    try:
        with transaction.atomic():
            photo = Photo(
                patient=patient,
                session=session,
                consultation=consultation,
                view=view,
                custom_label=custom_label.strip() if view == PhotoView.CUSTOM else "",
                taken_on=taken_on,
                file_name=stored.file_name,
                thumbnail_name=stored.thumbnail_name,
                width=stored.width,
                height=stored.height,
                uploaded_by=actor,
            )
            photo.full_clean()
            photo.save()
            _audit(actor, photo, {"view": view, "taken_on": taken_on.isoformat()})
    except BaseException:
        photo_discard(stored)
        raise
    return photo


def response_review_record(
    *, actor: User, plan: TreatmentPlan, decision: str, note: str = ""
) -> ResponseReview:
    """The practitioner's decision on the response so far: continue, adjust or stop (the
    plan is stopped with the note as its reason)."""
    require_permission(user=actor, permission=Permission.OUTCOME_RECORD, patient=plan.patient)
    if decision not in ReviewDecision.values:
        raise ValidationError({"decision": [f"Choose one of {', '.join(ReviewDecision.values)}."]})
    if decision != ReviewDecision.CONTINUE and not note.strip():
        raise ValidationError({"note": ["Say what changes, or why the plan stops."]})
    outcomes = outcomes_of(plan)
    if outcomes.sessions_done == 0:
        raise ValidationError("A response is reviewed after sessions have been given.")
    with transaction.atomic():
        review = ResponseReview(
            plan=plan,
            sessions_done=outcomes.sessions_done,
            changes=[change.as_json() for change in outcomes.response.changes],
            is_responding=outcomes.response.is_responding,
            decision=decision,
            note=note.strip(),
            decided_by=actor,
            decided_at=clock.now(),
        )
        review.full_clean()
        review.save()
        _audit(
            actor,
            review,
            {"decision": decision, "is_responding": review.is_responding, "plan": plan.pk},
        )
        if decision == ReviewDecision.STOP and plan.status not in {
            PlanStatus.STOPPED,
            PlanStatus.COMPLETED,
        }:
            plan_transition(
                actor=actor, plan=plan, status=PlanStatus.STOPPED, reason=f"Review: {note.strip()}"
            )
    return review


def response_threshold_set(
    *, actor: User, group: ClinicGroup, measure_id: str, kind: str, value: Decimal
) -> ResponseThreshold:
    _require_group_settings(actor, group)
    if measure_catalog().get(measure_id) is None:
        raise ValidationError({"measure": [f"Unknown measure {measure_id!r}."]})
    if kind not in {"percent", "absolute"}:
        raise ValidationError({"kind": ["Choose percent or absolute."]})
    if value <= 0:
        raise ValidationError({"value": ["The least improvement is above 0."]})
    with transaction.atomic():
        threshold, created = ResponseThreshold.objects.select_for_update().get_or_create(
            clinic_group=group,
            measure=measure_id,
            defaults={"kind": kind, "value": value, "changed_by": actor},
        )
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                object_type="outcomes.responsethreshold",
                object_id=threshold.pk,
                details={"measure": measure_id, "kind": kind, "value": str(value)},
            )
            return threshold
        updated, _changes = audited_update(
            actor=actor,
            instance=threshold,
            fields={"kind": kind, "value": value, "changed_by": actor, "changed_at": clock.now()},
            patient_id=None,
            location_id=None,
        )
    return updated


def response_threshold_reset(*, actor: User, group: ClinicGroup, measure_id: str) -> None:
    """Back to the catalog's threshold for a measure; nothing to do if the clinic had none."""
    _require_group_settings(actor, group)
    with transaction.atomic():
        threshold = (
            ResponseThreshold.objects.select_for_update()
            .filter(clinic_group=group, measure=measure_id)
            .first()
        )
        if threshold is None:
            return
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type="outcomes.responsethreshold",
            object_id=threshold.pk,
            details={"measure": measure_id, "kind": threshold.kind, "value": str(threshold.value)},
        )
        threshold.delete()


def _require_group_settings(actor: User, group: ClinicGroup) -> None:
    """A manager changes the outcome settings of their own clinic group only."""
    require_permission(user=actor, permission=Permission.OUTCOME_SETTINGS)
    if actor.clinic_group_id != group.pk:
        raise ValidationError("That is another clinic group's setting.")


def _visit_patient(session: TreatmentSession | None, consultation: Consultation | None):
    """The patient of the one visit given: a completed session, or the consultation."""
    if session is not None and consultation is None:
        if not session.is_completed:
            raise ValidationError("A session is measured once it is completed.")
        return session.patient
    if consultation is not None and session is None:
        return consultation.patient
    raise ValidationError("Give a session or the consultation, one of the two.")


def _check_values(values: Mapping[str, Decimal]) -> None:
    if not values:
        raise ValidationError({"values": ["Give at least one measure."]})
    errors = {}
    for measure_id, value in values.items():
        measure = measure_catalog().get(measure_id)
        if measure is None:
            errors[measure_id] = f"Unknown measure {measure_id!r}."
        elif not measure.holds(Decimal(value)):
            errors[measure_id] = (
                f"{measure.label} is {measure.minimum}–{measure.maximum} {measure.unit}."
            )
    if errors:
        raise ValidationError(errors)


def _audit(actor: User, instance, details: dict) -> None:
    patient = instance.patient if hasattr(instance, "patient") else instance.plan.patient
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        patient_id=patient.pk,
        location_id=patient.location_id,
        details=details,
    )
