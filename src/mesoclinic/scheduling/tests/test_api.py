"""Plans and booking over the JSON API."""

from mesoclinic.assessments.tests.factories import consult
from mesoclinic.formulary.services import formulation_prescribe
from mesoclinic.formulary.tests.factories import composition
from mesoclinic.patients.tests.factories import register_patient
from mesoclinic.plans.models import Protocol
from mesoclinic.plans.services import protocol_defaults_install
from mesoclinic.scheduling.models import OpeningHours, Room


def test_a_plan_is_drafted_accepted_and_its_course_booked_through_the_api(
    api, practitioner, reception, location_a, rooms
):
    protocol_defaults_install(group=location_a.group)
    patient = register_patient(actor=practitioner, location=location_a)
    consult(practitioner, patient)
    formulation = formulation_prescribe(
        actor=practitioner, patient=patient, composition=composition()
    )
    protocol = Protocol.objects.get(code="weekly_8")

    created = api(
        practitioner,
        "post",
        f"/patients/{patient.pk}/plans",
        {
            "protocol_id": protocol.pk,
            "formulation_id": formulation.pk,
            "preferred_weekdays": [2],
        },
    )
    plan_id = created.json()["id"]
    accepted = api(practitioner, "post", f"/plans/{plan_id}/status", {"status": "accepted"})
    booked = api(reception, "post", f"/plans/{plan_id}/book-course", {"start_from": "2026-11-23"})
    sessions = api(reception, "get", f"/plans/{plan_id}/sessions")
    week = api(reception, "get", f"/calendar?location={location_a.pk}&from=2026-11-23&days=7")

    assert created.status_code == 201
    assert created.json()["session_count"] == 8
    assert accepted.json()["status"] == "accepted"
    assert [move["session_number"] for move in booked.json()] == list(range(1, 9))
    assert booked.json()[0]["text"].startswith("Session 1: booked Wed 25 Nov 09:00")
    assert sessions.json()[1]["window"] == {"earliest": "2026-12-01", "latest": "2026-12-04"}
    assert [len(day["visits"]) for day in week.json()] == [0, 0, 1, 0, 0, 0, 0]
    assert [day["is_open"] for day in week.json()] == [True] * 5 + [False] * 2

    second = sessions.json()[1]["visit"]["id"]
    free = api(reception, "get", f"/visits/{second}/free-times?day=2026-12-02").json()
    assert free[0]["starts_at"] == "2026-12-02T09:00:00Z"
    assert free[0]["practitioner"] == str(practitioner)
    refused = api(
        reception, "post", f"/visits/{second}/move", {"starts_at": "2026-12-10T10:00:00Z"}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "starts_at"]
    assert (
        "Session 2 belongs between 2026-12-01 and 2026-12-04" in refused.json()["detail"][0]["msg"]
    )


def test_bad_input_and_other_locations_are_refused(
    api, practitioner, reception_b, location_a, rooms
):
    assert api(practitioner, "post", "/plans/999/status", {"status": "accepted"}).status_code == 404
    assert api(practitioner, "post", "/plans/1/status", {"status": "sideways"}).status_code == 422
    assert api(reception_b, "get", f"/calendar?location={location_a.pk}").status_code == 403
    assert (
        api(practitioner, "get", f"/calendar?location={location_a.pk}&days=99").status_code == 422
    )


# Rooms, opening hours and absences


def test_a_manager_keeps_rooms_hours_and_absences_through_the_api(
    api, manager, practitioner, location_a, rooms
):
    room = api(manager, "post", f"/locations/{location_a.pk}/rooms", {"name": "Room 3"})
    closed = api(manager, "patch", f"/rooms/{rooms[1].pk}", {"is_active": False})
    hours = api(
        manager,
        "put",
        f"/locations/{location_a.pk}/opening-hours",
        {
            "spans": [
                {"weekday": 0, "opens": "09:00", "closes": "13:00"},
                {"weekday": 0, "opens": "14:00", "closes": "19:00"},
            ]
        },
    )
    absence = api(
        manager,
        "post",
        f"/locations/{location_a.pk}/absences",
        {
            "practitioner_id": practitioner.pk,
            "starts_at": "2026-11-24T09:00:00+03:00",
            "ends_at": "2026-11-24T18:00:00+03:00",
            "reason": "training",
        },
    )
    settings = api(manager, "get", f"/locations/{location_a.pk}/calendar-settings").json()

    assert (room.status_code, closed.status_code, hours.status_code) == (201, 200, 200)
    assert absence.status_code == 201
    assert [(r["name"], r["is_active"]) for r in settings["rooms"]] == [
        ("Room 1", True),
        ("Room 2", False),
        ("Room 3", True),
    ]
    assert settings["opening"] == [
        {"weekday": 0, "opens": "09:00:00", "closes": "13:00:00"},
        {"weekday": 0, "opens": "14:00:00", "closes": "19:00:00"},
    ]
    assert [(a["practitioner"], a["reason"]) for a in settings["absences"]] == [
        (str(practitioner), "training")
    ]

    removed = api(manager, "delete", f"/locations/{location_a.pk}/absences/{absence.json()['id']}")
    assert removed.status_code == 204
    assert (
        api(manager, "get", f"/locations/{location_a.pk}/calendar-settings").json()["absences"]
        == []
    )


def test_bad_calendar_settings_answer_422_with_the_field(api, manager, location_a, rooms):
    duplicate = api(manager, "post", f"/locations/{location_a.pk}/rooms", {"name": "Room 1"})
    backwards = api(
        manager,
        "put",
        f"/locations/{location_a.pk}/opening-hours",
        {"spans": [{"weekday": 3, "opens": "18:00", "closes": "09:00"}]},
    )
    stranger = api(
        manager,
        "post",
        f"/locations/{location_a.pk}/absences",
        {
            "practitioner_id": manager.pk,
            "starts_at": "2026-11-24T09:00:00+03:00",
            "ends_at": "2026-11-24T18:00:00+03:00",
        },
    )

    assert duplicate.status_code == backwards.status_code == stranger.status_code == 422
    assert duplicate.json()["detail"][0]["loc"] == ["body", "name"]
    assert backwards.json()["detail"] == [
        {
            "loc": ["body", "spans", "0", "closes"],
            "msg": "Thu: it closes at 09:00, not after it opens at 18:00.",
        }
    ]
    assert stranger.json()["detail"][0]["loc"] == ["body", "practitioner_id"]
    assert OpeningHours.objects.filter(location=location_a).count() == 10


def test_reception_may_not_change_calendar_settings_over_the_api(api, reception, location_a, rooms):
    answer = api(reception, "post", f"/locations/{location_a.pk}/rooms", {"name": "Room 3"})

    assert answer.status_code == 403
    assert api(reception, "get", f"/locations/{location_a.pk}/calendar-settings").status_code == 403
    assert Room.objects.count() == 2
