"""The calendar and plan screens as staff use them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.scheduling.models import Appointment, AppointmentStatus
from mesoclinic.scheduling.services import course_book

MONDAY = datetime.date(2026, 11, 23)


@pytest.fixture
def booked_plans(reception, accepted_plan, rooms):
    plans = [accepted_plan("weekly_8") for _ in range(3)]
    for plan in plans:
        course_book(actor=reception, plan=plan, start_from=MONDAY)
    return plans


def test_the_week_view_lists_the_visits_in_constant_queries(
    client, reception, booked_plans, django_assert_max_num_queries
):
    client.force_login(reception)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("scheduling:calendar"), {"day": "2026-11-25"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="visit status-booked"') == 3  # session 1 of each, on Monday
    assert "session 1 of 8" in page
    assert "Saturday 28 Nov" in page
    assert AuditEvent.objects.filter(action="list", object_type="scheduling.appointment").exists()


def test_moving_from_the_free_times_re_lays_and_says_what_moved(client, reception, booked_plans):
    plan = booked_plans[0]
    second = Appointment.objects.get(plan=plan, session_number=2)
    client.force_login(reception)

    panel = client.get(
        reverse("scheduling:move", args=[second.pk]), {"day": "2026-12-02"}, HTTP_HX_REQUEST="true"
    )
    chosen = panel.content.decode().split('name="slot" value="')[1].split('"')[0]
    response = client.post(
        reverse("scheduling:move", args=[second.pk]), {"slot": chosen}, follow=True
    )

    second.refresh_from_db()
    assert timezone.localdate(second.starts_at) == datetime.date(2026, 12, 2)
    page = response.content.decode()
    assert "Session 2:" in page
    assert "Session 3:" in page  # 2 December + 6 days: the third moved as well


def test_a_tampered_slot_is_refused_and_nothing_moves(client, reception, booked_plans):
    second = Appointment.objects.get(plan=booked_plans[0], session_number=2)
    client.force_login(reception)

    response = client.post(
        reverse("scheduling:move", args=[second.pk]), {"slot": "1:1:not-a-time"}, follow=True
    )

    assert "Choose one of the free times listed." in response.content.decode()
    assert Appointment.objects.get(pk=second.pk).starts_at == second.starts_at


def test_marking_a_visit_missed_books_it_again(client, reception, booked_plans, clinic_now):
    first = Appointment.objects.get(plan=booked_plans[0], session_number=1)
    clinic_now("2026-11-23T12:00")
    client.force_login(reception)

    response = client.post(
        reverse("scheduling:mark", args=[first.pk]), {"status": "missed"}, follow=True
    )

    assert "Session 1: booked" in response.content.decode()
    assert Appointment.objects.get(pk=first.pk).status == AppointmentStatus.MISSED


def test_the_plan_screen_shows_windows_and_books_the_course(
    client, practitioner, accepted_plan, rooms, django_assert_max_num_queries
):
    plan = accepted_plan("dutasteride_nappage_men")
    client.force_login(practitioner)

    response = client.post(
        reverse("plans:book", args=[plan.pk]), {"start_from": "2026-11-23"}, follow=True
    )
    with django_assert_max_num_queries(16):
        page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()

    assert response.content.decode().count("Session ") >= 7
    assert Appointment.objects.filter(plan=plan).count() == 7
    assert "Sun 29 Nov – Wed 02 Dec" in page  # session 2: 6–9 days after the first
    assert "Book the whole course" not in page


def test_staff_of_another_location_cannot_open_the_calendar_or_a_plan(
    client, reception_b, booked_plans
):
    client.force_login(reception_b)
    location = booked_plans[0].patient.location_id

    assert client.get(reverse("scheduling:calendar"), {"location": location}).status_code == 404
    assert client.get(reverse("plans:detail", args=[booked_plans[0].pk])).status_code == 403
