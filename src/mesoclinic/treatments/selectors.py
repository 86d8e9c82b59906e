"""Reads of sessions, each scoped to what the user may see: a session and its checklist,
and the patients who received a lot (recall)."""

import datetime
from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from mesoclinic import clock
from mesoclinic.accounts.models import User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.formulary.models import Lot, OpenedVial
from mesoclinic.formulary.selectors import stock_levels
from mesoclinic.paging import Page
from mesoclinic.treatments.models import (
    ChecklistAnswer,
    TreatmentConsent,
    TreatmentSession,
    VialUse,
)
from mesoclinic.treatments.session_rules import ChecklistItem, session_rules


@dataclass(frozen=True)
class ChecklistLine:
    item: ChecklistItem
    answer: ChecklistAnswer | None
    consent: TreatmentConsent | None  # for the consent item: the consent on file

    @property
    def is_answered(self) -> bool:
        if self.item.kind == "consent":
            return True
        return self.answer is not None

    @property
    def stops(self) -> bool:
        """This line, as answered, stops the session."""
        if self.item.kind == "consent":
            return self.consent is None
        return self.item.must_be_yes and self.answer is not None and self.answer.is_yes is False


@dataclass(frozen=True)
class ChecklistState:
    lines: list[ChecklistLine]

    @property
    def missing(self) -> list[str]:
        return [line.item.question for line in self.lines if not line.is_answered]

    @property
    def stops(self) -> list[str]:
        return [line.item.question for line in self.lines if line.stops]

    @property
    def is_complete(self) -> bool:
        return not self.missing and not self.stops


def checklist_state(*, session: TreatmentSession) -> ChecklistState:
    """The session's checklist: each item that applies to its modality, with its answer."""
    answers = {
        answer.item: answer for answer in session.checklist_answers.select_related("recorded_by")
    }
    consent = TreatmentConsent.objects.filter(
        plan_id=session.plan_id, withdrawn_at__isnull=True
    ).first()
    return ChecklistState(
        [
            ChecklistLine(item, answers.get(item.id), consent)
            for item in session_rules().checklist_for(session.plan.formulation.modality)
        ]
    )


def session_get_for_user(
    *, user: User, session_id: int, permission: Permission = Permission.SESSION_CHART
) -> TreatmentSession:
    """A session the user may chart, or with `permission=PATIENT_VIEW`, read as its
    aftercare (the patient themself, reception)."""
    session = get_object_or_404(
        TreatmentSession.objects.select_related(
            "patient__location",
            "plan__formulation",
            "appointment__location",
            "practitioner",
        ),
        pk=session_id,
    )
    require_permission(user=user, permission=permission, patient=session.patient)
    audit_record(
        actor=user,
        action=AuditAction.READ,
        object_type="treatments.treatmentsession",
        object_id=session.pk,
        patient_id=session.patient_id,
        location_id=session.patient.location_id,
    )
    return session


@dataclass(frozen=True)
class VialChoice:
    """A vial the practitioner may pick: a sealed vial of a lot in stock, or a multi-dose
    vial already opened and still usable."""

    lot: Lot
    opened_vial: OpenedVial | None
    on_hand: int

    @property
    def key(self) -> str:
        return f"opened:{self.opened_vial.pk}" if self.opened_vial else f"lot:{self.lot.pk}"


def vial_choices(*, user: User, session: TreatmentSession) -> list[VialChoice]:
    """What can be used at the visit's location now: opened vials first, then sealed
    lots, soonest expiry first. Expired lots and vials past their limit are left out;
    completing the session checks again."""
    location = session.appointment.location
    now = clock.now()
    opened = OpenedVial.objects.filter(
        location=location,
        is_finished=False,
        usable_until__gte=now,
        lot__expiry_date__gte=clock.today(),
    ).select_related("lot__product")
    sealed = [
        VialChoice(line.lot, None, line.on_hand)
        for line in stock_levels(user=user, location=location)
        if not line.lot.is_expired_on(clock.today())
    ]
    return [VialChoice(vial.lot, vial, 0) for vial in opened] + sealed


@dataclass(frozen=True)
class LotRecipient:
    """A patient who received a vial of a recalled lot, with how to reach them."""

    patient_id: int
    name: str
    phone: str
    email: str
    may_contact: bool
    session_id: int
    given_at: datetime.datetime | None  # the session's completion; set with its vials
    location: str


RECALL_PAGE_SIZE = 100


def lot_recipients(
    *, user: User, lot: Lot, offset: int = 0, limit: int = RECALL_PAGE_SIZE
) -> Page[LotRecipient]:
    """Everyone who received this lot at the manager's locations, with contact details,
    in order of the session: one page of them, in two queries (the count and the page).
    Both read the lot's uses by their own indexes, without the sessions: the count by
    place, the page in time, joining only its own rows to the sessions and patients."""
    require_permission(user=user, permission=Permission.STOCK_MANAGE)
    vial_uses = VialUse.objects.filter(lot=lot, location__in=user.location_ids)
    rows = vial_uses.order_by("given_at", "id").values_list(
        "session__patient_id",
        "session__patient__given_name",
        "session__patient__family_name",
        "session__patient__phone",
        "session__patient__email",
        "session__patient__may_contact",
        "session_id",
        "given_at",
        "location__name",
    )[offset : offset + limit]
    recipients = [
        LotRecipient(pk, f"{given} {family}", phone, email, may, session, at, where)
        for pk, given, family, phone, email, may, session, at, where in rows
    ]
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="treatments.vialuse",
        details={
            "lot": lot.lot_number,
            "product": lot.product_id,
            "offset": offset,
            "patients": sorted({recipient.patient_id for recipient in recipients}),
        },
    )
    return Page(items=recipients, total=vial_uses.count(), offset=offset, limit=limit)
