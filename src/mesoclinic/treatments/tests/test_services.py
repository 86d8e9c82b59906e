"""Giving a session: the checklist first, then one atomic, audited completion."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.formulary.models import Lot, OpenedVial
from mesoclinic.formulary.selectors import stock_on_hand
from mesoclinic.formulary.services import vial_open
from mesoclinic.messaging.models import Message
from mesoclinic.patients.models import Allergy
from mesoclinic.patients.services import medical_history_add, patient_update
from mesoclinic.plans.models import PlanStatus
from mesoclinic.plans.services import plan_transition
from mesoclinic.scheduling.models import AppointmentStatus
from mesoclinic.scheduling.services import appointment_book
from mesoclinic.scheduling.tests.conftest import at
from mesoclinic.treatments import services
from mesoclinic.treatments.models import SessionStatus, TreatmentConsent, VialUse
from mesoclinic.treatments.selectors import checklist_state, lot_recipients
from mesoclinic.treatments.services import (
    VialEntry,
    addendum_add,
    checklist_answer,
    consent_record,
    consent_withdraw,
    session_complete,
    session_open,
)
from mesoclinic.treatments.tests.conftest import MONDAY, answer_checklist, chart


@pytest.fixture
def after_the_session(clinic_now):
    return clinic_now(f"{MONDAY}T10:40")


def complete(actor, session, lots, **chart_changes):
    return session_complete(
        actor=actor,
        session=session,
        chart=chart(**chart_changes),
        vials=[VialEntry(lots["S1"]), VialEntry(lots["M1"])],
    )


def assert_nothing_written(session, lots, location):
    """The refusal left the session, the visit, the plan and the stock as they were."""
    session.refresh_from_db()
    session.appointment.refresh_from_db()
    assert session.status == SessionStatus.PREPARING
    assert session.appointment.status == AppointmentStatus.BOOKED
    assert not VialUse.objects.exists()
    assert not OpenedVial.objects.exists()
    assert stock_on_hand(location=location, lot=lots["S1"]) == 5
    assert stock_on_hand(location=location, lot=lots["M1"]) == 3
    assert not Message.objects.exists()


def test_a_session_is_charted_and_its_vials_leave_stock_in_one_step(
    practitioner, session, lots, location_a, after_the_session
):
    answer_checklist(practitioner, session)

    done = complete(practitioner, session, lots)

    assert (done.status, done.total_volume_ml, done.practitioner) == (
        SessionStatus.COMPLETED,
        Decimal("2.50"),
        practitioner,
    )
    assert done.zone_volumes == {"vertex": "1.5", "frontal": "1.0"}
    assert stock_on_hand(location=location_a, lot=lots["S1"]) == 4  # a single-dose vial used
    assert stock_on_hand(location=location_a, lot=lots["M1"]) == 2  # a multi-dose vial opened
    opened = OpenedVial.objects.get()
    assert opened.usable_until == after_the_session + datetime.timedelta(hours=24)
    assert sorted(VialUse.objects.values_list("lot__lot_number", flat=True)) == ["M1", "S1"]
    done.appointment.refresh_from_db()
    done.plan.refresh_from_db()
    assert done.appointment.status == AppointmentStatus.DONE
    assert done.plan.status == PlanStatus.ACTIVE  # the first session starts the plan
    event = AuditEvent.objects.get(
        object_type="treatments.treatmentsession", action=AuditAction.UPDATE
    )
    assert event.details == {
        "status": "completed",
        "total_volume_ml": "2.50",
        "lots": ["S1", "M1"],
        "aftercare_messages": 0,  # the patient has not agreed to be contacted
    }
    assert not Message.objects.exists()


def test_completing_a_session_queues_the_aftercare_messages(
    practitioner, session, lots, after_the_session
):
    """Given a patient who agreed to be contacted by email and text message."""
    patient_update(
        actor=practitioner,
        patient=session.patient,
        fields={"may_contact": True, "email": "pat@example.org", "phone": "+905321112233"},
    )
    session.patient.refresh_from_db()
    answer_checklist(practitioner, session)

    complete(practitioner, session, lots)

    messages = list(Message.objects.filter(kind="aftercare", channel="email"))
    assert [(message.due_at, message.subject) for message in messages] == [
        (at(MONDAY, "12:35"), "Your aftercare"),  # 2 h after the session ended at 10:35
        (at("2026-11-24", "10:35"), "How are you after your session?"),
    ]
    assert "you may wash it again from Tuesday 24 November at 10:35" in messages[0].body
    assert "No sauna, steam room or swimming pool until Thursday 26 November" in messages[0].body
    assert "Call us or come back at once if you notice spreading redness" in messages[1].body
    assert Message.objects.filter(kind="aftercare", channel="sms").count() == 2
    assert not Message.objects.filter(kind="aftercare", status="sent").exists()


def test_an_opened_vial_still_usable_serves_the_next_session(
    practitioner, session, lots, location_a, after_the_session
):
    vial = vial_open(actor=practitioner, location=location_a, lot=lots["M1"])
    answer_checklist(practitioner, session)

    session_complete(
        actor=practitioner,
        session=session,
        chart=chart(),
        vials=[VialEntry(lots["M1"], opened_vial=vial)],
    )

    assert stock_on_hand(location=location_a, lot=lots["M1"]) == 2  # only the first opening
    assert VialUse.objects.get().opened_vial == vial


def test_charting_waits_for_the_whole_checklist(
    practitioner, session, lots, location_a, after_the_session
):
    answer_checklist(practitioner, session, light_meal=None, anaesthetic_cream=None)

    with pytest.raises(ValidationError) as refused:
        complete(practitioner, session, lots)

    assert refused.value.message_dict == {
        "checklist": [
            "Complete the checklist first: The patient has had a light meal, "
            "Topical anaesthetic cream applied at."
        ]
    }
    assert_nothing_written(session, lots, location_a)


@pytest.mark.parametrize(
    ("answers", "stops"),
    [
        ({"no_scalp_infection": False}, True),
        ({"history_reasked": False}, True),
        ({"clean_hair": False, "light_meal": False}, False),  # noted, but not a stop
    ],
)
def test_a_no_stops_the_session_only_where_the_checklist_says_so(
    practitioner, session, lots, location_a, after_the_session, answers, stops
):
    answer_checklist(practitioner, session, **answers)

    assert checklist_state(session=session).is_complete is not stops
    if stops:
        with pytest.raises(ValidationError, match="The session cannot go ahead"):
            complete(practitioner, session, lots)
        assert_nothing_written(session, lots, location_a)
    else:
        assert complete(practitioner, session, lots).status == SessionStatus.COMPLETED


def test_a_withdrawn_consent_stops_the_session(
    practitioner, session, lots, location_a, after_the_session
):
    answer_checklist(practitioner, session)
    consent_withdraw(
        actor=practitioner,
        consent=TreatmentConsent.objects.get(plan=session.plan),
        reason="wants to think again",
    )

    with pytest.raises(ValidationError, match="cannot go ahead: Treatment consent on file"):
        complete(practitioner, session, lots)
    assert_nothing_written(session, lots, location_a)


def test_a_new_allergy_to_the_cocktail_stops_the_session(
    practitioner, session, lots, location_a, after_the_session
):
    medical_history_add(
        actor=practitioner, patient=session.patient, entry=Allergy(substance="dexpanthenol")
    )

    with pytest.raises(ValidationError, match="Screened again with today's record"):
        checklist_answer(
            actor=practitioner, session=session, item_id="history_reasked", is_yes=True
        )
    assert not session.checklist_answers.filter(item="history_reasked").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"zone_volumes": {"vertex": Decimal("2"), "frontal": Decimal("1.5")}},
            "zone_volumes",
            "3.50 mL in all is more than this formulation's 3.00 mL a session.",
        ),
        ({"zone_volumes": {"chin": Decimal("1")}}, "zone_volumes", "Unknown scalp zones: chin."),
        ({"zone_volumes": {}}, "zone_volumes", "Give the volume injected in each zone treated."),
        ({"depth_mm": Decimal("6")}, "depth_mm", "0.5–4 is the range here"),
        ({"needle_gauge": 18}, "needle_gauge", "27–34 is the range here"),
        ({"ended_at": at(MONDAY, "10:00")}, "ended_at", "The session ends after it starts."),
        ({"technique": "spray"}, "technique", "Choose one of nappage, point_by_point."),
    ],
)
def test_an_impossible_chart_is_refused_with_the_field(
    practitioner, session, lots, location_a, after_the_session, changes, field, message
):
    answer_checklist(practitioner, session)

    with pytest.raises(ValidationError) as refused:
        complete(practitioner, session, lots, **changes)

    assert message in refused.value.message_dict[field][0]
    assert_nothing_written(session, lots, location_a)


def test_an_expired_lot_is_refused(practitioner, session, lots, location_a, after_the_session):
    answer_checklist(practitioner, session)
    Lot.objects.filter(pk=lots["S1"].pk).update(expiry_date=datetime.date(2026, 11, 22))
    lots["S1"].refresh_from_db()  # the lot expired the day before the session

    with pytest.raises(ValidationError, match="Lot S1 expired on 2026-11-22"):
        complete(practitioner, session, lots)
    assert_nothing_written(session, lots, location_a)


def test_a_vial_opened_too_long_ago_is_refused(
    practitioner, manager, session, lots, location_a, clinic_now
):
    clinic_now("2026-11-22T09:00")
    stale = vial_open(actor=manager, location=location_a, lot=lots["M1"])
    clinic_now(f"{MONDAY}T10:40")
    answer_checklist(practitioner, session)

    with pytest.raises(ValidationError, match="may not be used after 2026-11-23 09:00"):
        session_complete(
            actor=practitioner,
            session=session,
            chart=chart(),
            vials=[VialEntry(lots["M1"], opened_vial=stale)],
        )
    assert not VialUse.objects.exists()


def test_no_session_is_given_on_a_plan_on_hold(
    practitioner, session, lots, location_a, after_the_session
):
    answer_checklist(practitioner, session)
    plan_transition(actor=practitioner, plan=session.plan, status=PlanStatus.ACTIVE)
    plan_transition(
        actor=practitioner, plan=session.plan, status=PlanStatus.ON_HOLD, reason="travel"
    )

    with pytest.raises(ValidationError, match="The plan is on hold"):
        complete(practitioner, session, lots)
    assert_nothing_written(session, lots, location_a)


def test_a_failure_at_the_last_step_leaves_nothing_half_written(
    practitioner, session, lots, location_a, after_the_session, monkeypatch
):
    """The server stops after the stock, the chart and the visit are written, while the
    aftercare is queued: the whole completion is rolled back."""
    patient_update(actor=practitioner, patient=session.patient, fields={"may_contact": True})
    session.patient.refresh_from_db()
    answer_checklist(practitioner, session)

    def power_cut(session):
        raise RuntimeError("the server stopped")

    monkeypatch.setattr(services, "aftercare_message_rows", power_cut)
    with pytest.raises(RuntimeError):
        complete(practitioner, session, lots)

    assert_nothing_written(session, lots, location_a)
    assert not AuditEvent.objects.filter(
        object_type="formulary.stockmovement", details__kind="used"
    ).exists()
    assert not AuditEvent.objects.filter(
        object_type="scheduling.appointment", action=AuditAction.UPDATE
    ).exists()


def test_a_completed_chart_is_corrected_only_by_an_addendum(
    practitioner, session, lots, after_the_session
):
    answer_checklist(practitioner, session)
    done = complete(practitioner, session, lots)

    with pytest.raises(ValidationError, match="already completed"):
        complete(practitioner, done, lots)
    done.notes = "rewritten"
    with pytest.raises(ValueError, match="never edited"):
        done.save()
    with pytest.raises(ValidationError, match="checklist is closed"):
        checklist_answer(actor=practitioner, session=done, item_id="clean_hair", is_yes=False)

    addendum = addendum_add(
        actor=practitioner, session=done, text="Depth was 1.0 mm on the frontal zone."
    )

    done.refresh_from_db()
    assert done.notes == "Tolerated well."
    assert list(done.addenda.values_list("text", flat=True)) == [addendum.text]
    assert AuditEvent.objects.filter(
        object_type="treatments.chartaddendum", object_id=str(addendum.pk)
    ).exists()


@pytest.mark.parametrize("role", ["reception", "practitioner_b"])
def test_only_clinicians_of_the_patients_location_chart(
    request, session, lots, after_the_session, role
):
    actor = request.getfixturevalue(role)

    with pytest.raises(PermissionDenied):
        checklist_answer(actor=actor, session=session, item_id="clean_hair", is_yes=True)
    with pytest.raises(PermissionDenied):
        complete(actor, session, lots)
    assert not session.checklist_answers.exists()
    assert AuditEvent.objects.filter(actor=actor, action=AuditAction.DENIED).count() == 2


def test_a_lot_recall_finds_every_patient_who_received_it_a_page_at_a_time(
    practitioner,
    manager,
    reception,
    accepted_plan,
    rooms,
    lots,
    clinic_now,
    django_assert_max_num_queries,
):
    """Two patients treated with lot S1, one with M1 only: recalling S1 finds the two."""
    given = []
    for hour, vials in ((10, ["S1"]), (11, ["S1", "M1"]), (12, ["M1"])):
        clinic_now(f"{MONDAY}T08:00")
        plan = accepted_plan("weekly_8")
        consent_record(actor=practitioner, plan=plan, signed_by_name=plan.patient.full_name)
        visit = appointment_book(
            actor=reception,
            patient=plan.patient,
            practitioner=practitioner,
            room=rooms[0],
            starts_at=at(MONDAY, f"{hour}:00"),
            plan=plan,
        )
        clinic_now(f"{MONDAY}T{hour}:05")
        session = session_open(actor=practitioner, appointment=visit)
        answer_checklist(practitioner, session)
        clinic_now(f"{MONDAY}T{hour}:40")
        session_complete(
            actor=practitioner,
            session=session,
            chart=chart(started_at=at(MONDAY, f"{hour}:05"), ended_at=at(MONDAY, f"{hour}:35")),
            vials=[VialEntry(lots[name]) for name in vials],
        )
        given.append(plan.patient)
    manager.refresh_from_db()

    with django_assert_max_num_queries(4):  # the locations, the page, the count, the audit
        recipients = lot_recipients(user=manager, lot=lots["S1"])

    assert recipients.total == 2
    assert [(r.patient_id, r.name, r.phone, r.email) for r in recipients.items] == [
        (p.pk, p.full_name, p.phone, p.email) for p in given[:2]
    ]
    # given when each session was completed, where its visit was
    assert [(r.given_at, r.location) for r in recipients.items] == [
        (at(MONDAY, "10:40"), rooms[0].location.name),
        (at(MONDAY, "11:40"), rooms[0].location.name),
    ]
    assert AuditEvent.objects.get(object_type="treatments.vialuse").details["patients"] == sorted(
        p.pk for p in given[:2]
    )
    second_page = lot_recipients(user=manager, lot=lots["S1"], offset=1, limit=1)
    assert [r.patient_id for r in second_page.items] == [given[1].pk]
    assert (second_page.previous_offset, second_page.next_offset) == (0, None)
    with pytest.raises(PermissionDenied):
        lot_recipients(user=practitioner, lot=lots["S1"])
