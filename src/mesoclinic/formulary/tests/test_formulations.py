import re
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError

from mesoclinic.assessments.tests.factories import consult
from mesoclinic.audit.models import AuditEvent
from mesoclinic.formulary.catalog import parse_catalog
from mesoclinic.formulary.composition import blocking_reasons
from mesoclinic.formulary.models import Formulation
from mesoclinic.formulary.selectors import formulation_check, formulations_for_patient
from mesoclinic.formulary.services import (
    formulation_prescribe,
    formulation_stop,
    formulation_template_create,
)
from mesoclinic.formulary.tests.factories import VITAMINS, composition
from mesoclinic.patients.services import patient_update
from mesoclinic.screening.models import ScreeningDecision


def test_a_manager_keeps_template_cocktails(manager):
    template = formulation_template_create(
        actor=manager,
        composition=composition(
            ("dutasteride", Decimal("0.01")), *VITAMINS, name="Dutasteride 0.01% cocktail"
        ),
    )

    assert template.is_template
    assert [str(part) for part in template.ingredients.all()] == [
        "biotin 0.1%",
        "dexpanthenol 2%",
        "dutasteride 0.01%",
    ]
    assert AuditEvent.objects.filter(
        object_type="formulary.formulation", object_id=str(template.pk), action="create"
    ).exists()


@pytest.mark.parametrize(
    ("ingredients", "changes", "field", "message"),
    [
        (
            (("unicorn dust", None),),
            {},
            "ingredients.0.ingredient",
            "not in the ingredient catalog",
        ),
        (
            (("dutasteride", Decimal("0.5")),),
            {},
            "ingredients.0.concentration_percent",
            "dutasteride is used at 0.005–0.05%",
        ),
        ((("biotin", None), (" Biotin ", None)), {}, "ingredients", "biotin is listed twice"),
        ((("", None),), {}, "ingredients", "one ingredient at least"),
        (VITAMINS, {"volume": Decimal("0")}, "volume_ml_per_session", "greater than or equal"),
        (VITAMINS, {"volume": Decimal("25")}, "volume_ml_per_session", "less than or equal"),
        (VITAMINS, {"indication": "tattoo"}, "indication", "not a valid choice"),
    ],
)
def test_a_bad_template_is_refused_with_the_field_and_nothing_is_written(
    manager, ingredients, changes, field, message
):
    with pytest.raises(ValidationError) as refused:
        formulation_template_create(actor=manager, composition=composition(*ingredients, **changes))

    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    assert not Formulation.objects.exists()


def test_template_names_are_unique_in_the_clinic_group(manager):
    formulation_template_create(actor=manager, composition=composition())

    with pytest.raises(ValidationError, match="already exists"):
        formulation_template_create(actor=manager, composition=composition())
    assert Formulation.objects.count() == 1


def test_a_practitioner_may_not_edit_the_clinic_templates(practitioner):
    with pytest.raises(PermissionDenied):
        formulation_template_create(actor=practitioner, composition=composition())


def test_a_safe_cocktail_is_checked_and_saved_with_its_result(practitioner, patient_a):
    check, consultation = formulation_check(
        user=practitioner, patient=patient_a, composition=composition()
    )
    assert check.can_save
    assert check.result["rulebook_version"]

    formulation = formulation_prescribe(
        actor=practitioner,
        patient=patient_a,
        composition=composition(),
        checked_decision=check.decision,
    )

    assert formulation.patient == patient_a
    assert formulation.consultation == consultation
    assert formulation.screening_decision == check.decision
    assert formulation.screening_result == check.result
    event = AuditEvent.objects.get(object_type="formulary.formulation", action="create")
    assert event.patient_id == patient_a.pk
    assert event.changes == {"screening_decision": [None, check.decision]}


@pytest.mark.parametrize(
    ("ingredients", "rule"),
    [
        ((*VITAMINS, ("lidocaine", Decimal("1"))), "allergy_to_ingredient"),
        ((("dutasteride", Decimal("0.01")),), "dht_blocker_pregnancy_potential"),
    ],
)
def test_a_formulation_contraindicated_for_the_patient_is_refused(
    practitioner, patient_a, ingredients, rule
):
    check, _ = formulation_check(
        user=practitioner, patient=patient_a, composition=composition(*ingredients)
    )
    assert check.decision == "contraindicated"
    assert [reason.rule for reason in check.blocking] == [rule]

    with pytest.raises(ValidationError, match="contraindicated with this formulation"):
        formulation_prescribe(
            actor=practitioner, patient=patient_a, composition=composition(*ingredients)
        )
    assert not Formulation.objects.exists()


def test_prp_needs_the_blood_values_before_it_can_be_chosen(practitioner, patient_a):
    prp = composition(("autologous prp", None), modality="prp", name="PRP")

    check, _ = formulation_check(user=practitioner, patient=patient_a, composition=prp)
    assert not check.can_save
    assert "assessment.platelets_10e9_per_l" in check.result["missing"]

    consult(
        practitioner,
        patient_a,
        modality="prp",
        platelets_10e9_per_l=Decimal(250),
        hemoglobin_g_dl=Decimal("13.1"),
        days_since_nsaid=10,
        days_since_systemic_steroid=60,
    )
    check, _ = formulation_check(user=practitioner, patient=patient_a, composition=prp)
    assert check.blocking == [], check.result
    formulation_prescribe(actor=practitioner, patient=patient_a, composition=prp)
    assert Formulation.objects.get().modality == "prp"


def test_low_platelets_forbid_prp(practitioner, patient_a):
    consult(practitioner, patient_a, modality="prp", platelets_10e9_per_l=Decimal(80))
    prp = composition(("autologous prp", None), modality="prp", name="PRP")

    check, _ = formulation_check(user=practitioner, patient=patient_a, composition=prp)

    assert "prp_low_platelets" in [reason.rule for reason in check.blocking]


def test_the_check_uses_the_record_as_it_is_now(practitioner, patient_a):
    check, _ = formulation_check(user=practitioner, patient=patient_a, composition=composition())
    patient_update(actor=practitioner, patient=patient_a, fields={"is_pregnant": True})

    with pytest.raises(ValidationError, match="changed since it was shown"):
        formulation_prescribe(
            actor=practitioner,
            patient=patient_a,
            composition=composition(),
            checked_decision=check.decision,
        )
    assert not Formulation.objects.exists()


def test_a_formulation_needs_a_consultation_for_its_indication(practitioner, patient_a):
    with pytest.raises(ValidationError) as refused:
        formulation_check(
            user=practitioner,
            patient=patient_a,
            composition=composition(indication="cellulite"),
        )
    assert "Record a consultation" in refused.value.message_dict["indication"][0]


def test_only_the_patients_clinicians_may_prescribe(reception, practitioner_b, patient_a):
    for outsider in (reception, practitioner_b):
        with pytest.raises(PermissionDenied):
            formulation_prescribe(actor=outsider, patient=patient_a, composition=composition())
    assert not Formulation.objects.exists()
    assert AuditEvent.objects.filter(action="denied", patient_id=patient_a.pk).count() == 2


def test_a_stopped_formulation_stays_on_record_with_the_reason(practitioner, patient_a):
    formulation = formulation_prescribe(
        actor=practitioner, patient=patient_a, composition=composition()
    )

    with pytest.raises(ValidationError):
        formulation_stop(actor=practitioner, formulation=formulation, reason=" ")
    formulation_stop(actor=practitioner, formulation=formulation, reason="Switched to PRP")

    listed = formulations_for_patient(user=practitioner, patient=patient_a)
    assert [(f.pk, f.is_active) for f in listed] == [(formulation.pk, False)]
    event = AuditEvent.objects.get(object_type="formulary.formulation", action="update")
    assert event.changes == {"is_active": [True, False]}
    assert event.details == {"reason": "Switched to PRP"}


def reason(rule, decision):
    return {"rule": rule, "decision": decision, "message": f"{rule} fired"}


def screening(reasons, *, override=""):
    return ScreeningDecision(
        decision="contraindicated",
        result={"reasons": reasons},
        override_decision=override,
        override_justification="x" * 20 if override else "",
    )


@pytest.mark.parametrize(
    ("earlier", "now", "blocked"),
    [
        (None, [reason("allergy_to_ingredient", "contraindicated")], ["allergy_to_ingredient"]),
        (
            screening(
                [reason("diabetes", "contraindicated")], override="eligible_with_precautions"
            ),
            [reason("diabetes", "contraindicated")],
            [],
        ),
        (
            screening([reason("diabetes", "contraindicated")]),
            [reason("diabetes", "contraindicated")],
            ["diabetes"],
        ),
        (
            screening([reason("diabetes", "contraindicated")], override="eligible"),
            [reason("allergy_to_ingredient", "contraindicated")],
            ["allergy_to_ingredient"],
        ),
        (
            screening([reason("cause_not_investigated", "refer")]),
            [reason("cause_not_investigated", "refer")],
            [],
        ),
        (screening([]), [reason("prp_low_platelets", "refer")], ["prp_low_platelets"]),
        (None, [reason("keloid", "eligible_with_precautions")], []),
    ],
)
def test_which_reasons_block_a_formulation(earlier, now, blocked):
    result = {"reasons": now}

    assert [r.rule for r in blocking_reasons(result, earlier)] == blocked


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("percent_range: [0.5]", "percent_range must be [low, high]"),
        ("percent_range: [2, 1]", "0 < low <= high <= 100"),
        ("percent_range: [0, 1]", "0 < low <= high <= 100"),
    ],
)
def test_a_bad_concentration_range_in_the_catalog_is_refused_at_start(entry, message):
    text = f"""
version: "1"
classes: {{minoxidil: Minoxidil}}
ingredients:
  - {{name: minoxidil, class: minoxidil, source: "a source", {entry}}}
"""
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        parse_catalog(text, origin="ingredients.yaml")
