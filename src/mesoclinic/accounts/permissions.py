"""The one place that says which role may do what, to which patient, at which location.

Every view, API endpoint and selector asks `require_permission(user=…, permission=…,
patient=… | location=…)`. Staff reach the patients registered at the locations they
work at; a patient user reaches only their own record. A refusal is written to the
audit log before `PermissionDenied` is raised.
"""

from enum import StrEnum
from typing import Protocol

from django.core.exceptions import PermissionDenied

from mesoclinic.accounts.models import Location, Role, User
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record


class Permission(StrEnum):
    PATIENT_VIEW = "patient.view"  # demographics and contact details
    PATIENT_CREATE = "patient.create"
    PATIENT_EDIT = "patient.edit"
    MEDICAL_HISTORY_VIEW = "medical_history.view"  # conditions, medications, allergies, pregnancy
    MEDICAL_HISTORY_EDIT = "medical_history.edit"
    AUDIT_VIEW = "audit.view"
    SCREENING_OVERRIDE = "screening.override"  # a clinician overrules the rule engine
    CLINIC_SETTINGS_EDIT = "clinic.settings.edit"
    STOCK_USE = "stock.use"  # open, use and discard vials
    STOCK_MANAGE = "stock.manage"  # products, deliveries, returns, stock counts
    FORMULATION_PRESCRIBE = "formulation.prescribe"  # compose a patient's cocktail
    FORMULATION_TEMPLATE_EDIT = "formulation.template.edit"  # the clinic's template cocktails
    PLAN_EDIT = "plan.edit"  # make treatment plans and move them through their statuses
    PROTOCOL_EDIT = "protocol.edit"  # the clinic's course protocols
    APPOINTMENT_BOOK = "appointment.book"  # book, move and cancel visits
    CALENDAR_FEED = "calendar.feed"  # one's own visits in one's calendar app
    CALENDAR_SETTINGS_EDIT = "calendar.settings.edit"  # rooms, opening hours, absences
    SESSION_CHART = "session.chart"  # the pre-procedure checklist and the session's chart
    ADVERSE_EVENT_REPORT = "adverse_event.report"  # report and follow up an adverse event
    ADVERSE_EVENT_FOLLOW_UP = "adverse_event.follow_up"  # outcome and action after a call
    ADVERSE_EVENT_CLEAR = "adverse_event.clear"  # a clinician lets a held plan resume
    SAFETY_REPORT = "safety.report"  # the clinic's adverse events in figures
    OUTCOME_RECORD = "outcome.record"  # measurements, photos and the response review
    OUTCOME_SETTINGS = "outcome.settings"  # the clinic's response thresholds
    OUTCOME_REPORT = "outcome.report"  # the clinic's response rates in figures


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.PRACTITIONER: frozenset(
        {
            Permission.PATIENT_VIEW,
            Permission.PATIENT_CREATE,
            Permission.PATIENT_EDIT,
            Permission.MEDICAL_HISTORY_VIEW,
            Permission.MEDICAL_HISTORY_EDIT,
            Permission.SCREENING_OVERRIDE,
            Permission.STOCK_USE,
            Permission.FORMULATION_PRESCRIBE,
            Permission.PLAN_EDIT,
            Permission.APPOINTMENT_BOOK,
            Permission.CALENDAR_FEED,
            Permission.SESSION_CHART,
            Permission.ADVERSE_EVENT_REPORT,
            Permission.ADVERSE_EVENT_FOLLOW_UP,
            Permission.ADVERSE_EVENT_CLEAR,
            Permission.OUTCOME_RECORD,
        }
    ),
    # Reception registers patients and keeps contact details; clinical history is not theirs.
    Role.RECEPTION: frozenset(
        {
            Permission.PATIENT_VIEW,
            Permission.PATIENT_CREATE,
            Permission.PATIENT_EDIT,
            Permission.APPOINTMENT_BOOK,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Permission.PATIENT_VIEW,
            Permission.PATIENT_CREATE,
            Permission.PATIENT_EDIT,
            Permission.MEDICAL_HISTORY_VIEW,
            Permission.MEDICAL_HISTORY_EDIT,
            Permission.AUDIT_VIEW,
            Permission.CLINIC_SETTINGS_EDIT,
            Permission.STOCK_USE,
            Permission.STOCK_MANAGE,
            Permission.FORMULATION_PRESCRIBE,
            Permission.FORMULATION_TEMPLATE_EDIT,
            Permission.PLAN_EDIT,
            Permission.PROTOCOL_EDIT,
            Permission.APPOINTMENT_BOOK,
            Permission.CALENDAR_SETTINGS_EDIT,
            Permission.SESSION_CHART,
            Permission.ADVERSE_EVENT_REPORT,
            Permission.ADVERSE_EVENT_FOLLOW_UP,
            Permission.SAFETY_REPORT,
            Permission.OUTCOME_RECORD,
            Permission.OUTCOME_SETTINGS,
            Permission.OUTCOME_REPORT,
        }
    ),
    Role.PATIENT: frozenset(
        {
            Permission.PATIENT_VIEW,
            Permission.MEDICAL_HISTORY_VIEW,
            Permission.CALENDAR_FEED,
            Permission.ADVERSE_EVENT_REPORT,  # what they notice at home, from the portal
        }
    ),
}


class PatientScoped(Protocol):
    """Anything that belongs to one patient record at one location."""

    pk: int
    location_id: int
    user_id: int | None


def has_permission(
    *,
    user: User,
    permission: Permission,
    patient: PatientScoped | None = None,
    location: Location | None = None,
) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if permission not in ROLE_PERMISSIONS.get(user.role, frozenset()):
        return False
    if patient is not None:
        if user.role == Role.PATIENT:
            return patient.user_id == user.pk
        return patient.location_id in user.location_ids
    if location is not None:
        return user.is_clinic_staff and location.pk in user.location_ids
    return True


def require_permission(
    *,
    user: User,
    permission: Permission,
    patient: PatientScoped | None = None,
    location: Location | None = None,
) -> None:
    """Raise PermissionDenied, after auditing the refusal, unless the user may do this."""
    if has_permission(user=user, permission=permission, patient=patient, location=location):
        return
    target = patient if patient is not None else location
    audit_record(
        actor=user,
        action=AuditAction.DENIED,
        object_type="patients.patient" if patient is not None else "accounts.location",
        object_id=target.pk if target is not None else None,
        patient_id=patient.pk if patient is not None else None,
        location_id=patient.location_id if patient is not None else getattr(location, "pk", None),
        details={"permission": str(permission)},
    )
    raise PermissionDenied(f"Your role may not {permission} here.")
