"""Protocols and treatment plans: every change permission-checked, validated, atomic and
audited. A plan may be drafted on any screening, but it is accepted or started only on
one that allows treatment: "contraindicated" or "refer" need a clinician's justified
override of that screening first."""

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import ClinicGroup, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record, audited_update
from mesoclinic.formulary.models import Formulation
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, Protocol, TreatmentPlan
from mesoclinic.plans.protocols import protocol_book
from mesoclinic.screening.models import Decision, ScreeningDecision

TREATABLE = {Decision.ELIGIBLE, Decision.ELIGIBLE_WITH_PRECAUTIONS}
STATUSES_NEEDING_A_REASON = {PlanStatus.ON_HOLD, PlanStatus.STOPPED}


def protocol_defaults_install(*, group: ClinicGroup) -> list[Protocol]:
    """Give a clinic group each shipped protocol it does not have yet (by code)."""
    existing = set(Protocol.objects.filter(clinic_group=group).values_list("code", flat=True))
    created = []
    with transaction.atomic():
        for definition in protocol_book().protocols.values():
            if definition.code in existing:
                continue
            protocol = Protocol(
                clinic_group=group,
                code=definition.code,
                name=definition.name,
                indication=definition.indication,
                modality=definition.modality,
                phases=[vars(phase) for phase in definition.phases],
                review_at_session=definition.review_at_session,
                source=definition.source,
                evidence=definition.evidence,
            )
            protocol.full_clean()
            protocol.save()
            created.append(protocol)
        if created:
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                object_type="plans.protocol",
                details={
                    "group": group.pk,
                    "protocols": [p.code for p in created],
                    "version": protocol_book().version,
                },
            )
    return created


def protocol_update(*, actor: User, protocol: Protocol, fields: dict[str, Any]) -> Protocol:
    """A manager edits the clinic's protocol; running plans keep the phases they had."""
    require_permission(user=actor, permission=Permission.PROTOCOL_EDIT)
    if protocol.clinic_group_id != actor.clinic_group_id:
        raise ValidationError("This protocol belongs to another clinic group.")
    editable = {"name", "phases", "review_at_session", "session_minutes", "is_active"}
    unknown = set(fields) - editable
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    with transaction.atomic():
        updated, _changes = audited_update(
            actor=actor, instance=protocol, fields=fields, patient_id=None, location_id=None
        )
    return updated


def plan_create(
    *,
    actor: User,
    patient: Patient,
    protocol: Protocol,
    formulation: Formulation,
    target_zones: Sequence[str] = (),
    preferred_weekdays: Sequence[int] = (),
    preferred_from: datetime.time | None = None,
    preferred_until: datetime.time | None = None,
    preferred_practitioner: User | None = None,
    notes: str = "",
) -> TreatmentPlan:
    """Draft a plan resting on the formulation's consultation and its latest screening."""
    require_permission(user=actor, permission=Permission.PLAN_EDIT, patient=patient)
    errors: dict[str, list[str]] = {}
    if protocol.clinic_group_id != patient.location.group_id or not protocol.is_active:
        errors["protocol"] = ["Choose one of this clinic's protocols in use."]
    if formulation.patient_id != patient.pk or not formulation.is_active:
        errors["formulation"] = ["Choose one of this patient's formulations in use."]
    elif (formulation.indication, formulation.modality) != (protocol.indication, protocol.modality):
        errors["formulation"] = [
            f"The formulation is for {formulation.get_indication_display()} "
            f"({formulation.get_modality_display()}); the protocol is for "
            f"{protocol.get_indication_display()} ({protocol.get_modality_display()})."
        ]
    if preferred_practitioner is not None and patient.location_id not in (
        preferred_practitioner.location_ids
    ):
        errors["preferred_practitioner"] = ["This practitioner does not work at the location."]
    if errors:
        raise ValidationError(errors)
    consultation = formulation.consultation
    screening = consultation.screenings.first() if consultation else None
    if consultation is None or screening is None:
        raise ValidationError({"formulation": ["The formulation was checked on no consultation."]})
    plan = TreatmentPlan(
        patient=patient,
        consultation=consultation,
        screening=screening,
        protocol=protocol,
        phases=protocol.phases,
        review_at_session=protocol.review_at_session,
        session_minutes=protocol.session_minutes,
        formulation=formulation,
        target_zones=list(target_zones),
        preferred_weekdays=sorted(set(preferred_weekdays)),
        preferred_from=preferred_from,
        preferred_until=preferred_until,
        preferred_practitioner=preferred_practitioner,
        notes=notes.strip(),
        created_by=actor,
    )
    plan.full_clean()
    with transaction.atomic():
        plan.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="plans.treatmentplan",
            object_id=plan.pk,
            patient_id=patient.pk,
            location_id=patient.location_id,
            changes={"status": [None, plan.status]},
            details={
                "protocol": protocol.code,
                "formulation": formulation.pk,
                "screening": screening.pk,
                "screening_decision": screening.effective_decision,
            },
        )
    return plan


def plan_transition(
    *, actor: User, plan: TreatmentPlan, status: str, reason: str = ""
) -> TreatmentPlan:
    """Move a plan to another status, if that move is allowed; audited with the reason."""
    require_permission(user=actor, permission=Permission.PLAN_EDIT, patient=plan.patient)
    return _move(actor=actor, plan=plan, status=status, reason=reason)


def plan_safety_hold(*, actor: User, plan: TreatmentPlan, reason: str) -> TreatmentPlan:
    """Put an active plan on hold after a serious adverse event (clinical.md §9). This is
    the safety rule rather than a clinical choice, so it follows from any report the
    reporter may make, the patient's own from the portal too. A plan not active is left
    as it is: no session is given on it anyway."""
    with transaction.atomic():
        locked = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.ACTIVE:
            return locked
        return _move(actor=actor, plan=locked, status=PlanStatus.ON_HOLD, reason=reason)


def _move(*, actor: User, plan: TreatmentPlan, status: str, reason: str) -> TreatmentPlan:
    with transaction.atomic():
        locked = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
        if not locked.can_become(status):
            raise ValidationError(
                {
                    "status": [
                        f"A plan that is {locked.get_status_display().lower()} "
                        f"cannot become {PlanStatus(status).label.lower()}."
                        if status in PlanStatus.values
                        else f"Unknown status {status!r}."
                    ]
                }
            )
        if status in STATUSES_NEEDING_A_REASON and not reason.strip():
            raise ValidationError({"reason": ["Say why."]})
        if status == PlanStatus.ACTIVE and _held_by_an_adverse_event(locked):
            raise ValidationError(
                {"status": ["An adverse event holds this plan until a clinician clears it."]}
            )
        if status in {PlanStatus.ACCEPTED, PlanStatus.ACTIVE}:
            _require_treatable(locked)
        updated, _changes = audited_update(
            actor=actor,
            instance=locked,
            fields={"status": status, "status_changed_at": timezone.now()},
            patient_id=locked.patient_id,
            location_id=locked.patient.location_id,
            details={"reason": reason.strip()} if reason.strip() else None,
        )
    return updated


def _held_by_an_adverse_event(plan: TreatmentPlan) -> bool:
    # Read through the reverse relation: safety builds on plans, not the other way round.
    return plan.adverse_events.filter(holds_plan=True, cleared_at__isnull=True).exists()


def _require_treatable(plan: TreatmentPlan) -> None:
    # The latest screening of the plan's consultation: an override made after the plan was
    # drafted counts, and so does a re-screening that found something new.
    screening: ScreeningDecision = plan.consultation.screenings.first() or plan.screening
    if screening.effective_decision not in TREATABLE:
        raise ValidationError(
            {
                "status": [
                    f"The screening says “{Decision(screening.effective_decision).label}”: "
                    "resolve it, or a clinician overrides it with a justification, first."
                ]
            }
        )
    if not plan.formulation.is_active:
        raise ValidationError({"status": ["The plan's formulation was stopped; choose another."]})
