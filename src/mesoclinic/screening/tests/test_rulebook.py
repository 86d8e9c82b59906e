import pytest
import yaml

from mesoclinic.screening.rulebook import RULEBOOK_FILE, RulebookError, parse_rulebook, rulebook


def test_every_shipped_rule_has_a_source_an_evidence_level_and_both_messages():
    book = rulebook()
    assert book.version
    for rule in book.rules:
        assert rule.source
        assert rule.evidence in {"published", "practice"}
        assert rule.message
        assert rule.patient_message


def test_the_configurable_items_of_clinical_md_are_policies_with_sources():
    policies = rulebook().policies
    assert {"minimum_age", "diabetes_uncontrolled", "diabetes_controlled"} <= set(policies)
    assert policies["minimum_age"].default == 18
    assert all(policy.source for policy in policies.values())


def broken(change) -> str:
    document = yaml.safe_load(RULEBOOK_FILE.read_text(encoding="utf-8"))
    change(document)
    return yaml.safe_dump(document, allow_unicode=True)


def first_rule(document) -> dict:
    return document["rules"][0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: first_rule(d).pop("source"), "rule pregnancy: 'source' is missing"),
        (lambda d: first_rule(d).update(evidence="anecdote"), "rule pregnancy: evidence must be"),
        (lambda d: first_rule(d).update(decision="maybe"), "rule pregnancy: decision must be"),
        (
            lambda d: first_rule(d).update(when={"fact": "patient.mood", "is": True}),
            "rule pregnancy: unknown fact 'patient.mood'",
        ),
        (
            lambda d: first_rule(d).update(when={"condition_in": "dragons"}),
            "rule pregnancy: unknown code set 'dragons'",
        ),
        (
            lambda d: first_rule(d).update(decision={"policy": "vibes"}),
            "rule pregnancy: decision names an unknown policy 'vibes'",
        ),
        (
            lambda d: first_rule(d).update(decision="eligible_with_precautions"),
            "rule pregnancy: a rule that can end in precautions must name the precaution",
        ),
        (lambda d: first_rule(d).update(colour="red"), "rule pregnancy: unknown keys ['colour']"),
        (lambda d: d["rules"].append(dict(first_rule(d))), "rule ids used twice: ['pregnancy']"),
        (
            lambda d: d["substance_sets"]["dht_blockers"].update(ingredient_class="potions"),
            "set dht_blockers needs a known ingredient_class and a source",
        ),
        (
            lambda d: d["policies"]["minimum_age"].update(default=12),
            "policy minimum_age: default is not among the allowed values",
        ),
    ],
)
def test_a_broken_rulebook_names_the_file_and_the_rule(change, message):
    with pytest.raises(RulebookError) as refused:
        parse_rulebook(broken(change), origin="rulebook.yaml")
    assert str(refused.value).startswith("rulebook.yaml: ")
    assert message in str(refused.value)


def test_the_dht_blocker_set_is_every_dht_blocker_of_the_ingredient_catalog():
    assert rulebook().substance_sets["dht_blockers"] == {"finasteride", "dutasteride"}
