"""Adverse events: reported, graded, and the serious ones hold the plan until a clinician
clears them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.patients.services import patient_login_link
from mesoclinic.plans.models import PlanStatus
from mesoclinic.plans.services import plan_transition
from mesoclinic.safety.models import AdverseEvent, ReportedVia, SafetyAlert
from mesoclinic.safety.services import (
    EventReport,
    adverse_event_clear,
    adverse_event_follow_up,
    adverse_event_report,
)

TUESDAY = datetime.date(2026, 11, 24)


def report(**changes) -> EventReport:
    fields = {
        "event_type": "erythema",
        "grade": 1,
        "onset_on": TUESDAY,
        "body_site": "vertex",
        "action_taken": "Ice pack.",
    }
    return EventReport(**{**fields, **changes})


def file(actor, session, via=ReportedVia.FOLLOW_UP_CALL, **changes):
    return adverse_event_report(
        actor=actor,
        patient=session.patient,
        session=session,
        report=report(**changes),
        reported_via=via,
    )


@pytest.fixture
def next_day(clinic_now):
    return clinic_now("2026-11-24T11:00")


def test_a_mild_event_is_recorded_and_the_plan_goes_on(practitioner, completed, lots, next_day):
    event = file(practitioner, completed, lots=[lots["S1"]])

    completed.plan.refresh_from_db()
    assert (event.grade, event.holds_plan, completed.plan.status) == (1, False, PlanStatus.ACTIVE)
    assert list(event.lots.values_list("lot_number", flat=True)) == ["S1"]
    assert not SafetyAlert.objects.exists()
    audit = AuditEvent.objects.get(object_type="safety.adverseevent", action=AuditAction.CREATE)
    assert (audit.details["type"], audit.details["lots"]) == ("erythema", ["S1"])


@pytest.mark.parametrize(
    ("event_type", "grade"),
    [("scarring", 3), ("headache", 4), ("other_infection", 2), ("allergic_reaction", 2)],
)
def test_grade_3_an_infection_or_an_allergy_holds_the_plan_and_alerts(
    practitioner, manager, reception, completed, next_day, event_type, grade
):
    event = file(practitioner, completed, event_type=event_type, grade=grade)

    completed.plan.refresh_from_db()
    assert event.holds_plan
    assert completed.plan.status == PlanStatus.ON_HOLD
    alerted = set(SafetyAlert.objects.values_list("recipient__username", flat=True))
    assert alerted == {practitioner.username, manager.username}  # not reception


def test_a_held_plan_resumes_only_when_a_clinician_clears_it(
    practitioner, manager, completed, next_day
):
    event = file(practitioner, completed, event_type="abscess", grade=3)

    with pytest.raises(ValidationError, match="An adverse event holds this plan"):
        plan_transition(actor=manager, plan=completed.plan, status=PlanStatus.ACTIVE)
    with pytest.raises(PermissionDenied):
        adverse_event_clear(actor=manager, event=event, note="Looks fine.")  # not a clinician
    with pytest.raises(ValidationError, match="Say why"):
        adverse_event_clear(actor=practitioner, event=event, note=" ")

    cleared = adverse_event_clear(actor=practitioner, event=event, note="Drained; healed.")

    completed.plan.refresh_from_db()
    assert completed.plan.status == PlanStatus.ACTIVE
    assert (cleared.cleared_by, cleared.clearance_note) == (practitioner, "Drained; healed.")
    assert AuditEvent.objects.filter(
        object_type="safety.adverseevent", object_id=event.pk, action=AuditAction.UPDATE
    ).exists()


def test_a_plan_held_by_two_events_waits_for_both(practitioner, completed, next_day):
    first = file(practitioner, completed, event_type="abscess", grade=3)
    file(practitioner, completed, event_type="allergic_reaction", grade=2)

    adverse_event_clear(actor=practitioner, event=first, note="Healed.")

    completed.plan.refresh_from_db()
    assert completed.plan.status == PlanStatus.ON_HOLD


def test_a_patient_reports_from_the_portal_and_a_serious_one_holds_the_plan(
    practitioner, completed, next_day
):
    user = make_user(Role.PATIENT, [], username="patient-self")
    patient_login_link(actor=practitioner, patient=completed.patient, user=user)
    completed.patient.refresh_from_db()

    event = adverse_event_report(
        actor=user,
        patient=completed.patient,
        plan=completed.plan,
        report=report(event_type="oedema", grade=3, body_site="forehead and eyes"),
        reported_via=ReportedVia.PATIENT,
    )

    completed.plan.refresh_from_db()
    assert (event.reported_by, completed.plan.status) == (user, PlanStatus.ON_HOLD)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"event_type": "sunburn"}, "event_type"),
        ({"event_type": "other"}, "description"),
        ({"grade": 6}, "grade"),
        ({"onset_on": datetime.date(2026, 11, 25)}, "onset_on"),  # tomorrow
        ({"onset_on": datetime.date(2026, 11, 20)}, "onset_on"),  # before the session
        ({"body_site": " "}, "body_site"),
        ({"follow_up_on": datetime.date(2026, 11, 23)}, "follow_up_on"),
    ],
)
def test_a_bad_report_is_refused_by_field_and_nothing_is_written(
    practitioner, completed, next_day, changes, field
):
    with pytest.raises(ValidationError) as refused:
        file(practitioner, completed, **changes)

    assert field in refused.value.message_dict
    assert not AdverseEvent.objects.exists()
    completed.plan.refresh_from_db()
    assert completed.plan.status == PlanStatus.ACTIVE


def test_a_lot_the_patient_never_received_is_refused(practitioner, completed, lots, next_day):
    with pytest.raises(ValidationError, match="received no vial of lot M1"):
        file(practitioner, completed, lots=[lots["M1"]])


def test_reception_neither_reports_nor_follows_up(reception, practitioner, completed, next_day):
    with pytest.raises(PermissionDenied):
        file(reception, completed)
    event = file(practitioner, completed)
    with pytest.raises(PermissionDenied):
        adverse_event_follow_up(
            actor=reception, event=event, outcome="recovered", action_taken="", follow_up_on=None
        )


def test_a_follow_up_call_records_the_outcome(practitioner, completed, next_day):
    event = file(practitioner, completed, follow_up_on=datetime.date(2026, 11, 27))

    updated = adverse_event_follow_up(
        actor=practitioner,
        event=event,
        outcome="recovered",
        action_taken="Ice pack; settled in 2 days.",
        follow_up_on=None,
    )

    assert (updated.outcome, updated.follow_up_on) == ("recovered", None)
    assert AuditEvent.objects.filter(
        object_type="safety.adverseevent", action=AuditAction.UPDATE
    ).exists()


def test_a_serious_event_without_a_plan_still_alerts_the_clinic(
    practitioner, manager, patient_a, next_day
):
    event = adverse_event_report(
        actor=practitioner,
        patient=patient_a,
        report=report(event_type="allergic_reaction", grade=3, onset_on=TUESDAY),
        reported_via=ReportedVia.FOLLOW_UP_CALL,
    )

    assert event.holds_plan is False  # no plan to hold
    assert manager in [alert.recipient for alert in SafetyAlert.objects.filter(event=event)]
