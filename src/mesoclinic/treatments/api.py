"""Sessions over JSON: the consent, the pre-procedure checklist, completing the chart with
the vials used, addenda, and lot recall."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from mesoclinic.formulary.models import Lot, OpenedVial
from mesoclinic.paging import Page
from mesoclinic.plans.api import plan_get
from mesoclinic.scheduling.selectors import visit_get_for_user
from mesoclinic.treatments import selectors, services
from mesoclinic.treatments.models import TreatmentConsent, TreatmentSession
from mesoclinic.web import api_user

router = Router(tags=["sessions"])


class ConsentIn(Schema):
    signed_by_name: str = Field(max_length=200)
    signed_at: datetime.datetime | None = None


class ConsentOut(Schema):
    id: int
    plan_id: int
    signed_by_name: str
    signed_at: datetime.datetime
    withdrawn_at: datetime.datetime | None
    withdrawn_reason: str


class WithdrawIn(Schema):
    reason: str = Field(max_length=300)


class ChecklistLineOut(Schema):
    item: str
    question: str
    kind: str
    must_be_yes: bool
    source: str
    is_yes: bool | None
    done_at: datetime.datetime | None
    recorded_by: str | None
    recorded_at: datetime.datetime | None
    stops: bool


class AnswerIn(Schema):
    is_yes: bool | None = None
    done_at: datetime.datetime | None = None


class VialIn(Schema):
    lot_id: int
    opened_vial_id: int | None = None


class CompleteIn(Schema):
    device: str
    technique: str
    depth_mm: Decimal
    zone_volumes: dict[str, Decimal]
    started_at: datetime.datetime
    ended_at: datetime.datetime
    needle_gauge: int | None = None
    needle_length_mm: Decimal | None = None
    notes: str = ""
    vials: list[VialIn]


class VialOut(Schema):
    lot_id: int
    lot_number: str = Field(alias="lot.lot_number")
    product: str = Field(alias="lot.product.brand_name")
    opened_vial_id: int | None


class AddendumIn(Schema):
    text: str


class AddendumOut(Schema):
    id: int
    text: str
    author: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_author(addendum) -> str:
        return str(addendum.author)


class SessionOut(Schema):
    id: int
    visit_id: int
    plan_id: int
    patient_id: int
    status: str
    checklist: list[ChecklistLineOut]
    checklist_complete: bool
    device: str
    technique: str
    needle_gauge: int | None
    needle_length_mm: Decimal | None
    depth_mm: Decimal | None
    zone_volumes: dict[str, Decimal]
    total_volume_ml: Decimal | None
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    practitioner_id: int | None
    notes: str
    completed_at: datetime.datetime | None
    vials: list[VialOut]
    addenda: list[AddendumOut]


class RecipientOut(Schema):
    patient_id: int
    name: str
    phone: str
    email: str
    may_contact: bool
    session_id: int
    given_at: datetime.datetime | None
    location: str


class RecipientPageOut(Schema):
    total: int = Field(description="Vials of the lot given at your locations, in all.")
    offset: int
    limit: int
    items: list[RecipientOut]


class PageQuery(Schema):
    offset: int = Field(0, ge=0)
    limit: int = Field(selectors.RECALL_PAGE_SIZE, ge=1, le=1000)


@router.post("/plans/{plan_id}/consents", response={201: ConsentOut}, summary="Record consent")
def record_consent(request: HttpRequest, plan_id: int, payload: ConsentIn) -> Status:
    consent = services.consent_record(
        actor=api_user(request),
        plan=plan_get(request, plan_id),
        signed_by_name=payload.signed_by_name,
        signed_at=payload.signed_at,
    )
    return Status(201, consent)


@router.post("/consents/{consent_id}/withdraw", response=ConsentOut, summary="Withdraw consent")
def withdraw_consent(request: HttpRequest, consent_id: int, payload: WithdrawIn):
    consent = get_object_or_404(TreatmentConsent.objects.select_related("patient"), pk=consent_id)
    return services.consent_withdraw(
        actor=api_user(request), consent=consent, reason=payload.reason
    )


@router.post("/visits/{visit_id}/session", response=SessionOut, summary="Prepare the session")
def open_session(request: HttpRequest, visit_id: int) -> dict:
    user = api_user(request)
    visit = visit_get_for_user(user=user, visit_id=visit_id)
    session = services.session_open(actor=user, appointment=visit)
    return _session_out(selectors.session_get_for_user(user=user, session_id=session.pk))


@router.get("/sessions/{session_id}", response=SessionOut, summary="A session, its checklist")
def get_session(request: HttpRequest, session_id: int) -> dict:
    return _session_out(_session(request, session_id))


@router.put(
    "/sessions/{session_id}/checklist/{item_id}",
    response=SessionOut,
    summary="Answer one checklist item (yes/no, or when)",
)
def answer_item(request: HttpRequest, session_id: int, item_id: str, payload: AnswerIn) -> dict:
    session = _session(request, session_id)
    services.checklist_answer(
        actor=api_user(request),
        session=session,
        item_id=item_id,
        is_yes=payload.is_yes,
        done_at=payload.done_at,
    )
    return _session_out(session)


@router.post(
    "/sessions/{session_id}/complete",
    response=SessionOut,
    summary="Chart the session and take its vials from stock; all or nothing",
)
def complete_session(request: HttpRequest, session_id: int, payload: CompleteIn) -> dict:
    session = _session(request, session_id)
    chart = services.ChartEntry(**payload.dict(exclude={"vials"}))
    done = services.session_complete(
        actor=api_user(request),
        session=session,
        chart=chart,
        vials=[_vial_entry(vial) for vial in payload.vials],
    )
    return _session_out(done)


@router.post(
    "/sessions/{session_id}/addenda", response={201: AddendumOut}, summary="Add to a chart"
)
def add_addendum(request: HttpRequest, session_id: int, payload: AddendumIn) -> Status:
    session = _session(request, session_id)
    return Status(
        201, services.addendum_add(actor=api_user(request), session=session, text=payload.text)
    )


@router.get(
    "/formulary/lots/{lot_id}/recipients",
    response=RecipientPageOut,
    summary="Lot recall: who received this lot, with contact details, a page at a time",
)
def lot_recipients(request: HttpRequest, lot_id: int, page: Query[PageQuery]) -> Page:
    lot = get_object_or_404(Lot, pk=lot_id)
    return selectors.lot_recipients(
        user=api_user(request), lot=lot, offset=page.offset, limit=page.limit
    )


def _session(request: HttpRequest, session_id: int) -> TreatmentSession:
    return selectors.session_get_for_user(user=api_user(request), session_id=session_id)


def _vial_entry(vial: VialIn) -> services.VialEntry:
    lot = get_object_or_404(Lot.objects.select_related("product"), pk=vial.lot_id)
    opened = get_object_or_404(OpenedVial, pk=vial.opened_vial_id) if vial.opened_vial_id else None
    return services.VialEntry(lot, opened)


def _session_out(session: TreatmentSession) -> dict:
    state = selectors.checklist_state(session=session)
    return {
        **{field.attname: getattr(session, field.attname) for field in session._meta.fields},
        "visit_id": session.appointment_id,
        "checklist": [
            {
                "item": line.item.id,
                "question": line.item.question,
                "kind": line.item.kind,
                "must_be_yes": line.item.must_be_yes,
                "source": line.item.source,
                "is_yes": _line_yes(line),
                "done_at": line.answer.done_at if line.answer else None,
                "recorded_by": str(line.answer.recorded_by) if line.answer else None,
                "recorded_at": line.answer.recorded_at if line.answer else None,
                "stops": line.stops,
            }
            for line in state.lines
        ],
        "checklist_complete": state.is_complete,
        "vials": list(session.vials.select_related("lot__product")),
        "addenda": list(session.addenda.select_related("author")),
    }


def _line_yes(line: selectors.ChecklistLine) -> bool | None:
    if line.item.kind == "consent":
        return line.consent is not None
    return line.answer.is_yes if line.answer else None
