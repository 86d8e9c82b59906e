import datetime
from decimal import Decimal

import pytest

from mesoclinic.formulary.tests.factories import make_product, receive
from mesoclinic.scheduling.services import appointment_book
from mesoclinic.scheduling.tests.conftest import at
from mesoclinic.treatments.services import (
    ChartEntry,
    VialEntry,
    checklist_answer,
    consent_record,
    session_complete,
    session_open,
)
from mesoclinic.treatments.session_rules import session_rules

MONDAY = "2026-11-23"


@pytest.fixture(autouse=True)
def monday_morning(clinic_now):
    """Sessions are booked on Monday 2026-11-23 at 10:00, seen from that morning."""
    return clinic_now(f"{MONDAY}T08:00")


@pytest.fixture
def lots(manager, location_a):
    """A single-dose lot S1 (5 vials) and a multi-dose lot M1 (3 vials) at location A."""
    single = receive(manager, location_a, make_product(manager), quantity=5, lot_number="S1")
    multi = receive(
        manager,
        location_a,
        make_product(manager, multi_dose=True, name="Meso multi"),
        quantity=3,
        lot_number="M1",
    )
    return {"S1": single.lot, "M1": multi.lot}


@pytest.fixture
def visit(reception, practitioner, accepted_plan, rooms):
    """Session 1 of a weekly course, booked Monday at 10:00 with a consent on file."""
    plan = accepted_plan("weekly_8")
    consent_record(actor=practitioner, plan=plan, signed_by_name=plan.patient.full_name)
    return appointment_book(
        actor=reception,
        patient=plan.patient,
        practitioner=practitioner,
        room=rooms[0],
        starts_at=at(MONDAY, "10:00"),
        plan=plan,
    )


@pytest.fixture
def session(practitioner, visit, clinic_now):
    clinic_now(f"{MONDAY}T10:05")
    return session_open(actor=practitioner, appointment=visit)


def answer_checklist(actor, session, **answers):
    """Answer every item asked of this session: yes, or the cream at 09:30; `answers`
    overrides an item (False for a no, None to leave it unanswered)."""
    modality = session.plan.formulation.modality
    for item in session_rules().checklist_for(modality):
        if item.kind == "consent":
            continue
        answer = answers.get(item.id, True)
        if answer is None:
            continue
        if item.kind == "time":
            checklist_answer(
                actor=actor, session=session, item_id=item.id, done_at=at(MONDAY, "09:30")
            )
        else:
            checklist_answer(actor=actor, session=session, item_id=item.id, is_yes=answer)


def chart(**changes) -> ChartEntry:
    """A needle nappage session on the vertex and frontal zones, 2.5 mL in all."""
    fields = {
        "device": "needle",
        "needle_gauge": 32,
        "needle_length_mm": Decimal("4"),
        "technique": "nappage",
        "depth_mm": Decimal("1.5"),
        "zone_volumes": {"vertex": Decimal("1.5"), "frontal": Decimal("1.0")},
        "started_at": at(MONDAY, "10:05"),
        "ended_at": at(MONDAY, "10:35"),
        "notes": "Tolerated well.",
    }
    return ChartEntry(**{**fields, **changes})


ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture
def completed(practitioner, session, lots, clinic_now):
    """Session 1 given on Monday with a vial of lot S1, ended 10:35, seen at 10:40; the
    plan is now active."""
    clinic_now(f"{MONDAY}T10:40")
    answer_checklist(practitioner, session)
    return session_complete(
        actor=practitioner, session=session, chart=chart(), vials=[VialEntry(lots["S1"])]
    )
