from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from mesoclinic.accounts.models import User
from mesoclinic.accounts.permissions import Permission, has_permission, require_permission
from mesoclinic.assessments.models import Consultation
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.patients.models import Patient
from mesoclinic.screening.models import ScreeningDecision

RECENT_CONSULTATIONS = 50


@dataclass(frozen=True)
class ConsultationRecord:
    consultation: Consultation
    screening: ScreeningDecision | None
    can_edit: bool
    can_override: bool


def consultation_get_for_user(*, user: User, consultation_id: int) -> ConsultationRecord:
    """A consultation with its latest screening; clinical roles only, and audited."""
    consultation = get_object_or_404(
        Consultation.objects.select_related("patient__location", "practitioner"),
        pk=consultation_id,
    )
    patient = consultation.patient
    require_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=patient)
    screening = consultation.screenings.select_related("overridden_by").first()
    audit_record(
        actor=user,
        action=AuditAction.READ,
        object_type="assessments.consultation",
        object_id=consultation.pk,
        patient_id=patient.pk,
        location_id=patient.location_id,
    )
    return ConsultationRecord(
        consultation=consultation,
        screening=screening,
        can_edit=has_permission(
            user=user, permission=Permission.MEDICAL_HISTORY_EDIT, patient=patient
        ),
        can_override=has_permission(
            user=user, permission=Permission.SCREENING_OVERRIDE, patient=patient
        ),
    )


def consultations_for_patient(*, user: User, patient: Patient) -> list[ConsultationRecord]:
    """A patient's recent consultations with their latest screening, in constant queries.

    Empty for roles that may not see clinical data; the listing is audited.
    """
    if not has_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=patient):
        return []
    newest_first = ScreeningDecision.objects.order_by("-screened_at", "-id")
    consultations = list(
        patient.consultations.select_related("practitioner", "patient").prefetch_related(
            Prefetch("screenings", queryset=newest_first)
        )[:RECENT_CONSULTATIONS]
    )
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="assessments.consultation",
        patient_id=patient.pk,
        location_id=patient.location_id,
        details={"consultation_ids": [c.pk for c in consultations]},
    )
    can_edit = has_permission(
        user=user, permission=Permission.MEDICAL_HISTORY_EDIT, patient=patient
    )
    can_override = has_permission(
        user=user, permission=Permission.SCREENING_OVERRIDE, patient=patient
    )
    return [
        ConsultationRecord(
            consultation=c,
            screening=next(iter(c.screenings.all()), None),
            can_edit=can_edit,
            can_override=can_override,
        )
        for c in consultations
    ]
