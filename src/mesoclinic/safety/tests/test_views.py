"""Adverse events on screen and over JSON: reported from the session, a follow-up call
or the portal; alerts on the dashboard; cleared by a clinician; the safety report."""

import datetime

import pytest
from django.urls import reverse

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.patients.services import patient_login_link
from mesoclinic.plans.models import PlanStatus
from mesoclinic.safety.models import AdverseEvent, ReportedVia, SafetyAlert
from mesoclinic.safety.selectors import safety_report
from mesoclinic.safety.services import EventReport, adverse_event_report

TUESDAY = datetime.date(2026, 11, 24)


@pytest.fixture
def next_day(clinic_now):
    return clinic_now("2026-11-24T11:00")


def staff_form(plan, **changes):
    return {
        "reported_via": "session",
        "plan": plan.pk,
        "event_type": "abscess",
        "grade": "3",
        "onset_on": "2026-11-24",
        "body_site": "vertex",
        "action_taken": "Drained, antibiotics.",
        "outcome": "ongoing",
        **changes,
    }


def test_an_abscess_reported_from_the_session_holds_the_plan_and_alerts_the_manager(
    client, practitioner, manager, completed, lots, next_day
):
    client.force_login(practitioner)
    url = reverse("safety:report_for_session", args=[completed.pk])
    page = client.get(url).text
    assert f'name="lots" value="{lots["S1"].pk}" id="id_lots_0" checked' in page  # its lot

    response = client.post(url, staff_form(completed.plan, lots=[lots["S1"].pk]))

    event = AdverseEvent.objects.get()
    assert response.url == reverse("safety:event", args=[event.pk])
    assert (event.session, event.holds_plan) == (completed, True)
    completed.plan.refresh_from_db()
    assert completed.plan.status == PlanStatus.ON_HOLD
    client.force_login(manager)
    dashboard = client.get(reverse("dashboard:home"))
    assert "Safety alerts" in dashboard.text
    assert "Abscess, grade 3" in dashboard.text
    alert = SafetyAlert.objects.get(recipient=manager)
    client.post(reverse("safety:alert_seen", args=[alert.pk]))
    assert "Safety alerts" not in client.get(reverse("dashboard:home")).text


def test_a_clinician_clears_the_hold_from_the_event_page(client, practitioner, completed, next_day):
    event = adverse_event_report(
        actor=practitioner,
        patient=completed.patient,
        session=completed,
        report=EventReport("abscess", 3, TUESDAY, "vertex"),
        reported_via=ReportedVia.SESSION,
    )
    client.force_login(practitioner)

    refused = client.post(reverse("safety:clear", args=[event.pk]), {"note": ""})
    assert refused.status_code == 400
    client.post(reverse("safety:clear", args=[event.pk]), {"note": "Healed at review."})

    completed.plan.refresh_from_db()
    assert completed.plan.status == PlanStatus.ACTIVE
    assert "Cleared by" in client.get(reverse("safety:event", args=[event.pk])).text


def test_a_bad_staff_report_is_shown_beside_its_field(client, practitioner, completed, next_day):
    client.force_login(practitioner)

    response = client.post(
        reverse("safety:report_for_patient", args=[completed.patient_id]),
        staff_form(completed.plan, onset_on="2026-12-01"),
    )

    assert response.status_code == 400
    assert "The onset cannot be in the future." in response.text
    assert not AdverseEvent.objects.exists()


def test_a_patient_reports_a_problem_from_the_portal(client, practitioner, completed, next_day):
    user = make_user(Role.PATIENT, [], username="self")
    patient_login_link(actor=practitioner, patient=completed.patient, user=user)
    client.force_login(user)
    assert "Tell us about a problem" in client.get(reverse("dashboard:home")).text

    response = client.post(
        reverse("safety:report_mine"),
        {
            "event_type": "headache",
            "severity": "1",
            "onset_on": "2026-11-24",
            "body_site": "head",
            "description": "Since last night.",
        },
    )

    assert "the clinic has your report" in response.text
    event = AdverseEvent.objects.get()
    assert (event.reported_via, event.grade, event.plan) == ("patient", 1, completed.plan)


def test_reception_cannot_open_an_event(client, reception, practitioner, completed, next_day):
    event = adverse_event_report(
        actor=practitioner,
        patient=completed.patient,
        session=completed,
        report=EventReport("erythema", 1, TUESDAY, "vertex"),
        reported_via=ReportedVia.SESSION,
    )
    client.force_login(reception)

    assert client.get(reverse("safety:event", args=[event.pk])).status_code == 403


def test_the_safety_report_counts_events_per_100_sessions(
    manager, practitioner, completed, lots, location_a, next_day
):
    for event_type, grade in (("erythema", 1), ("headache", 2)):
        adverse_event_report(
            actor=practitioner,
            patient=completed.patient,
            session=completed,
            report=EventReport(event_type, grade, TUESDAY, "scalp", lots=[lots["S1"]]),
            reported_via=ReportedVia.FOLLOW_UP_CALL,
        )

    report = safety_report(
        user=manager,
        location=location_a,
        since=TUESDAY - datetime.timedelta(days=30),
        until=TUESDAY,
    )

    assert (report.sessions, report.events, report.rate_per_100) == (1, 2, 200.0)
    assert [(line.label, line.events) for line in report.by_type] == [
        ("Erythema (redness)", 1),
        ("Headache", 1),
    ]
    assert [line.events for line in report.by_grade] == [1, 1, 0, 0, 0]
    assert [(line.events, line.sessions) for line in report.by_lot] == [(2, 1)]
    assert report.by_formulation[0].sessions == 1


def test_a_patients_events_are_listed_with_their_lots_on_the_record_and_by_the_api(
    client, practitioner, completed, lots, next_day, django_assert_max_num_queries
):
    for event_type, grade, named in (("erythema", 1, ["S1"]), ("headache", 2, [])):
        adverse_event_report(
            actor=practitioner,
            patient=completed.patient,
            session=completed,
            report=EventReport(
                event_type, grade, TUESDAY, "scalp", lots=[lots[name] for name in named]
            ),
            reported_via=ReportedVia.FOLLOW_UP_CALL,
        )
    client.force_login(practitioner)

    # the patient, the events, their lots, the audit row (with SQLite's BEGIN and COMMIT)
    with django_assert_max_num_queries(6):
        listed = client.get(f"/api/v1/patients/{completed.patient_id}/adverse-events")
    record = client.get(reverse("patients:detail", args=[completed.patient_id])).text

    assert sorted((e["event_type"], sorted(e["lot_numbers"])) for e in listed.json()) == [
        ("erythema", ["S1"]),
        ("headache", []),
    ]
    assert "Erythema (redness) · grade 1" in record
    assert "Headache · grade 2" in record


def test_the_safety_page_is_the_managers_and_stays_within_fixed_queries(
    client, manager, practitioner, completed, next_day, django_assert_max_num_queries
):
    client.force_login(practitioner)
    assert client.get(reverse("safety:report")).status_code == 403
    client.force_login(manager)

    with django_assert_max_num_queries(14):
        page = client.get(reverse("safety:report"))

    assert "Safety report" in page.text
    assert "over <strong>1</strong> sessions completed" in page.text


def test_the_api_reports_follows_up_and_clears(api, practitioner, manager, completed, next_day):
    created = api(
        practitioner,
        "post",
        f"/patients/{completed.patient_id}/adverse-events",
        {
            "event_type": "allergic_reaction",
            "grade": 2,
            "onset_on": "2026-11-24",
            "body_site": "scalp",
            "reported_via": "follow_up_call",
            "session_id": completed.pk,
        },
    )
    assert created.status_code == 201
    event_id = created.json()["id"]
    assert created.json()["holds_plan"] is True

    refused = api(
        practitioner,
        "post",
        f"/patients/{completed.patient_id}/adverse-events",
        {
            "event_type": "x",
            "grade": 9,
            "onset_on": "2026-11-24",
            "body_site": "",
            "reported_via": "session",
        },
    )
    assert refused.status_code == 422
    assert {tuple(item["loc"]) for item in refused.json()["detail"]} >= {
        ("body", "event_type"),
        ("body", "grade"),
        ("body", "body_site"),
    }

    follow = api(practitioner, "patch", f"/adverse-events/{event_id}", {"outcome": "recovered"})
    assert follow.json()["outcome"] == "recovered"
    assert (
        api(manager, "post", f"/adverse-events/{event_id}/clear", {"note": "ok"}).status_code == 403
    )
    cleared = api(practitioner, "post", f"/adverse-events/{event_id}/clear", {"note": "Settled."})
    assert cleared.json()["cleared_at"] is not None
    report = api(manager, "get", f"/locations/{completed.appointment.location_id}/safety-report")
    assert (report.json()["events"], report.json()["sessions"]) == (1, 1)
