from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mesoclinic.accounts.models import User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.assessments.models import Consultation
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record, audited_update, field_changes, json_value
from mesoclinic.patients.models import Patient
from mesoclinic.screening.services import consultation_screen

EDITABLE_FIELDS = frozenset(
    field.name
    for field in Consultation._meta.concrete_fields
    if field.name not in {"id", "patient", "practitioner", "created_at"}
)


def consultation_create(
    *, actor: User, patient: Patient, fields: Mapping[str, Any]
) -> Consultation:
    """Record a consultation and screen it, in one transaction."""
    require_permission(user=actor, permission=Permission.MEDICAL_HISTORY_EDIT, patient=patient)
    consultation = Consultation(patient=patient, practitioner=actor, **_editable(fields))
    consultation.full_clean()
    with transaction.atomic():
        consultation.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="assessments.consultation",
            object_id=consultation.pk,
            patient_id=patient.pk,
            location_id=patient.location_id,
            changes=field_changes({}, _snapshot(consultation)),
        )
        consultation_screen(actor=actor, consultation=consultation)
    return consultation


def consultation_update(
    *, actor: User, consultation: Consultation, fields: Mapping[str, Any]
) -> Consultation:
    """Change findings; the audit row keeps old and new values and screening runs again."""
    patient = consultation.patient
    require_permission(user=actor, permission=Permission.MEDICAL_HISTORY_EDIT, patient=patient)
    with transaction.atomic():
        locked, changes = audited_update(
            actor=actor,
            instance=consultation,
            fields=_editable(fields),
            patient_id=patient.pk,
            location_id=patient.location_id,
        )
        if changes:
            consultation_screen(actor=actor, consultation=locked)
    return locked


def _editable(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in unknown})
    return dict(fields)


def _snapshot(consultation: Consultation) -> dict[str, Any]:
    return {name: json_value(getattr(consultation, name)) for name in sorted(EDITABLE_FIELDS)}
