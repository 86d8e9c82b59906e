"""iCalendar feeds of visits at secret, revocable addresses."""

import datetime

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.audit.models import AuditEvent
from mesoclinic.interop.models import CalendarFeed
from mesoclinic.interop.services import calendar_feed_create, calendar_feed_revoke
from mesoclinic.patients.services import patient_login_link
from mesoclinic.scheduling.services import course_book

MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def course(reception, accepted_plan, rooms, clinic_now):
    clinic_now("2026-11-20T08:00")
    plan = accepted_plan("weekly_8")
    course_book(actor=reception, plan=plan, start_from=MONDAY)
    return plan


def read(client, secret):
    return client.get(reverse("interop:feed", args=[secret]))


def test_a_practitioner_feed_lists_their_visits_with_initials_only(client, practitioner, course):
    secret = calendar_feed_create(user=practitioner)

    response = read(client, secret)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 8
    first = min(events, key=lambda event: event.decoded("dtstart"))
    patient = course.patient
    assert str(first["summary"]) == (
        f"Mesotherapy session 1 · {patient.given_name[0]}. {patient.family_name[0]}."
    )
    assert first.decoded("dtstart") == datetime.datetime(2026, 11, 23, 9, tzinfo=datetime.UTC)
    assert patient.family_name not in response.content.decode()
    assert AuditEvent.objects.filter(actor=practitioner, action="list").exists()


def test_a_patient_feed_shows_only_their_own_visits(client, practitioner, location_a, course):
    login = make_user(Role.PATIENT, [], username="kerem")
    patient_login_link(actor=practitioner, patient=course.patient, user=login)
    other = make_user(Role.PATIENT, [], username="somebody")

    mine = icalendar.Calendar.from_ical(read(client, calendar_feed_create(user=login)).content)
    theirs = icalendar.Calendar.from_ical(read(client, calendar_feed_create(user=other)).content)

    assert len(mine.walk("VEVENT")) == 8
    assert str(mine.walk("VEVENT")[0]["summary"]).endswith(f"at {location_a.name}")
    assert theirs.walk("VEVENT") == []


def test_a_revoked_or_guessed_address_reads_nothing(client, practitioner, course):
    secret = calendar_feed_create(user=practitioner)
    feed = CalendarFeed.objects.get()

    calendar_feed_revoke(user=practitioner, feed_id=feed.pk)

    assert read(client, secret).status_code == 404
    assert read(client, "not-a-secret").status_code == 404


def test_reception_gets_no_feed(reception):
    with pytest.raises(PermissionDenied):
        calendar_feed_create(user=reception)
