"""Reporting and following up adverse events. An event of grade ≥3, an infection or an
allergic reaction puts the plan on hold and alerts the clinicians and the managers of the
patient's location, in the report's transaction; the plan resumes only when a clinician
clears every event that holds it."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mesoclinic import clock
from mesoclinic.accounts.models import Role, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record, audited_update
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.plans.services import plan_safety_hold, plan_transition
from mesoclinic.safety.event_types import GRADES, OTHER, event_catalog
from mesoclinic.safety.models import AdverseEvent, Outcome, ReportedVia, SafetyAlert
from mesoclinic.treatments.models import TreatmentSession


@dataclass(frozen=True)
class EventReport:
    """What is known of an adverse event when it is reported."""

    event_type: str
    grade: int
    onset_on: datetime.date
    body_site: str
    description: str = ""
    action_taken: str = ""
    outcome: str = Outcome.ONGOING
    follow_up_on: datetime.date | None = None
    lots: Sequence[Lot] = field(default_factory=tuple)


def adverse_event_report(
    *,
    actor: User,
    patient: Patient,
    report: EventReport,
    reported_via: str,
    session: TreatmentSession | None = None,
    plan: TreatmentPlan | None = None,
) -> AdverseEvent:
    """Record an event; put the plan on hold and alert the clinic when it is serious."""
    require_permission(user=actor, permission=Permission.ADVERSE_EVENT_REPORT, patient=patient)
    plan = session.plan if session is not None else plan
    _check(report, patient=patient, session=session, plan=plan, reported_via=reported_via)
    holds = event_catalog().holds_plan(report.event_type, report.grade)
    with transaction.atomic():
        event = AdverseEvent(
            patient=patient,
            plan=plan,
            session=session,
            event_type=report.event_type,
            description=report.description.strip(),
            grade=report.grade,
            onset_on=report.onset_on,
            body_site=report.body_site.strip(),
            action_taken=report.action_taken.strip(),
            outcome=report.outcome,
            follow_up_on=report.follow_up_on,
            reported_via=reported_via,
            reported_by=actor,
            reported_at=clock.now(),
            holds_plan=holds and plan is not None,
        )
        event.full_clean()
        event.save()
        event.lots.set(report.lots)
        _audit(actor, AuditAction.CREATE, event, _details(event))
        if event.holds_plan and plan is not None:
            plan_safety_hold(actor=actor, plan=plan, reason=f"Adverse event {event.pk}: {event}")
        if holds:  # serious with or without a plan: the clinic hears of it at once
            _alert(event)
    return event


def adverse_event_follow_up(
    *,
    actor: User,
    event: AdverseEvent,
    outcome: str,
    action_taken: str,
    follow_up_on: datetime.date | None,
) -> AdverseEvent:
    """What a follow-up call found: the outcome, what was done, the next follow-up."""
    require_permission(
        user=actor, permission=Permission.ADVERSE_EVENT_FOLLOW_UP, patient=event.patient
    )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [f"Choose one of {', '.join(Outcome.values)}."]})
    if follow_up_on is not None and follow_up_on < event.onset_on:
        raise ValidationError({"follow_up_on": ["The follow-up comes after the onset."]})
    with transaction.atomic():
        updated, _changes = audited_update(
            actor=actor,
            instance=event,
            fields={
                "outcome": outcome,
                "action_taken": action_taken.strip(),
                "follow_up_on": follow_up_on,
            },
            patient_id=event.patient_id,
            location_id=event.patient.location_id,
        )
    return updated


def adverse_event_clear(*, actor: User, event: AdverseEvent, note: str) -> AdverseEvent:
    """A clinician judges the plan safe to go on; once no event holds it, it resumes."""
    require_permission(user=actor, permission=Permission.ADVERSE_EVENT_CLEAR, patient=event.patient)
    if not event.is_holding:
        raise ValidationError("This event does not hold the plan.")
    if not note.strip():
        raise ValidationError({"note": ["Say why the plan may go on."]})
    with transaction.atomic():
        cleared, _changes = audited_update(
            actor=actor,
            instance=event,
            fields={"cleared_at": clock.now(), "cleared_by": actor, "clearance_note": note.strip()},
            patient_id=event.patient_id,
            location_id=event.patient.location_id,
        )
        plan = cleared.plan
        if plan is None:  # the model allows a hold only on an event with a plan
            raise ValidationError("This event holds no plan.")
        still_held = plan.adverse_events.filter(holds_plan=True, cleared_at__isnull=True)
        if plan.status == PlanStatus.ON_HOLD and not still_held.exists():
            plan_transition(
                actor=actor, plan=plan, status=PlanStatus.ACTIVE, reason=f"Cleared: {note.strip()}"
            )
    return cleared


def alert_mark_seen(*, actor: User, alert: SafetyAlert) -> None:
    if alert.recipient_id != actor.pk:
        raise ValidationError("This alert is someone else's.")
    SafetyAlert.objects.filter(pk=alert.pk, seen_at__isnull=True).update(seen_at=clock.now())


def _check(
    report: EventReport,
    *,
    patient: Patient,
    session: TreatmentSession | None,
    plan: TreatmentPlan | None,
    reported_via: str,
) -> None:
    errors: dict[str, str] = {}
    completed = session.completed_at if session is not None else None
    session_day = timezone.localdate(completed) if completed is not None else None
    if event_catalog().get(report.event_type) is None:
        errors["event_type"] = "Choose a type from the list, or 'other' and describe it."
    elif report.event_type == OTHER and not report.description.strip():
        errors["description"] = "Describe an event of type 'other'."
    if report.grade not in GRADES:
        errors["grade"] = "A CTCAE grade is 1 (mild) to 5 (death)."
    if report.onset_on > clock.today():
        errors["onset_on"] = "The onset cannot be in the future."
    elif session_day is not None and report.onset_on < session_day:
        errors["onset_on"] = "The onset cannot come before the session."
    if not report.body_site.strip():
        errors["body_site"] = "Say where on the body."
    if report.outcome not in Outcome.values:
        errors["outcome"] = f"Choose one of {', '.join(Outcome.values)}."
    if report.follow_up_on is not None and report.follow_up_on < report.onset_on:
        errors["follow_up_on"] = "The follow-up comes after the onset."
    if reported_via not in ReportedVia.values:
        errors["reported_via"] = f"Choose one of {', '.join(ReportedVia.values)}."
    if session is not None and session.patient_id != patient.pk:
        errors["session"] = "That session is another patient's."
    elif plan is not None and plan.patient_id != patient.pk:
        errors["plan"] = "That plan is another patient's."
    stray = _lots_not_given(report.lots, patient)
    if stray:
        errors["lots"] = f"This patient received no vial of lot {', '.join(stray)}."
    if errors:
        raise ValidationError(errors)


def _lots_not_given(lots: Sequence[Lot], patient: Patient) -> list[str]:
    given = set(Lot.objects.filter(uses__session__patient=patient).values_list("pk", flat=True))
    return [lot.lot_number for lot in lots if lot.pk not in given]


def _alert(event: AdverseEvent) -> None:
    """The practitioners who treated this plan, or all of the location's if none has (or
    there is no plan), and the location's managers."""
    location = event.patient.location
    treating = set(
        TreatmentSession.objects.filter(plan=event.plan, practitioner__isnull=False).values_list(
            "practitioner_id", flat=True
        )
    )
    staff = User.objects.filter(locations=location, is_active=True)
    recipients = staff.filter(role=Role.MANAGER) | (
        staff.filter(pk__in=treating) if treating else staff.filter(role=Role.PRACTITIONER)
    )
    SafetyAlert.objects.bulk_create(
        [SafetyAlert(event=event, recipient=user) for user in recipients.distinct()],
        ignore_conflicts=True,
    )


def _details(event: AdverseEvent) -> dict:
    return {
        "type": event.event_type,
        "grade": event.grade,
        "plan": event.plan_id,
        "session": event.session_id,
        "reported_via": event.reported_via,
        "holds_plan": event.holds_plan,
        "lots": [lot.lot_number for lot in event.lots.all()],
    }


def _audit(actor: User, action: AuditAction, event: AdverseEvent, details: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="safety.adverseevent",
        object_id=event.pk,
        patient_id=event.patient_id,
        location_id=event.patient.location_id,
        details=details,
    )
