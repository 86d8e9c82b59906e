from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from mesoclinic.accounts.models import User
from mesoclinic.accounts.permissions import Permission, has_permission, require_permission
from mesoclinic.assessments.models import Consultation
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.screening.models import ScreeningDecision


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


def consultations_for_patient(*, user: User, patient) -> list[Consultation]:
    """A patient's consultations, newest first, for the record page (caller has read it)."""
    if not has_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=patient):
        return []
    return list(patient.consultations.select_related("practitioner").all()[:20])
