"""Reminders before each visit: queued once, sent at most once, with the pre-care text."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.messaging.care import care_book, parse_care
from mesoclinic.messaging.channels import OutboxSmsGateway
from mesoclinic.messaging.models import Message, MessageStatus
from mesoclinic.messaging.services import (
    messages_recover,
    messages_send_due,
    reminders_queue,
)
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment
from mesoclinic.scheduling.services import appointment_mark, appointment_move, course_book
from mesoclinic.scheduling.tests.conftest import at

MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def course(reception, accepted_plan, rooms, clinic_now):
    clinic_now("2026-11-20T08:00")
    plan = accepted_plan("weekly_8")
    Patient.objects.filter(pk=plan.patient_id).update(
        may_contact=True, email="kerem@example.com", phone="+90 555 000 0000"
    )
    course_book(actor=reception, plan=plan, start_from=MONDAY)
    OutboxSmsGateway.outbox.clear()
    return plan


def first_visit(plan):
    return Appointment.objects.filter(plan=plan).order_by("starts_at").first()


def test_a_reminder_goes_once_by_email_and_sms_with_the_pre_care(course, clinic_now):
    clinic_now("2026-11-22T10:00")  # the first session is Monday 23rd at 09:00

    queued = reminders_queue()
    again = reminders_queue()
    outcome = messages_send_due()
    repeat = messages_send_due()

    assert (queued, again) == (2, 0)
    assert outcome == {"sent": 2, "skipped": 0, "failed": 0}
    assert repeat == {"sent": 0, "skipped": 0, "failed": 0}
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["kerem@example.com"]
    assert "session 1 of your treatment" in email.body
    assert "Monday 23 November 2026 at 09:00" in email.body
    assert "clean, oil-free hair" in email.body
    assert "aspirin" not in email.body  # the NSAID pause is for PRP only
    assert OutboxSmsGateway.outbox == [("+90 555 000 0000", email.body)]


def test_nothing_is_queued_too_early_or_for_a_patient_who_declined_contact(course, clinic_now):
    clinic_now("2026-11-21T08:00")  # 49 hours before
    assert reminders_queue() == 0

    Patient.objects.filter(pk=course.patient_id).update(may_contact=False)
    clinic_now("2026-11-22T10:00")
    assert reminders_queue() == 0


def test_a_moved_visit_is_reminded_of_its_new_time_and_not_the_old_one(
    course, reception, clinic_now
):
    clinic_now("2026-11-22T10:00")
    reminders_queue()
    appointment_move(
        actor=reception, appointment=first_visit(course), starts_at=at("2026-11-23", "09:45")
    )
    reminders_queue()

    outcome = messages_send_due()

    assert outcome == {"sent": 2, "skipped": 2, "failed": 0}
    assert "at 09:45" in mail.outbox[0].body
    skipped = Message.objects.filter(status=MessageStatus.SKIPPED)
    assert {m.detail for m in skipped} == {"The visit was moved or cancelled."}


def test_a_worker_that_died_while_sending_never_sends_that_message_again(course, clinic_now):
    clinic_now("2026-11-22T10:00")
    reminders_queue()
    Message.objects.update(status=MessageStatus.SENDING, claimed_at=at("2026-11-22", "10:00"))

    clinic_now("2026-11-22T10:05")
    assert messages_recover() == 0  # another worker may still be sending them
    clinic_now("2026-11-22T10:30")
    assert messages_recover() == 2
    assert messages_send_due() == {"sent": 0, "skipped": 0, "failed": 0}
    assert mail.outbox == []


def test_a_failing_gateway_is_recorded_and_the_email_still_goes(course, clinic_now, settings):
    settings.MESOCLINIC_SMS_GATEWAY = "mesoclinic.messaging.tests.test_reminders.BrokenGateway"
    clinic_now("2026-11-22T10:00")
    reminders_queue()

    outcome = messages_send_due()

    assert outcome == {"sent": 1, "skipped": 0, "failed": 1}
    failed = Message.objects.get(status=MessageStatus.FAILED)
    assert failed.detail == "ConnectionError: provider down"


def test_a_cancelled_visit_gets_no_reminder(course, reception, clinic_now):
    clinic_now("2026-11-22T10:00")
    reminders_queue()
    relaid = appointment_mark(actor=reception, appointment=first_visit(course), status="cancelled")
    reminders_queue()

    outcome = messages_send_due()

    assert [move.session_number for move in relaid.moves] == [1]
    assert outcome["sent"] == 2  # the re-laid first session is reminded, the cancelled not
    assert outcome["skipped"] == 2


def test_prp_pre_care_adds_the_48_hour_pause_of_anti_inflammatories():
    prp = care_book().precare_for("prp")
    cocktail = care_book().precare_for("cocktail")

    assert set(prp) - set(cocktail) == {
        "Take no aspirin, ibuprofen or other anti-inflammatory painkillers "
        "for 48 hours before the session."
    }


class BrokenGateway:
    def send(self, *, to: str, text: str) -> None:
        raise ConnectionError("provider down")


def test_a_care_file_without_sources_stops_start_up():
    with pytest.raises(ImproperlyConfigured, match="care.yaml: precare item wash"):
        parse_care(
            "version: '1'\nprecare:\n  - {id: wash, modalities: [prp], text: Wash.}\n",
            origin="care.yaml",
        )
