import datetime
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from mesoclinic.accounts.models import Location, User
from mesoclinic.accounts.permissions import Permission, has_permission, require_permission
from mesoclinic.assessments.models import Consultation
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.formulary.composition import (
    Composition,
    FormulationCheck,
    composition_check,
    formulation_build,
)
from mesoclinic.formulary.models import Formulation, Lot, OpenedVial, StockMovement
from mesoclinic.patients.models import Patient
from mesoclinic.screening.services import case_for_consultation

EXPIRY_WARNING_DAYS = 30
OPENED_VIAL_WARNING_HOURS = 24


@dataclass(frozen=True)
class StockLine:
    lot: Lot
    on_hand: int
    days_to_expiry: int


def stock_on_hand(*, location: Location, lot: Lot) -> int:
    """Sealed vials of a lot at a location: the sum of its ledger."""
    total = StockMovement.objects.filter(location=location, lot=lot).aggregate(n=Sum("quantity"))
    return total["n"] or 0


def stock_levels(*, user: User, location: Location) -> list[StockLine]:
    """Every lot with vials on hand at a location, soonest expiry first, in two queries."""
    require_permission(user=user, permission=Permission.STOCK_USE, location=location)
    return _stock_lines([location]).get(location.pk, [])


def _stock_lines(
    locations: list[Location], *, expiring_by: datetime.date | None = None
) -> dict[int, list[StockLine]]:
    """Lots with vials on hand, by location id, soonest expiry first; the sums of the ledger,
    in two queries. With `expiring_by`, only lots that expire by that day."""
    movements = StockMovement.objects.filter(location__in=locations)
    if expiring_by is not None:
        movements = movements.filter(lot__expiry_date__lte=expiring_by)
    sums = (
        movements.values("location_id", "lot_id")
        .annotate(on_hand=Sum("quantity"))
        .filter(on_hand__gt=0)
    )
    rows = [(row["location_id"], row["lot_id"], row["on_hand"]) for row in sums]
    lots = Lot.objects.select_related("product").in_bulk({lot_id for _, lot_id, _ in rows})
    today = timezone.localdate()
    lines: dict[int, list[StockLine]] = {}
    for location_id, lot_id, on_hand in rows:
        lot = lots[lot_id]
        line = StockLine(lot=lot, on_hand=on_hand, days_to_expiry=(lot.expiry_date - today).days)
        lines.setdefault(location_id, []).append(line)
    for location_lines in lines.values():
        location_lines.sort(key=lambda line: (line.lot.expiry_date, line.lot.lot_number))
    return lines


@dataclass(frozen=True)
class StockWarnings:
    location: Location
    expiring: list[StockLine]
    opened_vials_ending: list[OpenedVial]

    def __bool__(self) -> bool:
        return bool(self.expiring or self.opened_vials_ending)


def stock_warnings(
    *,
    user: User,
    location: Location,
    within_days: int = EXPIRY_WARNING_DAYS,
) -> StockWarnings:
    """Lots on hand at a location that expire soon (or have), and opened vials near their
    limit."""
    require_permission(user=user, permission=Permission.STOCK_USE, location=location)
    return _warnings([location], within_days=within_days)[0]


def stock_warnings_for_manager(
    *, user: User, within_days: int = EXPIRY_WARNING_DAYS
) -> list[StockWarnings]:
    """The same for every location whose stock the user manages, in four queries."""
    locations = [
        location
        for location in Location.objects.filter(pk__in=user.location_ids).order_by("name")
        if has_permission(user=user, permission=Permission.STOCK_MANAGE, location=location)
    ]
    return [warnings for warnings in _warnings(locations, within_days=within_days) if warnings]


def _warnings(locations: list[Location], *, within_days: int) -> list[StockWarnings]:
    expiring = _stock_lines(
        locations, expiring_by=timezone.localdate() + datetime.timedelta(days=within_days)
    )
    soon = timezone.now() + datetime.timedelta(hours=OPENED_VIAL_WARNING_HOURS)
    vials = OpenedVial.objects.filter(
        location__in=locations, is_finished=False, usable_until__lte=soon
    ).select_related("lot__product")
    ending: dict[int, list[OpenedVial]] = {}
    for vial in vials:
        ending.setdefault(vial.location_id, []).append(vial)
    return [
        StockWarnings(
            location=location,
            expiring=expiring.get(location.pk, []),
            opened_vials_ending=ending.get(location.pk, []),
        )
        for location in locations
    ]


def formulation_templates(*, user: User, include_stopped: bool = False) -> list[Formulation]:
    """The clinic group's template cocktails with their ingredients, in two queries."""
    if not user.is_clinic_staff:
        raise PermissionDenied("Templates are for clinic staff.")
    templates = Formulation.objects.filter(
        clinic_group_id=user.clinic_group_id, patient__isnull=True
    )
    if not include_stopped:
        templates = templates.filter(is_active=True)
    return list(templates.prefetch_related("ingredients").order_by("name"))


def formulation_template_get(*, user: User, template_id: int) -> Formulation:
    """One of the user's clinic group's templates, or 404."""
    if not user.is_clinic_staff:
        raise PermissionDenied("Templates are for clinic staff.")
    return get_object_or_404(
        Formulation.objects.prefetch_related("ingredients"),
        pk=template_id,
        clinic_group_id=user.clinic_group_id,
        patient__isnull=True,
    )


def formulations_for_patient(*, user: User, patient: Patient) -> list[Formulation]:
    """A patient's formulations, newest first, in two queries; audited as a list."""
    require_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=patient)
    formulations = list(
        Formulation.objects.filter(patient=patient)
        .select_related("created_by", "template")
        .prefetch_related("ingredients")
    )
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="formulary.formulation",
        patient_id=patient.pk,
        location_id=patient.location_id,
        details={"count": len(formulations)},
    )
    return formulations


def formulation_get_for_user(*, user: User, formulation_id: int) -> Formulation:
    """One patient's formulation, or 404, or PermissionDenied (audited)."""
    formulation = get_object_or_404(
        Formulation.objects.filter(patient__isnull=False)
        .select_related("patient", "created_by", "template", "consultation")
        .prefetch_related("ingredients"),
        pk=formulation_id,
    )
    patient = cast(Patient, formulation.patient)  # only patients' formulations are fetched
    require_permission(user=user, permission=Permission.MEDICAL_HISTORY_VIEW, patient=patient)
    audit_record(
        actor=user,
        action=AuditAction.READ,
        object_type="formulary.formulation",
        object_id=formulation.pk,
        patient_id=patient.pk,
        location_id=patient.location_id,
    )
    return formulation


def formulation_check(
    *, user: User, patient: Patient, composition: Composition
) -> tuple[FormulationCheck, Consultation]:
    """Screen the patient, as their record stands now, with this formulation.

    The case is the patient's latest consultation for the formulation's indication, with
    the formulation's modality and ingredients; nothing is written but the audit row.
    """
    patient = Patient.objects.select_related("location__group").get(pk=patient.pk)
    require_permission(user=user, permission=Permission.FORMULATION_PRESCRIBE, patient=patient)
    formulation_build(
        composition, clinic_group=patient.location.group, created_by=user, patient=patient
    )
    consultation = (
        Consultation.objects.filter(patient=patient, indication=composition.indication)
        .order_by("-held_on", "-id")
        .first()
    )
    if consultation is None:
        raise ValidationError(
            {
                "indication": [
                    "Record a consultation for this indication before choosing a formulation."
                ]
            }
        )
    consultation.patient = patient
    check = composition_check(
        case_for_consultation(consultation),
        composition,
        policies=patient.location.group.screening_policies,
        consultation_screening=consultation.screenings.first(),
    )
    audit_record(
        actor=user,
        action=AuditAction.READ,
        object_type="formulary.formulation_check",
        patient_id=patient.pk,
        location_id=patient.location_id,
        details={
            "ingredients": composition.ingredient_names(),
            "decision": check.decision,
            "blocking": [reason.rule for reason in check.blocking],
        },
    )
    return check, consultation
