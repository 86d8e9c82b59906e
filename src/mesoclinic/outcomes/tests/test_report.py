"""The clinic's outcome report: each plan judged once, counted under its cause, stage,
formulation and protocol; and the thresholds screen that changes the judgement."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.audit.models import AuditEvent
from mesoclinic.outcomes.selectors import ResponseLine, outcome_report
from mesoclinic.outcomes.services import measurement_record
from mesoclinic.scheduling.services import appointment_book
from mesoclinic.scheduling.tests.conftest import at
from mesoclinic.treatments.services import VialEntry, consent_record, session_complete, session_open
from mesoclinic.treatments.tests.conftest import MONDAY, answer_checklist, chart

ANDROGENIC = "L64.9 Androgenic alopecia, unspecified"
TELOGEN = "L65.0 Telogen effluvium"


@pytest.fixture
def treated(practitioner, reception, accepted_plan, rooms, lots, clinic_now):
    """`treated([(examined, baseline density, session density), ...])`: one plan each,
    its session 1 given this Monday morning, with the densities measured (None: not)."""

    def make(cases):
        plans = []
        for hour, (examined, _, _) in enumerate(cases, start=9):
            plan = accepted_plan("weekly_8", examined=examined)
            consent_record(actor=practitioner, plan=plan, signed_by_name=plan.patient.full_name)
            appointment_book(
                actor=reception,
                patient=plan.patient,
                practitioner=practitioner,
                room=rooms[0],
                starts_at=at(MONDAY, f"{hour:02}:00"),
                plan=plan,
            )
            plans.append(plan)
        clinic_now(f"{MONDAY}T12:30")
        for (hour, plan), (_, before, after) in zip(enumerate(plans, start=9), cases, strict=True):
            session = session_open(actor=practitioner, appointment=plan.appointments.get())
            answer_checklist(practitioner, session)
            session = session_complete(
                actor=practitioner,
                session=session,
                chart=chart(
                    started_at=at(MONDAY, f"{hour:02}:05"), ended_at=at(MONDAY, f"{hour:02}:35")
                ),
                vials=[VialEntry(lots["S1"])],
            )
            for visit, value in ((plan.consultation, before), (session, after)):
                if value is not None:
                    measurement_record(
                        actor=practitioner,
                        consultation=visit if visit is plan.consultation else None,
                        session=None if visit is plan.consultation else visit,
                        values={"density_per_cm2": Decimal(value)},
                    )
        return plans

    return make


STAGED = {"diagnoses": ["L64.9"], "norwood_hamilton": "III"}
EFFLUVIUM = {"diagnoses": ["L65.0"]}
MONDAY_AFTER = datetime.date(2026, 11, 30)


def three_plans(treated):
    return treated(
        [
            (STAGED, 150, 168),  # +12 %: responds
            (EFFLUVIUM, 150, 153),  # +2 %: no response
            (STAGED, None, None),  # nothing measured: not judged
        ]
    )


def test_each_plan_counts_once_under_each_of_its_groups(manager, location_a, treated):
    plans = three_plans(treated)

    report = outcome_report(user=manager, location=location_a)

    assert report.overall == ResponseLine("All plans", 3, 1, 1)
    assert report.overall.rate_percent == 50.0
    assert report.by_cause == [ResponseLine(ANDROGENIC, 2, 1, 0), ResponseLine(TELOGEN, 1, 0, 1)]
    assert [line.rate_percent for line in report.by_cause] == [100.0, 0.0]
    assert report.by_stage == [
        ResponseLine("Norwood–Hamilton (men) III", 2, 1, 0),
        ResponseLine("Not staged", 1, 0, 1),
    ]
    assert report.by_protocol == [ResponseLine(plans[0].protocol.name, 3, 1, 1)]
    assert sum(line.plans for line in report.by_formulation) == 3
    assert AuditEvent.objects.filter(
        actor=manager, action="list", details__report="outcomes"
    ).exists()


def test_plans_without_a_session_in_the_period_are_left_out(manager, location_a, treated):
    three_plans(treated)

    report = outcome_report(
        user=manager, location=location_a, since=MONDAY_AFTER, until=MONDAY_AFTER
    )

    assert report.overall == ResponseLine("All plans", 0, 0, 0)
    assert report.overall.rate_percent is None


def test_a_practitioner_and_another_location_s_manager_are_refused(
    practitioner, location_a, location_b, treated
):
    other_manager = make_user(Role.MANAGER, [location_b], username="other-manager")

    for user in (practitioner, other_manager):
        with pytest.raises(PermissionDenied):
            outcome_report(user=user, location=location_a)


def test_the_report_reads_a_fixed_number_of_queries(
    client, manager, treated, django_assert_max_num_queries
):
    three_plans(treated)
    client.force_login(manager)

    with django_assert_max_num_queries(11):
        page = client.get(reverse("outcomes:report"))

    assert page.status_code == 200
    assert "Telogen effluvium" in page.text
    assert "50.0 %" in page.text


def test_a_report_read_again_is_not_worked_out_again_but_each_read_is_audited(
    manager, location_a, treated, django_assert_max_num_queries
):
    three_plans(treated)
    first = outcome_report(user=manager, location=location_a)

    with django_assert_max_num_queries(2):  # the thresholds in force, and the audit row
        again = outcome_report(user=manager, location=location_a)

    assert again.overall == first.overall == ResponseLine("All plans", 3, 1, 1)
    assert again.worked_out_at == first.worked_out_at
    reads = AuditEvent.objects.filter(details__report="outcomes", location_id=location_a.pk)
    assert reads.count() == 2


def test_a_stricter_threshold_set_on_screen_changes_the_verdict(
    client, manager, location_a, treated
):
    three_plans(treated)
    client.force_login(manager)
    assert outcome_report(user=manager, location=location_a).overall.responding == 1

    response = client.post(
        reverse("outcomes:thresholds"),
        {"measure": "density_per_cm2", "kind": "percent", "value": "15"},
    )

    assert response.status_code == 302
    report = outcome_report(user=manager, location=location_a)
    assert report.overall == ResponseLine("All plans", 3, 0, 2)  # +12 % no longer enough
    page = client.get(reverse("outcomes:thresholds"))
    assert "this clinic" in page.text

    client.post(reverse("outcomes:thresholds"), {"measure": "density_per_cm2", "reset": "1"})

    assert outcome_report(user=manager, location=location_a).overall.responding == 1


def test_a_threshold_of_zero_is_refused_beside_the_field(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("outcomes:thresholds"),
        {"measure": "density_per_cm2", "kind": "percent", "value": "0"},
    )

    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to 0.01." in response.text
    assert not manager.clinic_group.response_thresholds.exists()
