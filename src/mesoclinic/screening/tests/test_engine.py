import pytest

from mesoclinic.screening.case import parse_case
from mesoclinic.screening.engine import screen
from mesoclinic.screening.tests.vignettes import MAN, MISSING, PRP, as_json, vignette

CI, REFER, PRECAUTIONS, ELIGIBLE = (
    "contraindicated",
    "refer",
    "eligible_with_precautions",
    "eligible",
)

# (name, case, decision, rules that fired or remain open, missing facts)
VIGNETTES = [
    ("clean woman", vignette(), ELIGIBLE, set(), []),
    ("clean man, pregnancy not asked", vignette(MAN), ELIGIBLE, set(), []),
    ("pregnant", vignette({"patient.pregnant": True}), CI, {"pregnancy"}, []),
    ("breastfeeding", vignette({"patient.breastfeeding": True}), CI, {"breastfeeding"}, []),
    (
        "pregnancy not asked of a woman",
        vignette({"patient.pregnant": MISSING}),
        REFER,
        {"pregnancy"},
        ["patient.pregnant"],
    ),
    (
        "dutasteride, woman who may become pregnant",
        vignette(
            {
                "patient.may_become_pregnant": True,
                "formulation.ingredients": ["biotin", "dutasteride"],
            }
        ),
        CI,
        {"dht_blocker_pregnancy_potential"},
        [],
    ),
    (
        "dutasteride, woman who cannot become pregnant",
        vignette({"formulation.ingredients": ["dutasteride"]}),
        ELIGIBLE,
        set(),
        [],
    ),
    (
        "dutasteride, pregnancy potential not asked",
        vignette(
            {"patient.may_become_pregnant": MISSING, "formulation.ingredients": ["dutasteride"]}
        ),
        REFER,
        {"dht_blocker_pregnancy_potential"},
        ["patient.may_become_pregnant"],
    ),
    (
        "finasteride for a man",
        vignette(MAN, {"formulation.ingredients": ["finasteride"]}),
        ELIGIBLE,
        set(),
        [],
    ),
    (
        "active scalp infection",
        vignette({"assessment.scalp_infection": True}),
        CI,
        {"scalp_infection"},
        [],
    ),
    (
        "tinea capitis diagnosed",
        vignette({"assessment.diagnoses": ["L64.9", "B35.0"]}),
        CI,
        {"scalp_infection"},
        [],
    ),
    (
        "lidocaine allergy, lidocaine in the cocktail",
        vignette(
            {"patient.allergies": ["lidocaine"], "formulation.ingredients": ["biotin", "lidocaine"]}
        ),
        CI,
        {"allergy_to_ingredient"},
        [],
    ),
    (
        "lidocaine allergy, cocktail without it",
        vignette({"patient.allergies": ["lidocaine"]}),
        ELIGIBLE,
        set(),
        [],
    ),
    (
        "allergy declared, no formulation yet",
        vignette({"patient.allergies": ["lidocaine"], "formulation": MISSING}),
        PRECAUTIONS,
        {"declared_allergy"},
        [],
    ),
    (
        "allergies not asked, formulation planned",
        vignette({"patient.allergies": MISSING}),
        REFER,
        {"allergy_to_ingredient"},
        ["patient.allergies"],
    ),
    (
        "no follicles left",
        vignette({"assessment.follicles_present": False}),
        REFER,
        {"no_follicles"},
        [],
    ),
    (
        "lichen planopilaris",
        vignette({"assessment.diagnoses": ["L66.1"]}),
        REFER,
        {"scarring_alopecia"},
        [],
    ),
    (
        "cause not investigated",
        vignette({"assessment.cause_investigated": False}),
        REFER,
        {"cause_not_investigated"},
        [],
    ),
    (
        "hypothyroidism, investigated",
        vignette({"assessment.diagnoses": ["L65.0", "E03.9"]}),
        ELIGIBLE,
        set(),
        [],
    ),
    (
        "hypothyroidism, not investigated",
        vignette({"assessment.diagnoses": ["E03.9"], "assessment.cause_investigated": False}),
        REFER,
        {"cause_not_investigated", "medical_cause_first"},
        [],
    ),
    (
        "iron deficiency, investigation unknown",
        vignette({"assessment.diagnoses": ["D50.9"], "assessment.cause_investigated": MISSING}),
        REFER,
        {"cause_not_investigated", "medical_cause_first"},
        ["assessment.cause_investigated"],
    ),
    (
        "trichotillomania",
        vignette({"assessment.diagnoses": ["F63.3"]}),
        REFER,
        {"trichotillomania"},
        [],
    ),
    (
        "uncontrolled diabetes",
        vignette({"patient.conditions": [{"code": "E11.9", "controlled": False}]}),
        REFER,
        {"diabetes_uncontrolled"},
        [],
    ),
    (
        "controlled diabetes",
        vignette({"patient.conditions": [{"code": "E10.9", "controlled": True}]}),
        PRECAUTIONS,
        {"diabetes_controlled"},
        [],
    ),
    (
        "diabetes, control not known",
        vignette({"patient.conditions": [{"code": "E11.9"}]}),
        REFER,
        {"diabetes_uncontrolled", "diabetes_controlled"},
        ["patient.conditions[E11.9].controlled"],
    ),
    (
        "warfarin, cocktail",
        vignette({"patient.medications": ["warfarin"]}),
        PRECAUTIONS,
        {"bleeding_risk_cocktail"},
        [],
    ),
    (
        "warfarin written with a capital, cocktail",
        vignette({"patient.medications": ["Warfarin"]}),
        PRECAUTIONS,
        {"bleeding_risk_cocktail"},
        [],
    ),
    (
        "apixaban, PRP",
        vignette(PRP, {"patient.medications": ["apixaban"]}),
        CI,
        {"bleeding_risk_prp"},
        [],
    ),
    (
        "haemophilia, PRP",
        vignette(PRP, {"patient.conditions": [{"code": "D66"}]}),
        CI,
        {"bleeding_risk_prp"},
        [],
    ),
    (
        "methotrexate",
        vignette({"patient.medications": ["methotrexate"]}),
        REFER,
        {"immunosuppression"},
        [],
    ),
    (
        "HIV disease",
        vignette({"patient.conditions": [{"code": "B20"}]}),
        REFER,
        {"immunosuppression"},
        [],
    ),
    (
        "breast cancer",
        vignette({"patient.conditions": [{"code": "C50.9"}]}),
        REFER,
        {"active_cancer"},
        [],
    ),
    (
        "lupus",
        vignette({"patient.conditions": [{"code": "M32.9"}]}),
        PRECAUTIONS,
        {"autoimmune_disease"},
        [],
    ),
    (
        "keloid tendency",
        vignette({"patient.conditions": [{"code": "L91.0"}]}),
        PRECAUTIONS,
        {"keloid_tendency"},
        [],
    ),
    ("aged 17", vignette({"patient.birth_date": "2009-06-01"}), REFER, {"under_minimum_age"}, []),
    ("18 today", vignette({"patient.birth_date": "2008-11-22"}), ELIGIBLE, set(), []),
    (
        "18 tomorrow",
        vignette({"patient.birth_date": "2008-11-23"}),
        REFER,
        {"under_minimum_age"},
        [],
    ),
    ("clean PRP", vignette(PRP), ELIGIBLE, set(), []),
    (
        "PRP, platelets just under the limit",
        vignette(PRP, {"assessment.platelets_10e9_per_l": 99.9}),
        CI,
        {"prp_low_platelets"},
        [],
    ),
    (
        "PRP, platelets exactly at the limit",
        vignette(PRP, {"assessment.platelets_10e9_per_l": 100}),
        ELIGIBLE,
        set(),
        [],
    ),
    (
        "PRP, haemoglobin 9.9",
        vignette(PRP, {"assessment.hemoglobin_g_dl": 9.9}),
        CI,
        {"prp_low_hemoglobin"},
        [],
    ),
    (
        "PRP, haemoglobin exactly 10",
        vignette(PRP, {"assessment.hemoglobin_g_dl": 10}),
        ELIGIBLE,
        set(),
        [],
    ),
    (
        "PRP, no blood count yet",
        vignette(
            PRP, {"assessment.platelets_10e9_per_l": MISSING, "assessment.hemoglobin_g_dl": MISSING}
        ),
        REFER,
        {"prp_low_platelets", "prp_low_hemoglobin"},
        ["assessment.hemoglobin_g_dl", "assessment.platelets_10e9_per_l"],
    ),
    (
        "PRP, septicaemia",
        vignette(PRP, {"patient.conditions": [{"code": "A41.9"}]}),
        CI,
        {"prp_septicaemia"},
        [],
    ),
    (
        "PRP, immune thrombocytopenia",
        vignette(PRP, {"patient.conditions": [{"code": "D69.3"}]}),
        CI,
        {"prp_platelet_disorder", "bleeding_risk_prp"},
        [],
    ),
    (
        "PRP, ibuprofen yesterday",
        vignette(PRP, {"assessment.days_since_nsaid": 1}),
        PRECAUTIONS,
        {"prp_recent_nsaid"},
        [],
    ),
    (
        "PRP, ibuprofen 48 hours ago",
        vignette(PRP, {"assessment.days_since_nsaid": 2}),
        ELIGIBLE,
        set(),
        [],
    ),
    (
        "PRP, steroid 13 days ago",
        vignette(PRP, {"assessment.days_since_systemic_steroid": 13}),
        PRECAUTIONS,
        {"prp_recent_systemic_steroid"},
        [],
    ),
    (
        "PRP, steroid 14 days ago",
        vignette(PRP, {"assessment.days_since_systemic_steroid": 14}),
        ELIGIBLE,
        set(),
        [],
    ),
    (
        "cocktail ignores PRP blood values",
        vignette({"assessment.platelets_10e9_per_l": 40}),
        ELIGIBLE,
        set(),
        [],
    ),
    (
        "pregnant, PRP and a lidocaine allergy",
        vignette(
            PRP,
            {
                "patient.pregnant": True,
                "patient.allergies": ["lidocaine"],
                "formulation.ingredients": ["autologous prp", "lidocaine"],
            },
        ),
        CI,
        {"pregnancy", "allergy_to_ingredient"},
        [],
    ),
    (
        "worst decision wins: precautions, refer and contraindicated together",
        vignette(
            {
                "patient.medications": ["warfarin"],
                "assessment.cause_investigated": False,
                "assessment.scalp_infection": True,
            }
        ),
        CI,
        {"bleeding_risk_cocktail", "cause_not_investigated", "scalp_infection"},
        [],
    ),
    (
        "skin rejuvenation asks nothing about hair",
        vignette({"indication": "skin_rejuvenation", "assessment": MISSING}),
        ELIGIBLE,
        set(),
        [],
    ),
    (
        "cellulite while pregnant",
        vignette({"indication": "cellulite", "patient.pregnant": True}),
        CI,
        {"pregnancy"},
        [],
    ),
    (
        "only the required facts",
        {
            "indication": "fat_reduction",
            "patient": {"birth_date": "1985-01-01", "sex": "male"},
            "on_date": "2026-11-22",
        },
        REFER,
        {
            "declared_allergy",
            "diabetes_uncontrolled",
            "diabetes_controlled",
            "bleeding_risk_cocktail",
            "immunosuppression",
            "active_cancer",
            "autoimmune_disease",
            "keloid_tendency",
        },
        ["patient.allergies", "patient.conditions", "patient.medications"],
    ),
]


@pytest.mark.parametrize(
    ("case", "decision", "rules", "missing"),
    [
        pytest.param(case, decision, rules, missing, id=name)
        for name, case, decision, rules, missing in VIGNETTES
    ],
)
def test_vignette(case, decision, rules, missing):
    result = screen(parse_case(as_json(case)))
    assert result.decision == decision
    assert {reason.rule for reason in result.reasons} == rules
    assert result.missing == missing


def test_there_are_at_least_forty_vignettes_and_every_rule_fires_in_one():
    from mesoclinic.screening.rulebook import rulebook

    assert len(VIGNETTES) >= 40
    fired = set()
    for _name, case, *_ in VIGNETTES:
        fired |= {
            r.rule for r in screen(parse_case(as_json(case))).reasons if not r.is_open_question
        }
    assert fired == {rule.id for rule in rulebook().rules}


def test_every_reason_has_a_message_and_a_source():
    case = vignette(PRP, {"patient.pregnant": True, "patient.medications": ["warfarin"]})
    for reason in screen(parse_case(as_json(case))).reasons:
        assert reason.message
        assert reason.patient_message
        assert reason.source


def test_messages_name_what_fired():
    case = vignette(
        {
            "patient.may_become_pregnant": True,
            "patient.allergies": ["lidocaine"],
            "formulation.ingredients": ["dutasteride", "lidocaine"],
        }
    )
    messages = {r.rule: r.message for r in screen(parse_case(as_json(case))).reasons}
    assert messages["dht_blocker_pregnancy_potential"].startswith("dutasteride (a DHT blocker)")
    assert messages["allergy_to_ingredient"].startswith("Allergy to lidocaine, which is in")


def test_an_open_question_is_phrased_as_the_question_to_ask():
    result = screen(parse_case(as_json(vignette({"patient.pregnant": MISSING}))))
    (reason,) = result.reasons
    assert reason.is_open_question
    assert reason.message == (
        "Not yet known, needed to rule out pregnancy: Is the patient pregnant?"
    )
    assert reason.patient_message == "We need to know more first: Are you pregnant?"


def test_precautions_and_alternatives_are_collected():
    case = vignette({"patient.medications": ["warfarin"], "assessment.follicles_present": False})
    result = screen(parse_case(as_json(case)))
    assert result.precautions == [
        "Bleeding risk: fewer points, firm pressure after each injection, warn about bruising."
    ]
    assert result.alternatives == ["hair_transplant_consultation", "dermatology_referral"]


@pytest.mark.parametrize(
    ("policies", "case_changes", "decision"),
    [
        ({"minimum_age": 16}, {"patient.birth_date": "2009-06-01"}, ELIGIBLE),
        ({"minimum_age": 21}, {"patient.birth_date": "2006-01-01"}, REFER),
        (
            {"diabetes_uncontrolled": CI},
            {"patient.conditions": [{"code": "E11.9", "controlled": False}]},
            CI,
        ),
        (
            {"diabetes_controlled": REFER},
            {"patient.conditions": [{"code": "E11.9", "controlled": True}]},
            REFER,
        ),
        ({"keloid_tendency": CI}, {"patient.conditions": [{"code": "L91.0"}]}, CI),
    ],
)
def test_a_clinic_policy_changes_the_configurable_decisions(policies, case_changes, decision):
    result = screen(parse_case(as_json(vignette(case_changes))), policies=policies)
    assert result.decision == decision


@pytest.mark.parametrize(
    ("policies", "message"),
    [
        ({"minimum_age": 12}, "minimum_age must be one of"),
        ({"diabetes_controlled": ELIGIBLE}, "diabetes_controlled must be one of"),
        ({"pregnancy": ELIGIBLE}, "unknown screening policy 'pregnancy'"),
    ],
)
def test_a_policy_outside_the_allowed_values_is_refused(policies, message):
    with pytest.raises(ValueError, match=message):
        screen(parse_case(as_json(vignette())), policies=policies)


def test_the_contract_output_has_exactly_the_documented_keys():
    output = screen(parse_case(as_json(vignette({"patient.pregnant": True})))).as_contract()
    assert list(output) == [
        "decision",
        "reasons",
        "precautions",
        "missing",
        "alternatives",
        "rulebook_version",
    ]
    assert output["reasons"][0] == {
        "rule": "pregnancy",
        "decision": "contraindicated",
        "message": "Pregnancy: mesotherapy is not given during pregnancy.",
        "source": "clinical.md §5: clinic seeds; professional consensus",
    }
