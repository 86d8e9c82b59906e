"""Measurements per visit, the response review and the clinic's thresholds."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.outcomes.models import Measurement, ResponseReview
from mesoclinic.outcomes.selectors import plan_outcomes
from mesoclinic.outcomes.services import (
    measurement_record,
    response_review_record,
    response_threshold_set,
)
from mesoclinic.plans.models import PlanStatus

D = Decimal


@pytest.fixture
def measured(practitioner, completed):
    """Baseline density 150 at the consultation; 156 and pull test 3 at session 1."""
    measurement_record(
        actor=practitioner,
        consultation=completed.plan.consultation,
        values={"density_per_cm2": D("150"), "pull_test_count": D("4")},
    )
    measurement_record(
        actor=practitioner,
        session=completed,
        values={"density_per_cm2": D("156"), "pull_test_count": D("3")},
    )
    return completed


def test_the_plan_shows_each_visit_and_the_change_from_baseline(practitioner, measured):
    outcomes = plan_outcomes(user=practitioner, plan=measured.plan)

    assert [(row.number, row.values.get("density_per_cm2")) for row in outcomes.rows] == [
        (0, D("150")),
        (1, D("156")),
    ]
    density = outcomes.response.changes[0]
    assert (density.percent, density.has_responded) == (D("4.0"), False)
    assert outcomes.response.is_responding is False  # −25 % pulled is short of −30 % too
    assert AuditEvent.objects.filter(
        object_type="outcomes.measurement", action=AuditAction.READ
    ).exists()


def test_a_value_given_again_for_the_visit_replaces_it_audited(practitioner, measured):
    measurement_record(actor=practitioner, session=measured, values={"density_per_cm2": D("170")})

    assert Measurement.objects.get(session=measured, measure="density_per_cm2").value == D("170")
    assert AuditEvent.objects.filter(
        object_type="outcomes.measurement", action=AuditAction.UPDATE
    ).exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"density_per_cm2": D("900")}, "density_per_cm2"),
        ({"height": D("1")}, "height"),
        ({}, "values"),
    ],
)
def test_an_impossible_value_is_refused_and_nothing_is_written(
    practitioner, completed, values, field
):
    with pytest.raises(ValidationError) as refused:
        measurement_record(actor=practitioner, session=completed, values=values)

    assert field in refused.value.message_dict
    assert not Measurement.objects.exists()


def test_reception_records_no_measure(reception, completed):
    with pytest.raises(PermissionDenied):
        measurement_record(actor=reception, session=completed, values={"satisfaction": D("8")})


def test_stopping_at_the_review_stops_the_plan_with_the_reason(practitioner, measured):
    review = response_review_record(
        actor=practitioner, plan=measured.plan, decision="stop", note="No gain after 6."
    )

    measured.plan.refresh_from_db()
    assert measured.plan.status == PlanStatus.STOPPED
    assert (review.is_responding, review.sessions_done) == (False, 1)
    assert review.changes[0] == {
        "measure": "density_per_cm2",
        "baseline": "150.00",
        "latest": "156.00",
        "percent": "4.0",
        "has_responded": False,
    }


def test_adjusting_needs_a_note(practitioner, measured):
    with pytest.raises(ValidationError, match="Say what changes"):
        response_review_record(actor=practitioner, plan=measured.plan, decision="adjust")
    assert not ResponseReview.objects.exists()


def test_a_clinic_lowers_its_density_threshold_and_the_flag_follows(
    manager, practitioner, measured
):
    response_threshold_set(
        actor=manager,
        group=manager.clinic_group,
        measure_id="density_per_cm2",
        kind="percent",
        value=D("3"),
    )

    outcomes = plan_outcomes(user=practitioner, plan=measured.plan)

    assert outcomes.response.is_responding is True
    with pytest.raises(PermissionDenied):
        response_threshold_set(
            actor=practitioner,
            group=manager.clinic_group,
            measure_id="density_per_cm2",
            kind="percent",
            value=D("1"),
        )
