"""Giving a session: the consent it rests on, the pre-procedure checklist, and the chart.

Completing a session is one transaction: the chart, the vials taken from stock (and the
after-opening clock of a newly opened vial), the visit marked done, the plan started and
the aftercare messages queued. Either all of it is written or none of it.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mesoclinic import clock
from mesoclinic.accounts.models import User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.assessments.models import Indication, ScalpZone
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record, audited_update
from mesoclinic.formulary.composition import Composition
from mesoclinic.formulary.models import Lot, MovementKind, OpenedVial
from mesoclinic.formulary.selectors import formulation_check
from mesoclinic.formulary.services import opened_vial_check_usable, stock_withdraw, vial_open
from mesoclinic.messaging.models import Message
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.plans.services import plan_transition
from mesoclinic.scheduling.models import Appointment, AppointmentStatus
from mesoclinic.scheduling.services import appointment_mark
from mesoclinic.treatments.aftercare import aftercare_message_rows
from mesoclinic.treatments.models import (
    ChartAddendum,
    ChecklistAnswer,
    Device,
    SessionStatus,
    Technique,
    TreatmentConsent,
    TreatmentSession,
    VialUse,
)
from mesoclinic.treatments.selectors import ChecklistState, checklist_state
from mesoclinic.treatments.session_rules import session_rules

# A session is given only on a plan the patient has agreed to and that is not paused.
TREATABLE_PLAN_STATUSES = (PlanStatus.ACCEPTED, PlanStatus.ACTIVE)


@dataclass(frozen=True)
class ChartEntry:
    """What the practitioner charts when the session ends."""

    device: str
    technique: str
    depth_mm: Decimal
    zone_volumes: dict[str, Decimal]
    started_at: datetime.datetime
    ended_at: datetime.datetime
    needle_gauge: int | None = None
    needle_length_mm: Decimal | None = None
    notes: str = ""


@dataclass(frozen=True)
class VialEntry:
    """A vial used: a lot taken from stock, or an already opened multi-dose vial."""

    lot: Lot
    opened_vial: OpenedVial | None = None


def consent_record(
    *,
    actor: User,
    plan: TreatmentPlan,
    signed_by_name: str,
    signed_at: datetime.datetime | None = None,
) -> TreatmentConsent:
    """Record the patient's signed consent to this plan (on paper or on screen)."""
    require_permission(user=actor, permission=Permission.PLAN_EDIT, patient=plan.patient)
    if not signed_by_name.strip():
        raise ValidationError({"signed_by_name": ["Write the name the patient signed with."]})
    signed_at = signed_at or clock.now()
    if signed_at > clock.now():
        raise ValidationError({"signed_at": ["A consent cannot be signed in the future."]})
    with transaction.atomic():
        TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
        if TreatmentConsent.objects.filter(plan=plan, withdrawn_at__isnull=True).exists():
            raise ValidationError("This plan already has a valid consent on file.")
        consent = TreatmentConsent(
            plan=plan,
            patient=plan.patient,
            signed_by_name=signed_by_name.strip(),
            signed_at=signed_at,
            recorded_by=actor,
        )
        consent.full_clean()
        consent.save()
        _audit(actor, AuditAction.CREATE, consent, plan.patient, {"plan": plan.pk})
    return consent


def consent_withdraw(*, actor: User, consent: TreatmentConsent, reason: str) -> TreatmentConsent:
    require_permission(user=actor, permission=Permission.PLAN_EDIT, patient=consent.patient)
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the consent is withdrawn."]})
    with transaction.atomic():
        updated, _changes = audited_update(
            actor=actor,
            instance=consent,
            fields={"withdrawn_at": clock.now(), "withdrawn_reason": reason.strip()},
            patient_id=consent.patient_id,
            location_id=consent.patient.location_id,
        )
    return updated


def session_open(*, actor: User, appointment: Appointment) -> TreatmentSession:
    """Start preparing the session of a plan's visit today (or return the one started)."""
    require_permission(user=actor, permission=Permission.SESSION_CHART, patient=appointment.patient)
    if appointment.plan_id is None:
        raise ValidationError("This visit is not a session of a treatment plan.")
    existing = TreatmentSession.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(f"This visit is {appointment.get_status_display().lower()}.")
    if timezone.localdate(appointment.starts_at) != clock.today():
        raise ValidationError("A session is prepared on the day of its visit.")
    with transaction.atomic():
        session, created = TreatmentSession.objects.get_or_create(
            appointment=appointment,
            defaults={"plan_id": appointment.plan_id, "patient_id": appointment.patient_id},
        )
        if created:
            _audit(actor, AuditAction.CREATE, session, appointment.patient, {})
    return session


def checklist_answer(
    *,
    actor: User,
    session: TreatmentSession,
    item_id: str,
    is_yes: bool | None = None,
    done_at: datetime.datetime | None = None,
) -> ChecklistAnswer:
    """Record one checklist item as asked today. A yes to "allergies and medications
    asked again" screens the record again; a new contraindication refuses it."""
    require_permission(user=actor, permission=Permission.SESSION_CHART, patient=session.patient)
    item = session_rules().item(item_id)
    modality = session.plan.formulation.modality
    if item is None or modality not in item.modalities:
        raise ValidationError({"item": [f"{item_id!r} is not asked for a {modality} session."]})
    if item.kind == "consent":
        raise ValidationError({"item": ["The consent is read from the consent on file."]})
    if item.kind == "confirm" and is_yes is None:
        raise ValidationError({"is_yes": ["Answer yes or no."]})
    if item.kind == "time":
        if done_at is None:
            raise ValidationError({"done_at": ["Say when."]})
        if done_at > clock.now() or timezone.localdate(done_at) != clock.today():
            raise ValidationError({"done_at": ["A time earlier today."]})
    if item.id == "history_reasked" and is_yes:
        _refuse_new_contraindication(actor, session)
    with transaction.atomic():
        locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
        if locked.is_completed:
            raise ValidationError("The session is completed; its checklist is closed.")
        fields = {"is_yes": is_yes if item.kind == "confirm" else None, "done_at": done_at}
        answer = ChecklistAnswer.objects.filter(session=locked, item=item.id).first()
        if answer is None:
            answer = ChecklistAnswer(session=locked, item=item.id, recorded_by=actor, **fields)
            answer.full_clean()
            answer.save()
            _audit(actor, AuditAction.CREATE, answer, session.patient, _answer_details(answer))
            return answer
        answer, _changes = audited_update(
            actor=actor,
            instance=answer,
            fields={**fields, "recorded_by": actor, "recorded_at": clock.now()},
            patient_id=session.patient_id,
            location_id=session.patient.location_id,
        )
    return answer


def session_complete(
    *,
    actor: User,
    session: TreatmentSession,
    chart: ChartEntry,
    vials: Sequence[VialEntry],
) -> TreatmentSession:
    """Chart the session and take its vials from stock, all at once or not at all."""
    patient = session.patient
    require_permission(user=actor, permission=Permission.SESSION_CHART, patient=patient)
    # The vials come from the stock of the visit's location, which may not be the
    # patient's own.
    require_permission(
        user=actor, permission=Permission.STOCK_USE, location=session.appointment.location
    )
    with transaction.atomic():
        locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
        plan = TreatmentPlan.objects.select_for_update().get(pk=locked.plan_id)
        _refuse_untreatable(locked, plan)
        _refuse_open_checklist(checklist_state(session=locked))
        _refuse_new_contraindication(actor, locked)
        total = _checked_chart(chart, plan)
        locked.completed_at = clock.now()
        uses = [_take_vial(actor, locked, entry) for entry in _checked_vials(vials)]
        fields = _chart_fields(chart, total)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.practitioner = actor
        locked.status = SessionStatus.COMPLETED
        locked.full_clean()
        locked.save()
        VialUse.objects.bulk_create(uses)
        appointment_mark(actor=actor, appointment=locked.appointment, status=AppointmentStatus.DONE)
        if plan.status == PlanStatus.ACCEPTED:
            plan_transition(actor=actor, plan=plan, status=PlanStatus.ACTIVE)
        messages = _aftercare_queue(locked)
        _audit(
            actor,
            AuditAction.UPDATE,
            locked,
            patient,
            {
                "status": SessionStatus.COMPLETED,
                "total_volume_ml": str(total),
                "lots": [use.lot.lot_number for use in uses],
                "aftercare_messages": len(messages),
            },
        )
    return locked


def addendum_add(*, actor: User, session: TreatmentSession, text: str) -> ChartAddendum:
    """Correct or complete a completed chart; the chart itself stays as it was."""
    require_permission(user=actor, permission=Permission.SESSION_CHART, patient=session.patient)
    if not session.is_completed:
        raise ValidationError("Only a completed session takes an addendum; edit the chart.")
    if not text.strip():
        raise ValidationError({"text": ["Write the addendum."]})
    with transaction.atomic():
        addendum = ChartAddendum(session=session, text=text.strip(), author=actor)
        addendum.full_clean()
        addendum.save()
        _audit(actor, AuditAction.CREATE, addendum, session.patient, {"session": session.pk})
    return addendum


def _aftercare_queue(session: TreatmentSession) -> list[Message]:
    """Queue the aftercare messages, in the session's transaction, for a patient who
    agreed to be contacted; the worker sends each once when due."""
    if not session.patient.may_contact:
        return []
    return Message.objects.bulk_create(aftercare_message_rows(session))


def _answer_details(answer: ChecklistAnswer) -> dict:
    done_at = answer.done_at.isoformat() if answer.done_at else None
    return {"item": answer.item, "is_yes": answer.is_yes, "done_at": done_at}


def _refuse_untreatable(session: TreatmentSession, plan: TreatmentPlan) -> None:
    if session.is_completed:
        raise ValidationError("This session is already completed; add an addendum instead.")
    if plan.status not in TREATABLE_PLAN_STATUSES:
        raise ValidationError(
            f"The plan is {plan.get_status_display().lower()}: no session is given on it."
        )
    if not plan.formulation.is_active:
        raise ValidationError("The plan's formulation was stopped: no session is given with it.")
    appointment = session.appointment
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(f"The visit is {appointment.get_status_display().lower()}.")
    if appointment.starts_at > clock.now():
        raise ValidationError("The visit has not started yet.")


def _refuse_open_checklist(state: ChecklistState) -> None:
    if state.missing:
        raise ValidationError(
            {"checklist": [f"Complete the checklist first: {', '.join(state.missing)}."]}
        )
    if state.stops:
        raise ValidationError(
            {"checklist": [f"The session cannot go ahead: {', '.join(state.stops)}."]}
        )


def _refuse_new_contraindication(actor: User, session: TreatmentSession) -> None:
    """Screen the record as it stands now with the plan's formulation."""
    check, _consultation = formulation_check(
        user=actor,
        patient=session.patient,
        composition=Composition.of(session.plan.formulation),
    )
    if not check.can_save:
        reasons = "; ".join(f"{reason.message} ({reason.why})" for reason in check.blocking)
        raise ValidationError(
            {"checklist": [f"Screened again with today's record: {reasons}. No session today."]}
        )


def _checked_chart(chart: ChartEntry, plan: TreatmentPlan) -> Decimal:
    """Every figure in its range, and the total within the formulation; the total."""
    errors: dict[str, str] = {}
    limits = session_rules().chart_limits
    if chart.device not in Device.values:
        errors["device"] = f"Choose one of {', '.join(Device.values)}."
    if chart.technique not in Technique.values:
        errors["technique"] = f"Choose one of {', '.join(Technique.values)}."
    if chart.device == Device.NEEDLE and (chart.needle_gauge is None or not chart.needle_length_mm):
        errors["needle_gauge"] = "Give the needle's gauge and length."
    figures = {
        "needle_gauge": chart.needle_gauge,
        "needle_length_mm": chart.needle_length_mm,
        "depth_mm": chart.depth_mm,
    }
    for name, value in figures.items():
        limit = limits[name]
        if value is not None and not limit.minimum <= Decimal(value) <= limit.maximum:
            errors[name] = f"{limit.minimum}–{limit.maximum} is the range here ({limit.source})."
    if chart.ended_at <= chart.started_at:
        errors["ended_at"] = "The session ends after it starts."
    elif chart.ended_at > clock.now():
        errors["ended_at"] = "The session cannot end in the future."
    zones = _zone_errors(chart.zone_volumes, plan.formulation.indication)
    total = sum(chart.zone_volumes.values(), Decimal(0)).quantize(Decimal("0.01"))
    allowed = plan.formulation.volume_ml_per_session
    if not zones and total > allowed:
        zones = f"{total} mL in all is more than this formulation's {allowed} mL a session."
    if zones:
        errors["zone_volumes"] = zones
    if errors:
        raise ValidationError(errors)
    return total


def _zone_errors(volumes: dict[str, Decimal], indication: str) -> str:
    if not volumes:
        return "Give the volume injected in each zone treated."
    if indication == Indication.HAIR_LOSS:
        unknown = sorted(set(volumes) - set(ScalpZone.values))
        if unknown:
            return f"Unknown scalp zones: {', '.join(unknown)}."
    if any(volume <= 0 for volume in volumes.values()):
        return "Each zone's volume is more than 0 mL."
    return ""


def _checked_vials(vials: Sequence[VialEntry]) -> Sequence[VialEntry]:
    if not vials:
        raise ValidationError({"vials": ["Record the vials used (scan or pick their lots)."]})
    return vials


def _take_vial(actor: User, session: TreatmentSession, entry: VialEntry) -> VialUse:
    """Take one vial: from an opened vial still usable, by opening a multi-dose vial (its
    clock starts), or a single-dose vial used whole. Expired lots are refused. The use
    is given at the session's location and completion."""
    location = session.appointment.location
    given = {
        "session": session,
        "lot": entry.lot,
        "location": location,
        "given_at": session.completed_at,
    }
    if entry.opened_vial is not None:
        vial = entry.opened_vial
        if vial.lot_id != entry.lot.pk or vial.location_id != location.pk:
            raise ValidationError({"vials": [f"That opened vial is not of lot {entry.lot}."]})
        opened_vial_check_usable(vial)
        return VialUse(**given, opened_vial=vial)
    if entry.lot.product.is_multi_dose:
        vial = vial_open(actor=actor, location=location, lot=entry.lot)
        return VialUse(**given, opened_vial=vial)
    movement = stock_withdraw(
        actor=actor,
        location=location,
        lot=entry.lot,
        quantity=1,
        kind=MovementKind.USED,
        note=f"session {session.pk}",
    )
    return VialUse(**given, stock_movement=movement)


def _chart_fields(chart: ChartEntry, total: Decimal) -> dict:
    return {
        "device": chart.device,
        "technique": chart.technique,
        "depth_mm": chart.depth_mm,
        "needle_gauge": chart.needle_gauge if chart.device == Device.NEEDLE else None,
        "needle_length_mm": chart.needle_length_mm if chart.device == Device.NEEDLE else None,
        "zone_volumes": {zone: str(volume) for zone, volume in chart.zone_volumes.items()},
        "total_volume_ml": total,
        "started_at": chart.started_at,
        "ended_at": chart.ended_at,
        "notes": chart.notes.strip(),
    }


def _audit(actor: User, action: AuditAction, instance, patient, details: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        patient_id=patient.pk,
        location_id=patient.location_id,
        details=details or None,
    )
