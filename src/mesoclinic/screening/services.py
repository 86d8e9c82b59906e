"""Screening a stored consultation, and a clinician's justified override."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mesoclinic.accounts.models import ClinicGroup, User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.assessments.models import Consultation
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.patients.models import Allergy, Condition, Medication, Patient
from mesoclinic.screening.case import (
    AssessmentFacts,
    ConditionFact,
    PatientFacts,
    ScreeningCase,
)
from mesoclinic.screening.engine import screen
from mesoclinic.screening.models import Decision, ScreeningDecision

MINIMUM_JUSTIFICATION_LENGTH = 20


def case_for_consultation(consultation: Consultation) -> ScreeningCase:
    """The screening case from the patient's record and the consultation's findings."""
    patient = consultation.patient
    return case_from_record(
        consultation=consultation,
        conditions=list(patient.conditions.all()),
        medications=list(patient.medications.all()),
        allergies=list(patient.allergies.all()),
    )


def case_from_record(
    *,
    consultation: Consultation,
    conditions: list[Condition],
    medications: list[Medication],
    allergies: list[Allergy],
) -> ScreeningCase:
    """The same, from history entries already in hand (the demo generator builds them)."""
    patient = consultation.patient

    def optional(value):
        return None if value is None else float(value)

    return ScreeningCase.model_validate(
        {
            "indication": consultation.indication,
            "modality": consultation.modality,
            "on_date": consultation.held_on,
            "patient": PatientFacts(
                birth_date=patient.birth_date,
                sex=patient.sex,  # type: ignore[arg-type]
                pregnant=patient.is_pregnant,
                breastfeeding=patient.is_breastfeeding,
                may_become_pregnant=patient.may_become_pregnant,
                conditions=[
                    ConditionFact(code=c.icd10_code, controlled=c.is_controlled) for c in conditions
                ],
                medications=[m.name for m in medications],
                allergies=[a.substance for a in allergies],
            ),
            "assessment": AssessmentFacts(
                diagnoses=list(consultation.diagnoses),
                follicles_present=consultation.follicles_present,
                scalp_infection=consultation.scalp_infection,
                cause_investigated=consultation.cause_investigated,
                platelets_10e9_per_l=optional(consultation.platelets_10e9_per_l),
                hemoglobin_g_dl=optional(consultation.hemoglobin_g_dl),
                days_since_nsaid=optional(consultation.days_since_nsaid),
                days_since_systemic_steroid=optional(consultation.days_since_systemic_steroid),
            ),
        }
    )


def consultation_screen(*, actor: User, consultation: Consultation) -> ScreeningDecision:
    """Run the rulebook on the consultation with the clinic's policies and keep the result."""
    # Screen what the record says now, never a copy held in memory since.
    patient = Patient.objects.select_related("location__group").get(pk=consultation.patient_id)
    require_permission(user=actor, permission=Permission.MEDICAL_HISTORY_VIEW, patient=patient)
    consultation.patient = patient
    policies = patient.location.group.screening_policies
    result = screen(case_for_consultation(consultation), policies=policies)
    with transaction.atomic():
        screening = ScreeningDecision.objects.create(
            consultation=consultation,
            decision=result.decision,
            result=result.as_contract(),
            rulebook_version=result.rulebook_version,
            screened_by=actor,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="screening.screeningdecision",
            object_id=screening.pk,
            patient_id=patient.pk,
            location_id=patient.location_id,
            changes={"decision": [None, result.decision]},
            details={"rules": [reason["rule"] for reason in result.as_contract()["reasons"]]},
        )
    return screening


def screening_override(
    *, actor: User, screening: ScreeningDecision, decision: str, justification: str
) -> ScreeningDecision:
    """A practitioner overrules the engine; the justification and both decisions are kept."""
    patient = screening.consultation.patient
    require_permission(user=actor, permission=Permission.SCREENING_OVERRIDE, patient=patient)
    justification = justification.strip()
    errors = {}
    if decision not in Decision.values or decision == screening.decision:
        errors["decision"] = ["Choose a decision other than the engine's."]
    if len(justification) < MINIMUM_JUSTIFICATION_LENGTH:
        errors["justification"] = [
            f"Write at least {MINIMUM_JUSTIFICATION_LENGTH} characters: why is the rule wrong here?"
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = ScreeningDecision.objects.select_for_update().get(pk=screening.pk)
        before = locked.effective_decision
        locked.override_decision = decision
        locked.override_justification = justification
        locked.overridden_by = actor
        locked.overridden_at = timezone.now()
        locked.full_clean()
        locked.save()
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="screening.screeningdecision",
            object_id=locked.pk,
            patient_id=patient.pk,
            location_id=patient.location_id,
            changes={"effective_decision": [before, decision]},
            details={"justification": justification, "engine_decision": locked.decision},
        )
    return locked


def screening_policies_set(*, actor: User, policies: dict[str, Any]) -> ClinicGroup:
    """A manager sets the clinic group's choices for the rulebook's configurable items."""
    require_permission(user=actor, permission=Permission.CLINIC_SETTINGS_EDIT)
    if actor.clinic_group_id is None:
        raise ValidationError("This login belongs to no clinic group.")
    with transaction.atomic():
        group = ClinicGroup.objects.select_for_update().get(pk=actor.clinic_group_id)
        before = dict(group.screening_policies)
        group.screening_policies = dict(policies)
        group.full_clean()
        group.save(update_fields=["screening_policies"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="accounts.clinicgroup",
            object_id=group.pk,
            changes={"screening_policies": [before, group.screening_policies]},
        )
    return group
