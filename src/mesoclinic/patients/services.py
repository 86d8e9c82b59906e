"""Every write to a patient record: permission-checked, validated, atomic and audited."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mesoclinic.accounts.models import Location, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record, audited_update, field_changes, json_value
from mesoclinic.patients.models import Allergy, Condition, Medication, Patient

DEMOGRAPHIC_FIELDS = frozenset(
    {
        "location",
        "given_name",
        "family_name",
        "birth_date",
        "sex",
        "phone",
        "email",
        "address",
        "city",
        "postal_code",
        "preferred_language",
        "may_contact",
    }
)
MEDICAL_FIELDS = frozenset(
    {
        "is_pregnant",
        "is_breastfeeding",
        "may_become_pregnant",
        "smoking",
        "alcohol",
        "diet",
        "history_notes",
    }
)
HistoryEntry = Condition | Medication | Allergy


def patient_create(
    *,
    actor: User,
    fields: Mapping[str, Any],
    conditions: Iterable[Condition] = (),
    medications: Iterable[Medication] = (),
    allergies: Iterable[Allergy] = (),
) -> Patient:
    """Register a patient with their history in one transaction; all of it or nothing."""
    location = fields.get("location")
    if not isinstance(location, Location):
        raise ValidationError({"location": ["Choose the location the patient is registered at."]})
    history: dict[str, list[HistoryEntry]] = {
        "conditions": list(conditions),
        "medications": list(medications),
        "allergies": list(allergies),
    }
    _check_field_names(fields)
    require_permission(user=actor, permission=Permission.PATIENT_CREATE, location=location)
    if MEDICAL_FIELDS & set(fields) or any(history.values()):
        require_permission(
            user=actor, permission=Permission.MEDICAL_HISTORY_EDIT, location=location
        )

    patient = Patient(**fields)
    patient.full_clean()
    _validate_history_entries(patient, history)
    with transaction.atomic():
        patient.save()
        for entries in history.values():
            for entry in entries:
                entry.patient = patient
                entry.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="patients.patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            location_id=patient.location_id,
            changes=field_changes({}, _snapshot(patient, set(fields))),
            details={
                name: [str(entry) for entry in entries]
                for name, entries in history.items()
                if entries
            },
        )
    return patient


def patient_update(*, actor: User, patient: Patient, fields: Mapping[str, Any]) -> Patient:
    """Change demographics or medical facts; the audit row holds every old and new value."""
    _check_field_names(fields)
    require_permission(user=actor, permission=Permission.PATIENT_EDIT, patient=patient)
    if MEDICAL_FIELDS & set(fields):
        require_permission(user=actor, permission=Permission.MEDICAL_HISTORY_EDIT, patient=patient)
    new_location = fields.get("location")
    if new_location is not None and new_location != patient.location:
        require_permission(user=actor, permission=Permission.PATIENT_CREATE, location=new_location)

    location = new_location or patient.location
    with transaction.atomic():
        locked, _changes = audited_update(
            actor=actor,
            instance=patient,
            fields=fields,
            patient_id=patient.pk,
            location_id=location.pk,
        )
    return locked


def medical_history_add(*, actor: User, patient: Patient, entry: HistoryEntry) -> HistoryEntry:
    """Add a condition, medication or allergy to the patient's history."""
    require_permission(user=actor, permission=Permission.MEDICAL_HISTORY_EDIT, patient=patient)
    entry.patient = patient
    entry.normalize()
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=entry._meta.label_lower,
            object_id=entry.pk,
            patient_id=patient.pk,
            location_id=patient.location_id,
            changes=field_changes({}, _history_snapshot(entry)),
        )
    return entry


def medical_history_remove(*, actor: User, entry: HistoryEntry) -> None:
    """Remove a history entry that no longer applies; the audit row keeps what it said."""
    patient = entry.patient
    require_permission(user=actor, permission=Permission.MEDICAL_HISTORY_EDIT, patient=patient)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            object_type=entry._meta.label_lower,
            object_id=entry.pk,
            patient_id=patient.pk,
            location_id=patient.location_id,
            changes=field_changes(_history_snapshot(entry), {}),
        )
        entry.delete()


def _check_field_names(fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - DEMOGRAPHIC_FIELDS - MEDICAL_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be set here."] for name in unknown})


def _validate_history_entries(patient: Patient, history: Mapping[str, list[HistoryEntry]]) -> None:
    """Validate unsaved entries before anything is written; errors name list and position."""
    errors: dict[str, list[str]] = {}
    for list_name, entries in history.items():
        seen: set[str] = set()
        for position, entry in enumerate(entries):
            entry.normalize()
            try:
                entry.full_clean(exclude=["patient"], validate_constraints=False)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors[f"{list_name}.{position}.{field}"] = messages
                continue
            key = entry.identity
            if key in seen:
                errors[f"{list_name}.{position}"] = [f"{key} is listed twice."]
            seen.add(key)
    if errors:
        raise ValidationError(errors)


def _snapshot(patient: Patient, names: set[str]) -> dict[str, Any]:
    return {name: json_value(getattr(patient, name)) for name in sorted(names)}


def _history_snapshot(entry: HistoryEntry) -> dict[str, Any]:
    return {
        field.name: json_value(getattr(entry, field.name))
        for field in entry._meta.concrete_fields
        if field.name not in {"id", "patient"}
    }


def patient_login_link(*, actor: User | None, patient: Patient, user: User) -> Patient:
    """Give a patient their portal login; a patient login reaches only its own record."""
    if user.role != "patient":
        raise ValidationError({"user": ["Only a login with the patient role can be linked."]})
    with transaction.atomic():
        Patient.objects.filter(pk=patient.pk).update(user=user)
        patient.user = user
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="patients.patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            location_id=patient.location_id,
            changes={"user": [None, user.username]},
        )
    return patient
