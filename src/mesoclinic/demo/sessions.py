"""Demo sessions: every visit already done gets the clinical record a real one has, the
consent, the checklist, the chart with a vial from a lot of that month, its aftercare
messages, and now and then an adverse event, mostly mild (clinical.md §9). Written with
bulk inserts, so the same code feeds the benchmarks at a million sessions."""

import datetime
import random
from collections import Counter
from decimal import Decimal

from mesoclinic.demo.bulk import insert_rows, insert_values, new
from mesoclinic.demo.outcomes import OUTCOME_COUNTS, demo_outcomes
from mesoclinic.formulary.models import Lot, MovementKind, Product, StockMovement
from mesoclinic.messaging.models import Message, MessageStatus
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, TreatmentPlan
from mesoclinic.safety.models import AdverseEvent, Outcome, ReportedVia, SafetyAlert
from mesoclinic.scheduling.models import Appointment, AppointmentStatus
from mesoclinic.treatments.aftercare import aftercare_message_rows
from mesoclinic.treatments.models import (
    ChecklistAnswer,
    SessionStatus,
    TreatmentConsent,
    TreatmentSession,
    VialUse,
)
from mesoclinic.treatments.session_rules import session_rules

SESSION_PRODUCT = "Capillary Vital Complex"  # a single-dose vial per session
SESSION_COUNTS = ("sessions", "adverse_events", "aftercare_messages", *OUTCOME_COUNTS)
# Mild events after about one session in twelve; a serious one (grade 3, an infection or
# an allergy) after about one in four hundred.
MILD_EVENTS = [("erythema", 1), ("injection_pain", 1), ("bruising", 1), ("headache", 1)]
MILD_EVENT_RATE = 1 / 12
SERIOUS_EVENTS = [("allergic_reaction", 2), ("other_infection", 2), ("abscess", 3)]
SERIOUS_EVENT_RATE = 1 / 400
RECENT_DAYS = 14  # serious events this recent still hold their plan; older were cleared
MESSAGE_DAYS = 7  # sessions this recent get their aftercare messages


def demo_sessions(
    rng: random.Random,
    plans: list[TreatmentPlan],
    visits: list[Appointment],
    lots: dict[datetime.date, Lot],  # the session product's lot of each month
    now: datetime.datetime,
    *,
    receiver_id: int,  # the manager who signs for the deliveries
) -> dict[str, int]:
    done = [
        (visit, visit.plan)
        for visit in visits
        if visit.status == AppointmentStatus.DONE and visit.plan is not None
    ]
    plan_of = {plan.pk: plan for plan in plans}
    insert_rows(
        TreatmentConsent,
        [
            new(
                TreatmentConsent,
                plan=plan,
                patient_id=plan.patient_id,
                signed_by_name=f"Patient {plan.patient_id}",
                signed_at=plan.created_at,
                recorded_by_id=plan.created_by_id,
            )
            for plan in {plan.pk: plan for _visit, plan in done}.values()
        ],
    )
    sessions = insert_rows(
        TreatmentSession,
        [_session(rng, visit, plan) for visit, plan in done],
    )
    insert_values(ChecklistAnswer, [row for session in sessions for row in _checklist(session)])
    received, movements = _stock_movements(sessions, lots, receiver_id)
    uses = [
        new(
            VialUse,
            session_id=session.pk,
            lot_id=lots[_month(session)].pk,
            stock_movement_id=movement.pk,
            location_id=session.appointment.location_id,
            given_at=session.completed_at,
        )
        for session, movement in zip(sessions, movements, strict=True)
    ]
    insert_rows(VialUse, uses)
    events = _adverse_events(rng, sessions, uses, plan_of, now)
    messages = _aftercare(sessions, now)
    return {
        "sessions": len(sessions),
        "adverse_events": len(events),
        "aftercare_messages": len(messages),
        "stock_movements": len(received) + len(movements),
        **demo_outcomes(sessions, plan_of),
    }


def _session(rng: random.Random, visit: Appointment, plan: TreatmentPlan) -> TreatmentSession:
    volume = plan.formulation.volume_ml_per_session
    zones = plan.target_zones or ["vertex"]
    share = (volume / len(zones)).quantize(Decimal("0.1"))
    started = visit.starts_at + datetime.timedelta(minutes=5)
    ended = started + datetime.timedelta(minutes=rng.randint(15, 25))
    is_gun = rng.random() < 0.25
    return new(
        TreatmentSession,
        appointment=visit,
        plan=plan,
        patient_id=visit.patient_id,
        status=SessionStatus.COMPLETED,
        device="gun" if is_gun else "needle",
        needle_gauge=None if is_gun else rng.choice([30, 32]),
        needle_length_mm=None if is_gun else Decimal("4"),
        technique=rng.choice(["nappage", "point_by_point"]),
        depth_mm=Decimal(rng.choice(["1.0", "1.5", "2.0"])),
        zone_volumes={zone: str(share) for zone in zones},
        total_volume_ml=share * len(zones),
        started_at=started,
        ended_at=ended,
        practitioner_id=visit.practitioner_id,
        completed_at=ended,
        created_at=visit.starts_at,
    )


def _checklist(session: TreatmentSession) -> list[dict]:
    """The answers of the session's checklist, as rows."""
    modality = session.plan.formulation.modality
    started = session.started_at or session.created_at
    return [
        {
            "session_id": session.pk,
            "item": item.id,
            "is_yes": None if item.kind == "time" else True,
            "done_at": started - datetime.timedelta(minutes=40) if item.kind == "time" else None,
            "recorded_by_id": _practitioner(session),
            "recorded_at": started,
        }
        for item in session_rules().checklist_for(modality)
        if item.kind != "consent"
    ]


def _practitioner(session: TreatmentSession) -> int:
    return session.appointment.practitioner_id


def _ended(session: TreatmentSession) -> datetime.datetime:
    return session.ended_at or session.appointment.ends_at


def _month(session: TreatmentSession) -> datetime.date:
    return (session.started_at or session.created_at).date().replace(day=1)


def seed_session_lots(
    product: Product, first_day: datetime.date, today: datetime.date
) -> dict[datetime.date, Lot]:
    """A lot of the session product for each month from the first day to today, made
    before any session, so that builders working side by side use the same lots."""
    months = [first_day.replace(day=1)]
    while (following := (months[-1] + datetime.timedelta(days=32)).replace(day=1)) <= today:
        months.append(following)
    lots = Lot.objects.bulk_create(
        Lot(
            product=product,
            lot_number=f"H{product.pk:02d}{month:%y%m}",
            expiry_date=month + datetime.timedelta(days=540),
            supplier="Demo Medical Supplies",
        )
        for month in months
    )
    return dict(zip(months, lots, strict=True))


def _stock_movements(
    sessions: list[TreatmentSession], lots: dict[datetime.date, Lot], receiver_id: int
) -> tuple[list[StockMovement], list[StockMovement]]:
    """This month's lot delivered on the 1st to each location that uses it, and one vial
    used per session: the ledger adds up. Returns the deliveries and the uses."""
    used = Counter((session.appointment.location_id, _month(session)) for session in sessions)
    received = [
        new(
            StockMovement,
            location_id=location_id,
            lot_id=lots[month].pk,
            kind=MovementKind.RECEIVED,
            quantity=count,
            occurred_at=_first_hour(month, sessions),
            actor_id=receiver_id,
            note="supplier: Demo Medical Supplies",
        )
        for (location_id, month), count in used.items()
    ]
    movements = [
        new(
            StockMovement,
            location_id=session.appointment.location_id,
            lot_id=lots[_month(session)].pk,
            kind=MovementKind.USED,
            quantity=-1,
            occurred_at=_ended(session),
            actor_id=_practitioner(session),
            note=f"session {session.pk}",
        )
        for session in sessions
    ]
    return insert_rows(StockMovement, received), insert_rows(StockMovement, movements)


def _first_hour(month: datetime.date, sessions: list[TreatmentSession]) -> datetime.datetime:
    zone = (sessions[0].started_at or sessions[0].created_at).tzinfo
    return datetime.datetime.combine(month, datetime.time(8), tzinfo=zone)


def _adverse_events(
    rng: random.Random,
    sessions: list[TreatmentSession],
    uses: list[VialUse],
    plan_of: dict[int, TreatmentPlan],
    now: datetime.datetime,
) -> list[AdverseEvent]:
    events, held = [], set()
    for session, use in zip(sessions, uses, strict=True):
        draw = rng.random()
        if draw < SERIOUS_EVENT_RATE:
            kind, grade = rng.choice(SERIOUS_EVENTS)
        elif draw < MILD_EVENT_RATE:
            kind, grade = rng.choice(MILD_EVENTS)
        else:
            continue
        ended = _ended(session)
        is_serious = (kind, grade) in SERIOUS_EVENTS
        is_recent = now - ended < datetime.timedelta(days=RECENT_DAYS)
        onset = ended + datetime.timedelta(days=rng.randint(0, 10 if is_serious else 1))
        if onset > now:
            continue
        cleared = is_serious and not is_recent
        events.append(
            (
                new(
                    AdverseEvent,
                    patient_id=session.patient_id,
                    plan_id=session.plan_id,
                    session=session,
                    event_type=kind,
                    grade=grade,
                    onset_on=onset.date(),
                    body_site="scalp",
                    action_taken="Antibiotics; reviewed." if is_serious else "Reassured; ice pack.",
                    outcome=Outcome.RECOVERED if not is_recent else Outcome.RECOVERING,
                    reported_via=ReportedVia.FOLLOW_UP_CALL if is_serious else ReportedVia.SESSION,
                    reported_by_id=_practitioner(session),
                    reported_at=onset,
                    holds_plan=is_serious,
                    cleared_at=onset + datetime.timedelta(days=14) if cleared else None,
                    cleared_by_id=_practitioner(session) if cleared else None,
                    clearance_note="Resolved at review." if cleared else "",
                ),
                use.lot_id,
            )
        )
        if is_serious and not cleared and plan_of[session.plan_id].status == PlanStatus.ACTIVE:
            held.add(session.plan_id)
    saved = insert_rows(AdverseEvent, [event for event, _lot in events])
    insert_rows(
        AdverseEvent.lots.through,
        [
            AdverseEvent.lots.through(adverseevent_id=event.pk, lot_id=lot_id)
            for event, (_unsaved, lot_id) in zip(saved, events, strict=True)
        ],
    )
    TreatmentPlan.objects.filter(pk__in=held).update(status=PlanStatus.ON_HOLD)
    insert_rows(
        SafetyAlert,
        [
            new(
                SafetyAlert,
                event=event,
                recipient_id=event.reported_by_id,
                created_at=event.reported_at,
            )
            for event in saved
            if event.is_holding
        ],
    )
    return saved


def _aftercare(sessions: list[TreatmentSession], now: datetime.datetime) -> list[Message]:
    """The aftercare messages of the last week's sessions: those already due were sent."""
    recent = [
        session
        for session in sessions
        if session.completed_at
        and now - session.completed_at < datetime.timedelta(days=MESSAGE_DAYS)
    ]
    patients = Patient.objects.in_bulk({session.patient_id for session in recent})
    for session in recent:
        session.patient = patients[session.patient_id]  # one query, not one per session
    recent = [session for session in recent if session.patient.may_contact]
    messages = [message for session in recent for message in aftercare_message_rows(session)]
    for message in messages:
        if message.due_at <= now:
            message.status, message.sent_at = MessageStatus.SENT, message.due_at
    return insert_rows(Message, messages)
