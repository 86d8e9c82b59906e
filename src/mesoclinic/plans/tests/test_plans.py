import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mesoclinic.assessments.tests.factories import consult
from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.services import formulation_prescribe, formulation_stop
from mesoclinic.formulary.tests.factories import composition
from mesoclinic.patients.tests.factories import register_patient
from mesoclinic.plans.models import PlanStatus, Protocol
from mesoclinic.plans.services import (
    plan_create,
    plan_transition,
    protocol_defaults_install,
    protocol_update,
)
from mesoclinic.screening.services import screening_override


@pytest.fixture
def protocols(location_a):
    protocol_defaults_install(group=location_a.group)
    return {p.code: p for p in Protocol.objects.filter(clinic_group=location_a.group)}


@pytest.fixture
def patient(practitioner, location_a):
    return register_patient(actor=practitioner, location=location_a, given_name="Kerem")


def prescribed(practitioner, patient, **consultation_changes):
    consult(practitioner, patient, **consultation_changes)
    return formulation_prescribe(actor=practitioner, patient=patient, composition=composition())


def test_installing_the_shipped_protocols_twice_adds_them_once(location_a, protocols):
    assert protocol_defaults_install(group=location_a.group) == []
    assert protocols["moftah_2013_dutasteride"].session_count == 12
    assert "Moftah 2013" in protocols["moftah_2013_dutasteride"].source


def test_a_plan_is_drafted_accepted_and_started(practitioner, patient, protocols):
    formulation = prescribed(practitioner, patient)

    plan = plan_create(
        actor=practitioner,
        patient=patient,
        protocol=protocols["weekly_8"],
        formulation=formulation,
        target_zones=["vertex", "frontal"],
        preferred_weekdays=[1, 3],
    )
    plan_transition(actor=practitioner, plan=plan, status=PlanStatus.ACCEPTED)
    plan = plan_transition(actor=practitioner, plan=plan, status=PlanStatus.ACTIVE)

    assert plan.status == PlanStatus.ACTIVE
    assert plan.session_count == 8
    assert plan.screening == formulation.consultation.screenings.first()
    changes = list(
        AuditEvent.objects.filter(object_type="plans.treatmentplan")
        .order_by("id")
        .values_list("changes", flat=True)
    )
    assert [change["status"] for change in changes] == [
        [None, "draft"],
        ["draft", "accepted"],
        ["accepted", "active"],
    ]


def test_a_plan_keeps_its_phases_when_the_protocol_is_edited_later(
    practitioner, manager, patient, protocols
):
    plan = plan_create(
        actor=practitioner,
        patient=patient,
        protocol=protocols["weekly_8"],
        formulation=prescribed(practitioner, patient),
    )

    protocol_update(
        actor=manager,
        protocol=protocols["weekly_8"],
        fields={"phases": [{"sessions": 6, "interval_days_min": 5, "interval_days_max": 10}]},
    )

    plan.refresh_from_db()
    assert plan.session_count == 8
    assert Protocol.objects.get(code="weekly_8").session_count == 6


def test_a_plan_on_a_referral_waits_for_a_justified_override(practitioner, patient, protocols):
    formulation = prescribed(practitioner, patient, cause_investigated=False)
    screening = formulation.consultation.screenings.first()
    assert screening.decision == "refer"
    plan = plan_create(
        actor=practitioner, patient=patient, protocol=protocols["weekly_8"], formulation=formulation
    )

    with pytest.raises(ValidationError, match="Refer first"):
        plan_transition(actor=practitioner, plan=plan, status=PlanStatus.ACCEPTED)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT

    screening_override(
        actor=practitioner,
        screening=screening,
        decision="eligible_with_precautions",
        justification="Thyroid and ferritin normal last month, letter on file.",
    )
    plan = plan_transition(actor=practitioner, plan=plan, status=PlanStatus.ACCEPTED)
    assert plan.status == PlanStatus.ACCEPTED


@pytest.mark.parametrize(
    ("path", "refused", "message"),
    [
        ([], PlanStatus.ACTIVE, "cannot become active"),
        ([PlanStatus.STOPPED], PlanStatus.ACCEPTED, "cannot become accepted"),
        ([PlanStatus.ACCEPTED, PlanStatus.ACTIVE], PlanStatus.DRAFT, "cannot become draft"),
        ([], "paused", "Unknown status"),
    ],
)
def test_only_allowed_transitions_happen(practitioner, patient, protocols, path, refused, message):
    plan = plan_create(
        actor=practitioner,
        patient=patient,
        protocol=protocols["weekly_8"],
        formulation=prescribed(practitioner, patient),
    )
    for status in path:
        plan = plan_transition(actor=practitioner, plan=plan, status=status, reason="as planned")

    with pytest.raises(ValidationError, match=message):
        plan_transition(actor=practitioner, plan=plan, status=refused, reason="try")
    plan.refresh_from_db()
    assert plan.status == (path[-1] if path else PlanStatus.DRAFT)


def test_holding_or_stopping_needs_a_reason_and_a_stopped_formulation_blocks_starting(
    practitioner, patient, protocols
):
    formulation = prescribed(practitioner, patient)
    plan = plan_create(
        actor=practitioner, patient=patient, protocol=protocols["weekly_8"], formulation=formulation
    )
    plan = plan_transition(actor=practitioner, plan=plan, status=PlanStatus.ACCEPTED)
    formulation_stop(actor=practitioner, formulation=formulation, reason="Itching after patch test")

    with pytest.raises(ValidationError, match="formulation was stopped"):
        plan_transition(actor=practitioner, plan=plan, status=PlanStatus.ACTIVE)
    with pytest.raises(ValidationError, match="Say why"):
        plan_transition(actor=practitioner, plan=plan, status=PlanStatus.STOPPED)


def test_the_formulation_must_suit_the_protocol(practitioner, patient, protocols):
    formulation = prescribed(practitioner, patient)

    with pytest.raises(ValidationError) as refused:
        plan_create(
            actor=practitioner,
            patient=patient,
            protocol=protocols["prp_monthly_3"],
            formulation=formulation,
            target_zones=["eyebrows"],
        )

    assert "the protocol is for Hair loss (PRP" in refused.value.message_dict["formulation"][0]


def test_reception_and_other_locations_may_not_plan(
    reception, practitioner, practitioner_b, patient, protocols
):
    formulation = prescribed(practitioner, patient)
    for outsider in (reception, practitioner_b):
        with pytest.raises(PermissionDenied):
            plan_create(
                actor=outsider,
                patient=patient,
                protocol=protocols["weekly_8"],
                formulation=formulation,
            )


def test_a_practitioner_may_not_edit_protocols(practitioner, protocols):
    with pytest.raises(PermissionDenied):
        protocol_update(actor=practitioner, protocol=protocols["weekly_8"], fields={"name": "x"})


def test_a_bad_protocol_edit_is_refused_and_nothing_changes(manager, protocols):
    with pytest.raises(ValidationError) as refused:
        protocol_update(
            actor=manager,
            protocol=protocols["weekly_8"],
            fields={"phases": [{"sessions": 3, "interval_days_min": 9, "interval_days_max": 2}]},
        )
    assert "interval_days_min" in refused.value.message_dict["phases"][0]
    assert Protocol.objects.get(code="weekly_8").session_count == 8
