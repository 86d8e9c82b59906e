"""Every read of patient data: scoped to what the user may see, and audited."""

import datetime
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from mesoclinic import clock
from mesoclinic.accounts.models import Role, User
from mesoclinic.accounts.permissions import Permission, has_permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.paging import Page
from mesoclinic.patients.models import Allergy, Condition, Medication, Patient, search_folded

PAGE_SIZE = 50
# The FTS5 trigram table of migration 0004, asked for the patients holding some text.
SQLITE_SEARCH = "SELECT rowid FROM patients_patient_search WHERE patients_patient_search MATCH %s"
TRIGRAM = 3  # the shortest text a trigram index can find
# The most patients a search lists. Nobody pages through more namesakes at the desk, and
# counting and ordering every match would make a search slower with each patient the
# clinic registers; past this, the search asks for more of the name instead.
SEARCH_LIMIT = 200
REGISTERED_RECENTLY = datetime.timedelta(days=30)  # the home page's new patients


@dataclass(frozen=True)
class MedicalHistory:
    conditions: list[Condition]
    medications: list[Medication]
    allergies: list[Allergy]


@dataclass(frozen=True)
class PatientRecord:
    """A patient as one user may see them: medical history only for clinical roles."""

    patient: Patient
    medical_history: MedicalHistory | None
    can_edit: bool
    can_edit_medical_history: bool


def patients_visible_to(user: User) -> QuerySet[Patient]:
    """The patients a user may see at all: their locations' for staff, their own for a patient."""
    if not (user.is_authenticated and user.is_active):
        return Patient.objects.none()
    if user.role == Role.PATIENT:
        return Patient.objects.filter(user=user)
    if not has_permission(user=user, permission=Permission.PATIENT_VIEW):
        return Patient.objects.none()
    return Patient.objects.filter(location_id__in=user.location_ids)


def patient_list(
    *,
    user: User,
    search: str = "",
    location_id: int | None = None,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> Page[Patient]:
    """One page of patients by any part of their name, phone or email, in name order,
    with the listing audited: each word searched for must be in one of them. A search
    that finds more than SEARCH_LIMIT patients is refused (ValidationError on "search")."""
    patients = patients_visible_to(user).select_related("location")
    if location_id is not None:
        patients = patients.filter(location_id=location_id)
    words = search_folded(search).split()
    if words:
        patients = _matching(patients, words)
        # Counts the matches no further than it must, in whatever order they come.
        total = patients.order_by()[: SEARCH_LIMIT + 1].count()
        if total > SEARCH_LIMIT:
            raise ValidationError({"search": _too_many_matches(search)})
    else:
        total = patients.count()
    shown = list(patients[offset : offset + limit])
    _audit_listing(user, shown, location_id=location_id, search=search, offset=offset)
    return Page(items=shown, total=total, offset=offset, limit=limit)


def patients_registered_recently(*, user: User, limit: int) -> list[Patient]:
    """Up to `limit` patients registered at the user's locations in the last
    REGISTERED_RECENTLY, newest first (audited). Only the recent end of the registration
    index is read, so years of patients cost nothing here."""
    since = clock.now() - REGISTERED_RECENTLY
    patients = patients_visible_to(user).filter(created_at__gte=since)
    shown = list(patients.select_related("location").order_by("-created_at", "-id")[:limit])
    _audit_listing(user, shown, registered_since=since.isoformat())
    return shown


def _audit_listing(
    user: User, shown: list[Patient], *, location_id: int | None = None, **details: object
) -> None:
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="patients.patient",
        location_id=location_id,
        details={**details, "patient_ids": [patient.pk for patient in shown]},
    )


def _too_many_matches(search: str) -> str:
    return _(
        "More than %(limit)d patients match “%(search)s”: add more of the name,"
        " a second name, or part of the phone number or email."
    ) % {"limit": SEARCH_LIMIT, "search": search}


def _matching(patients: QuerySet[Patient], words: list[str]) -> QuerySet[Patient]:
    """The patients whose search text holds every word (folded) searched for.

    PostgreSQL answers `contains` from its trigram index (migration 0003). SQLite's LIKE
    reads every patient, so there the words of three letters or more are asked of the
    FTS5 trigram table (migration 0004), and only the shorter ones, which no trigram
    index can find, are checked row by row among its answers.
    """
    if connections[patients.db].vendor == "sqlite":
        indexed = [word for word in words if len(word) >= TRIGRAM]
        if indexed:
            # Each word an FTS5 string (quotes doubled), so that "@" or "." is plain text.
            query = " AND ".join('"' + word.replace('"', '""') + '"' for word in indexed)
            found = RawSQL(SQLITE_SEARCH, (query,))  # noqa: S611 (fixed text, query as parameter)
            patients = patients.filter(id__in=found)
            words = [word for word in words if len(word) < TRIGRAM]
    for word in words:
        patients = patients.filter(search_text__contains=word)
    return patients


def patient_get_for_user(*, user: User, patient_id: int) -> PatientRecord:
    """One patient's record, or 404 if there is none, or PermissionDenied (audited)."""
    patient = get_object_or_404(Patient.objects.select_related("location"), pk=patient_id)
    require_permission(user=user, permission=Permission.PATIENT_VIEW, patient=patient)
    may_see_history = has_permission(
        user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=patient
    )
    medical_history = None
    if may_see_history:
        medical_history = MedicalHistory(
            conditions=list(patient.conditions.all()),
            medications=list(patient.medications.all()),
            allergies=list(patient.allergies.all()),
        )
    audit_record(
        actor=user,
        action=AuditAction.READ,
        object_type="patients.patient",
        object_id=patient.pk,
        patient_id=patient.pk,
        location_id=patient.location_id,
        details={"medical_history": may_see_history},
    )
    return PatientRecord(
        patient=patient,
        medical_history=medical_history,
        can_edit=has_permission(user=user, permission=Permission.PATIENT_EDIT, patient=patient),
        can_edit_medical_history=has_permission(
            user=user, permission=Permission.MEDICAL_HISTORY_EDIT, patient=patient
        ),
    )


def medical_history_entry_for_user(
    *, user: User, patient_id: int, model: type[Condition | Medication | Allergy], entry_id: int
) -> Condition | Medication | Allergy:
    """One history entry of a patient, for removal; the patient must be the user's to edit."""
    entry = cast(
        Condition | Medication | Allergy,
        get_object_or_404(
            model._default_manager.select_related("patient"), pk=entry_id, patient_id=patient_id
        ),
    )
    require_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=entry.patient)
    return entry
