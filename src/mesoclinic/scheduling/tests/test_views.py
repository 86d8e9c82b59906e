"""The calendar and plan screens as staff use them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.scheduling.calendar_settings import absence_create
from mesoclinic.scheduling.models import Absence, Appointment, AppointmentStatus, OpeningHours, Room
from mesoclinic.scheduling.services import course_book
from mesoclinic.scheduling.tests.conftest import at

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
    with django_assert_max_num_queries(9):
        response = client.get(reverse("scheduling:calendar"), {"day": "2026-11-25"})

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="visit status-booked"') == 3  # session 1 of each, on Monday
    assert "session 1 of 8" in page
    assert "Saturday 28 Nov" in page
    move = reverse("scheduling:move", args=[booked_plans[0].appointments.first().pk])
    assert f'href="{move}" hx-get="{move}"' in page  # the free times, with or without htmx
    assert AuditEvent.objects.filter(action="list", object_type="scheduling.appointment").exists()


def test_the_week_view_marks_weekends_and_public_holidays_closed(client, reception, rooms):
    client.force_login(reception)

    # Monday 28 December 2026 to Sunday 3 January 2027: New Year's Day is a Friday.
    page = client.get(reverse("scheduling:calendar"), {"day": "2026-12-31"}).content.decode()

    closed = [
        day
        for day in ("20261228", "20261229", "20261230", "20261231", "20270101", "20270102")
        if f'is-closed" aria-labelledby="day-{day}"' in page
    ]
    assert closed == ["20270101", "20270102"]
    assert page.count("is-closed") == 3  # and Sunday the 3rd


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


# Rooms and hours (managers)


def settings_url(location) -> str:
    return f"{reverse('scheduling:settings')}?location={location.pk}"


def test_a_manager_sees_rooms_hours_and_absences_in_constant_queries(
    client, manager, practitioner, location_a, rooms, django_assert_max_num_queries
):
    for day in (24, 26):
        absence_create(
            actor=manager,
            practitioner=practitioner,
            starts_at=at(f"2026-11-{day}", "09:00"),
            ends_at=at(f"2026-11-{day}", "18:00"),
            reason="training",
        )
    client.force_login(manager)

    with django_assert_max_num_queries(12):
        response = client.get(settings_url(location_a))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('value="09:00–13:00, 14:00–18:00"') == 5  # Monday to Friday
    assert 'value="Room 2"' in page
    assert page.count("training") == 2
    assert 'aria-current="page">Rooms and hours<' in page
    assert 'aria-current="page">Calendar<' not in page


def test_reception_may_not_open_rooms_and_hours(client, reception, location_a, rooms):
    client.force_login(reception)

    assert client.get(settings_url(location_a)).status_code == 403
    assert "Rooms and hours" not in client.get(reverse("dashboard:home")).content.decode()


def test_typed_opening_hours_are_checked_and_saved(client, manager, location_a, rooms):
    client.force_login(manager)
    url = reverse("scheduling:opening_hours", args=[location_a.pk])
    week = {f"day_{day}": "" for day in range(7)}

    refused = client.post(url, {**week, "day_0": "9:00-13:00, 12:00–18:00", "day_1": "nine"})

    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Write each span as 09:00–13:00" in page
    assert OpeningHours.objects.filter(location=location_a).count() == 10

    saved = client.post(url, {**week, "day_0": "9:00-13:00, 14:00–18:00", "day_5": "10:00-14:00"})

    assert saved.status_code == 302
    assert [
        (hours.weekday, hours.opens.hour, hours.closes.hour)
        for hours in OpeningHours.objects.filter(location=location_a)
    ] == [(0, 9, 13), (0, 14, 18), (5, 10, 14)]


def test_overlapping_spans_are_refused_beside_their_day(client, manager, location_a, rooms):
    client.force_login(manager)
    week = {f"day_{day}": "" for day in range(7)}

    refused = client.post(
        reverse("scheduling:opening_hours", args=[location_a.pk]),
        {**week, "day_2": "09:00-14:00, 13:00-18:00"},
    )

    assert refused.status_code == 400
    assert "Wed 13:00–18:00 overlaps Wed 09:00–14:00." in refused.content.decode()
    assert OpeningHours.objects.filter(location=location_a, weekday=2).count() == 2


def test_an_absence_over_a_booked_visit_asks_for_confirmation_first(
    client, manager, practitioner, booked_plans, location_a
):
    client.force_login(manager)
    url = reverse("scheduling:absence_add", args=[location_a.pk])
    absence = {
        "practitioner": practitioner.pk,
        "starts_at": "2026-11-23T08:00",
        "ends_at": "2026-11-23T20:00",
        "reason": "ill",
    }

    asked = client.post(url, absence)

    page = asked.content.decode()
    assert asked.status_code == 400
    assert "3 booked visit(s) are booked with" in page
    assert 'name="confirm_stranded"' in page
    assert not Absence.objects.exists()

    confirmed = client.post(url, {**absence, "confirm_stranded": "on"}, follow=True)

    assert f"Absence of {practitioner} recorded." in confirmed.content.decode()
    assert Absence.objects.get().reason == "ill"


def test_a_room_is_added_renamed_and_its_name_kept_unique(client, manager, location_a, rooms):
    client.force_login(manager)

    client.post(reverse("scheduling:room_add", args=[location_a.pk]), {"new-room-name": "Room 3"})
    duplicate = client.post(
        reverse("scheduling:room_edit", args=[rooms[1].pk]),
        {f"room-{rooms[1].pk}-name": "Room 3", f"room-{rooms[1].pk}-is_active": "on"},
    )

    assert duplicate.status_code == 400
    assert "already has a room called Room 3" in duplicate.content.decode()
    assert sorted(Room.objects.values_list("name", flat=True)) == ["Room 1", "Room 2", "Room 3"]
