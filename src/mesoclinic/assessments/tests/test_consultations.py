import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mesoclinic.assessments.models import Consultation
from mesoclinic.assessments.services import consultation_update
from mesoclinic.assessments.tests.factories import consult
from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.patients.services import patient_update
from mesoclinic.screening.models import ScreeningDecision
from mesoclinic.screening.services import screening_override


def test_a_consultation_is_screened_on_the_patients_record(practitioner, patient_a):
    consultation = consult(practitioner, patient_a)  # hypothyroid (controlled), lidocaine allergy
    screening = consultation.screenings.get()
    assert screening.decision == "eligible_with_precautions"
    assert [r["rule"] for r in screening.result["reasons"]] == ["declared_allergy"]
    assert screening.result["precautions"] == [
        "Exclude lidocaine from the formulation and the anaesthetic."
    ]


def test_a_pregnancy_recorded_later_makes_the_next_screening_contraindicated(
    practitioner, patient_a
):
    consultation = consult(practitioner, patient_a)
    patient_update(actor=practitioner, patient=patient_a, fields={"is_pregnant": True})
    consultation_update(
        actor=practitioner, consultation=consultation, fields={"notes": "pregnancy confirmed"}
    )
    latest = consultation.screenings.first()
    assert latest.decision == "contraindicated"
    assert consultation.screenings.count() == 2


def test_unexamined_findings_are_questions_not_assumptions(practitioner, patient_a):
    consultation = consult(practitioner, patient_a, follicles_present=None)
    screening = consultation.screenings.get()
    assert screening.decision == "refer"
    assert screening.result["missing"] == ["assessment.follicles_present"]


def test_the_clinics_policy_is_applied(practitioner, patient_b, practitioner_b):
    group = patient_b.location.group
    group.screening_policies = {"minimum_age": 21}
    group.save()
    patient_update(
        actor=practitioner_b, patient=patient_b, fields={"birth_date": datetime.date(2006, 1, 1)}
    )
    screening = consult(practitioner_b, patient_b).screenings.get()
    assert screening.decision == "refer"
    assert "under_minimum_age" in [r["rule"] for r in screening.result["reasons"]]


def test_a_clinic_policy_outside_the_rulebook_is_refused(location_a):
    group = location_a.group
    group.screening_policies = {"minimum_age": 12}
    with pytest.raises(ValidationError, match="minimum_age must be one of"):
        group.full_clean()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"diagnoses": ["hair thinning"]}, "diagnoses"),
        ({"basp": "M9"}, "basp"),
        ({"salt_top": Decimal("120")}, "salt_top"),
        ({"terminal_percent": Decimal("70"), "vellus_percent": Decimal("40")}, "vellus_percent"),
        ({"pull_test": [{"site": "frontal", "grasped": 50, "pulled": 60}]}, "pull_test"),
        ({"scalp_map": {"crown": "mild"}}, "scalp_map"),
        ({"triggers": ["moon"]}, "triggers"),
        ({"indication": "tattoo"}, "indication"),
    ],
)
def test_bad_findings_are_refused_by_field_and_nothing_is_written(
    practitioner, patient_a, changes, field
):
    with pytest.raises(ValidationError) as refused:
        consult(practitioner, patient_a, **changes)
    assert field in refused.value.message_dict
    assert Consultation.objects.count() == 0
    assert ScreeningDecision.objects.count() == 0


def test_computed_measures_read_from_the_record(practitioner, patient_a):
    consultation = consult(
        practitioner,
        patient_a,
        salt_top=Decimal(50),
        salt_back=Decimal(25),
        salt_right=Decimal(0),
        salt_left=Decimal(0),
        basp="m2v1",
        pull_test=[
            {"site": "frontal", "grasped": 50, "pulled": 8},
            {"site": "vertex", "grasped": 50, "pulled": 7},
        ],
    )
    consultation.refresh_from_db()
    assert consultation.basp == "M2V1"
    assert (consultation.salt_result.score, consultation.salt_result.band) == (
        Decimal("26.00"),
        "S2",
    )
    assert consultation.pull_test_summary == "diffuse"


def test_reception_may_not_record_a_consultation(reception, patient_a):
    with pytest.raises(PermissionDenied):
        consult(reception, patient_a)
    assert Consultation.objects.count() == 0


def test_an_override_needs_a_justification_and_keeps_the_engines_decision(practitioner, patient_a):
    screening = consult(practitioner, patient_a, follicles_present=None).screenings.get()
    with pytest.raises(ValidationError) as refused:
        screening_override(
            actor=practitioner, screening=screening, decision="eligible", justification="ok"
        )
    assert "justification" in refused.value.message_dict
    reason = "Follicles seen on trichoscopy photo taken last week; exam not repeated."
    overridden = screening_override(
        actor=practitioner,
        screening=screening,
        decision="eligible_with_precautions",
        justification=reason,
    )
    assert (overridden.decision, overridden.effective_decision) == (
        "refer",
        "eligible_with_precautions",
    )
    event = AuditEvent.objects.get(
        object_type="screening.screeningdecision", action=AuditAction.UPDATE
    )
    assert event.changes == {"effective_decision": ["refer", "eligible_with_precautions"]}
    assert event.details["justification"] == reason


def test_a_manager_cannot_override(manager, practitioner, patient_a):
    screening = consult(practitioner, patient_a).screenings.get()
    with pytest.raises(PermissionDenied):
        screening_override(
            actor=manager,
            screening=screening,
            decision="eligible",
            justification="Because I say so, as the clinic manager.",
        )
    screening.refresh_from_db()
    assert not screening.is_overridden


def test_the_database_refuses_an_unjustified_override(practitioner, patient_a):
    from django.db import IntegrityError, transaction

    screening = consult(practitioner, patient_a).screenings.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningDecision.objects.filter(pk=screening.pk).update(override_decision="eligible")
