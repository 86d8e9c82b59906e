"""Booking a whole course, and re-laying it when a session is moved or missed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mesoclinic.audit.models import AuditEvent
from mesoclinic.scheduling.models import Absence, Appointment, AppointmentStatus
from mesoclinic.scheduling.services import (
    appointment_book,
    appointment_mark,
    appointment_move,
    course_book,
    courses_schedule,
)
from mesoclinic.scheduling.tests.conftest import at

MONDAY = datetime.date(2026, 11, 23)


def booked(plan):
    return list(
        Appointment.objects.filter(plan=plan, status=AppointmentStatus.BOOKED).order_by(
            "session_number"
        )
    )


def local(visit):
    return timezone.localtime(visit.starts_at)


def test_the_whole_course_is_laid_inside_its_windows_on_the_preferred_days(
    reception, practitioner, accepted_plan, rooms
):
    plan = accepted_plan(
        "weekly_then_fortnightly",
        preferred_weekdays=[3],  # Thursdays
        preferred_from=datetime.time(14),
        preferred_until=datetime.time(16),
    )

    moves = course_book(actor=reception, plan=plan, start_from=MONDAY)

    visits = booked(plan)
    assert [visit.session_number for visit in visits] == list(range(1, 9))
    assert [str(move).split(":")[0] for move in moves] == [f"Session {n}" for n in range(1, 9)]
    assert {local(visit).strftime("%A %H:%M") for visit in visits} == {"Thursday 14:00"}
    gaps = [
        (local(b).date() - local(a).date()).days for a, b in zip(visits, visits[1:], strict=False)
    ]
    assert gaps == [7, 7, 7, 14, 14, 14, 14]
    assert AuditEvent.objects.filter(object_type="scheduling.appointment").count() == 8


def test_without_preferences_each_session_takes_the_earliest_free_time(
    reception, practitioner, accepted_plan, rooms
):
    plan = accepted_plan("weekly_8")
    Absence.objects.create(
        practitioner=practitioner,
        starts_at=at("2026-11-23", "00:00"),
        ends_at=at("2026-11-24", "12:00"),
    )

    course_book(actor=reception, plan=plan, start_from=MONDAY)

    first, second = booked(plan)[:2]
    assert local(first) == at("2026-11-24", "12:00")  # after the absence, before lunch
    assert local(second).date() == datetime.date(2026, 11, 30)  # 6 days is the minimum


def test_a_course_that_cannot_fit_books_nothing(reception, practitioner, accepted_plan, rooms):
    plan = accepted_plan("weekly_8")
    Absence.objects.create(
        practitioner=practitioner,
        starts_at=at("2026-12-14", "00:00"),
        ends_at=at("2027-01-31", "00:00"),
    )

    with pytest.raises(ValidationError, match="Session 4 finds no free time between"):
        course_book(actor=reception, plan=plan, start_from=MONDAY)

    assert not Appointment.objects.exists()
    assert not AuditEvent.objects.filter(object_type="scheduling.appointment").exists()


def test_moving_a_session_re_lays_the_later_ones_and_says_what_moved(
    reception, practitioner, accepted_plan, rooms
):
    plan = accepted_plan("weekly_8", preferred_weekdays=[0])
    course_book(actor=reception, plan=plan, start_from=MONDAY)
    before = {visit.session_number: local(visit) for visit in booked(plan)}
    third = booked(plan)[2]

    moves = appointment_move(
        actor=reception, appointment=third, starts_at=at("2026-12-09", "10:00")
    )

    after = {visit.session_number: local(visit) for visit in booked(plan)}
    assert after[1] == before[1]
    assert after[2] == before[2]
    assert after[3] == at("2026-12-09", "10:00")  # Wednesday, 9 days after session 2
    # Session 4 was on Monday 14 December, 5 days after the new third: out of its window.
    assert (after[4].date() - after[3].date()).days >= 6
    assert [move.session_number for move in moves][:2] == [3, 4]
    assert "Session 3: Mon 07 Dec 09:00 → Wed 09 Dec 10:00" in str(moves[0])
    for earlier, later in zip(range(1, 8), range(2, 9), strict=True):
        assert 6 <= (after[later].date() - after[earlier].date()).days <= 9


def test_a_move_outside_the_window_changes_nothing(reception, practitioner, accepted_plan, rooms):
    plan = accepted_plan("weekly_8")
    course_book(actor=reception, plan=plan, start_from=MONDAY)
    before = [(v.pk, v.starts_at) for v in booked(plan)]

    with pytest.raises(
        ValidationError, match="Session 2 belongs between 2026-11-29 and 2026-12-02"
    ):
        appointment_move(
            actor=reception, appointment=booked(plan)[1], starts_at=at("2026-12-07", "10:00")
        )

    assert [(v.pk, v.starts_at) for v in booked(plan)] == before


def test_a_missed_session_is_booked_again_and_the_later_ones_follow(
    reception, practitioner, accepted_plan, rooms, clinic_now
):
    plan = accepted_plan("weekly_8")
    course_book(actor=reception, plan=plan, start_from=MONDAY)
    first, second = booked(plan)[:2]
    clinic_now("2026-11-23T12:00")
    appointment_mark(actor=practitioner, appointment=first, status=AppointmentStatus.DONE)
    clinic_now("2026-12-01T12:00")

    result = appointment_mark(actor=reception, appointment=second, status=AppointmentStatus.MISSED)

    assert result.problem == ""
    visits = booked(plan)
    assert [v.session_number for v in visits] == list(range(2, 9))
    assert local(visits[0]) == at("2026-12-01", "12:00")  # still inside days 6–9 after the first
    assert str(result.moves[0]).startswith("Session 2: booked Tue 01 Dec 12:00")
    assert Appointment.objects.get(pk=second.pk).status == AppointmentStatus.MISSED


def test_a_session_whose_window_closed_is_laid_as_soon_as_possible_and_marked_late(
    reception, practitioner, accepted_plan, rooms, clinic_now
):
    plan = accepted_plan("weekly_8")
    first = appointment_book(
        actor=reception,
        patient=plan.patient,
        practitioner=practitioner,
        room=rooms[0],
        starts_at=at("2026-11-23", "10:00"),
        plan=plan,
    )
    clinic_now("2026-11-23T12:00")
    appointment_mark(actor=practitioner, appointment=first, status=AppointmentStatus.DONE)
    clinic_now("2026-12-08T08:00")  # fifteen days later: session 2's window closed on 2 December

    moves = course_book(actor=reception, plan=plan)

    assert moves[0].is_late
    assert not moves[1].is_late
    assert local(booked(plan)[0]) == at("2026-12-08", "09:00")


def test_a_visit_in_the_future_is_not_marked_done(reception, practitioner, accepted_plan, rooms):
    plan = accepted_plan("weekly_8")
    course_book(actor=reception, plan=plan, start_from=MONDAY)

    with pytest.raises(ValidationError, match="still to come"):
        appointment_mark(actor=practitioner, appointment=booked(plan)[0], status="done")


def test_the_batch_planner_books_many_new_courses_inside_their_windows(
    reception, practitioner, practitioner_b, location_a, accepted_plan, rooms
):
    practitioner_b.locations.add(location_a)
    plans = [accepted_plan("weekly_8", preferred_weekdays=[day % 4]) for day in range(6)]

    result = courses_schedule(actor=reception, plans=plans, start_from=MONDAY, time_limit=5)

    assert result.short == {}
    assert len(result.booked) == 48
    assert result.answer.preference_score(result.problem) == 6 * 8  # every session on its day
    assert result.answer.gap(result.problem) == 0
    for plan in plans:
        visits = booked(plan)
        assert [v.session_number for v in visits] == list(range(1, 9))
        assert {local(v).weekday() for v in visits} == set(plan.preferred_weekdays)
        gaps = [
            (local(b).date() - local(a).date()).days
            for a, b in zip(visits, visits[1:], strict=False)
        ]
        assert all(6 <= gap <= 9 for gap in gaps)


def test_the_batch_planner_run_near_closing_time_starts_the_course_on_a_later_day(
    reception, practitioner, accepted_plan, rooms, clinic_now
):
    clinic_now("2026-11-23T17:40")  # Monday: 20 minutes of opening left, a session takes 30
    plan = accepted_plan("weekly_8", preferred_weekdays=[0])

    result = courses_schedule(actor=reception, plans=[plan], start_from=MONDAY, time_limit=5)

    assert result.short == {}
    visits = booked(plan)
    assert [v.session_number for v in visits] == list(range(1, 9))
    assert local(visits[0]).date() > MONDAY


def test_a_dry_run_books_nothing_and_a_plan_already_booked_is_refused(
    reception, practitioner, accepted_plan, rooms
):
    waiting, started = accepted_plan("weekly_8"), accepted_plan("weekly_8")
    course_book(actor=reception, plan=started, start_from=MONDAY)
    count = Appointment.objects.count()

    dry = courses_schedule(
        actor=reception, plans=[waiting], start_from=MONDAY, time_limit=2, book=False
    )
    with pytest.raises(ValidationError, match=f"Plan {started.pk} has sessions booked"):
        courses_schedule(actor=reception, plans=[waiting, started], start_from=MONDAY, time_limit=2)

    assert len(dry.booked) == 8
    assert Appointment.objects.count() == count
