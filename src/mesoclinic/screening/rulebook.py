"""Loading and validating the screening rulebook (rules/rulebook.yaml).

A broken rulebook stops start-up with the file and the rule named, never mid-consultation.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.formulary.catalog import ingredient_catalog

RULEBOOK_FILE = Path(__file__).parent / "rules" / "rulebook.yaml"

DECISIONS = ("contraindicated", "refer", "eligible_with_precautions", "eligible")
INDICATIONS = ("hair_loss", "skin_rejuvenation", "fat_reduction", "cellulite")
MODALITIES = ("cocktail", "prp")
EVIDENCE_LEVELS = ("published", "practice")

# The facts a rule may test, as the screening case names them (patient.age is computed).
FACTS = frozenset(
    {
        "indication",
        "modality",
        "patient.age",
        "patient.sex",
        "patient.pregnant",
        "patient.breastfeeding",
        "patient.may_become_pregnant",
        "patient.conditions",
        "patient.medications",
        "patient.allergies",
        "assessment.diagnoses",
        "assessment.follicles_present",
        "assessment.scalp_infection",
        "assessment.cause_investigated",
        "assessment.platelets_10e9_per_l",
        "assessment.hemoglobin_g_dl",
        "assessment.days_since_nsaid",
        "assessment.days_since_systemic_steroid",
        "formulation.ingredients",
    }
)
FACT_TESTS = frozenset({"is", "in", "lt", "lte", "gt", "gte", "not_empty", "known"})
SET_TESTS = {
    "condition_in": "code_sets",
    "diagnosis_in": "code_sets",
    "medication_in": "substance_sets",
    "ingredient_in": "substance_sets",
}
RULE_KEYS = frozenset(
    {
        "id",
        "title",
        "when",
        "applies",
        "decision",
        "message",
        "patient_message",
        "precaution",
        "alternatives",
        "indications",
        "modalities",
        "source",
        "evidence",
    }
)
RULE_ID = re.compile(r"^[a-z][a-z0-9_]*$")

Predicate = dict[str, Any]


@dataclass(frozen=True)
class Policy:
    """A clinic-configurable choice (a ⚠ item of clinical.md) with its default."""

    name: str
    default: Any
    allowed: tuple[Any, ...]
    source: str


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    when: Predicate
    decision: str | None  # a fixed class, or None when a policy decides
    decision_policy: str | None
    message: str
    patient_message: str
    source: str
    evidence: str
    applies: Predicate | None = None
    precaution: str = ""
    alternatives: tuple[str, ...] = ()
    indications: tuple[str, ...] = INDICATIONS
    modalities: tuple[str, ...] = MODALITIES


@dataclass(frozen=True)
class Rulebook:
    version: str
    rules: tuple[Rule, ...]
    policies: dict[str, Policy]
    code_sets: dict[str, tuple[str, ...]]
    substance_sets: dict[str, frozenset[str]]
    questions: dict[str, dict[str, str]] = field(default_factory=dict)
    alternatives: dict[str, dict[str, str]] = field(default_factory=dict)

    def rule(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)


class RulebookError(ImproperlyConfigured):
    pass


def parse_rulebook(text: str, origin: str) -> Rulebook:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise RulebookError(f"{origin}: not valid YAML: {error}") from None
    if not isinstance(document, dict) or not document.get("version"):
        raise RulebookError(f"{origin}: expected a mapping with a version")
    policies = {
        name: _policy(name, entry, origin)
        for name, entry in (document.get("policies") or {}).items()
    }
    code_sets = {
        name: tuple(str(code) for code in _set_entry(name, entry, "codes", origin))
        for name, entry in (document.get("code_sets") or {}).items()
    }
    substance_sets = {
        name: _substance_set(name, entry, origin)
        for name, entry in (document.get("substance_sets") or {}).items()
    }
    questions = document.get("questions") or {}
    for fact, wording in questions.items():
        if (
            fact not in FACTS
            or not isinstance(wording, dict)
            or set(wording) != {"staff", "patient"}
        ):
            raise RulebookError(
                f"{origin}: question {fact!r} needs a known fact, staff and patient"
            )
    alternatives = document.get("alternatives") or {}
    for name, wording in alternatives.items():
        if not isinstance(wording, dict) or set(wording) != {"staff", "patient"}:
            raise RulebookError(f"{origin}: alternative {name!r} needs staff and patient wording")
    sets: dict[str, dict] = {"code_sets": code_sets, "substance_sets": substance_sets}
    rules: list[Rule] = []
    for position, entry in enumerate(document.get("rules") or [], start=1):
        rule_id = entry.get("id") if isinstance(entry, dict) else None
        where = f"{origin}: rule {rule_id or f'#{position}'}"
        try:
            rules.append(_rule(entry, policies, sets))
        except (ValueError, TypeError, KeyError) as error:
            raise RulebookError(f"{where}: {error}") from None
    if not rules:
        raise RulebookError(f"{origin}: there are no rules")
    for rule in rules:
        unexplained = set(rule.alternatives) - set(alternatives)
        if unexplained:
            raise RulebookError(
                f"{origin}: rule {rule.id}: alternatives without wording: {sorted(unexplained)}"
            )
    duplicates = {rule.id for rule in rules if [r.id for r in rules].count(rule.id) > 1}
    if duplicates:
        raise RulebookError(f"{origin}: rule ids used twice: {sorted(duplicates)}")
    return Rulebook(
        version=str(document["version"]),
        rules=tuple(rules),
        policies=policies,
        code_sets=code_sets,
        substance_sets=substance_sets,
        questions=questions,
        alternatives=alternatives,
    )


def _policy(name: str, entry: Any, origin: str) -> Policy:
    if not isinstance(entry, dict) or not {"default", "allowed", "source"} <= set(entry):
        raise RulebookError(f"{origin}: policy {name} needs default, allowed and source")
    if entry["default"] not in entry["allowed"]:
        raise RulebookError(f"{origin}: policy {name}: default is not among the allowed values")
    return Policy(
        name=name,
        default=entry["default"],
        allowed=tuple(entry["allowed"]),
        source=str(entry["source"]),
    )


def _set_entry(name: str, entry: Any, key: str, origin: str) -> list:
    if not isinstance(entry, dict) or not entry.get(key) or not entry.get("source"):
        raise RulebookError(f"{origin}: set {name} needs {key} and a source")
    return list(entry[key])


def _substance_set(name: str, entry: Any, origin: str) -> frozenset[str]:
    """Names listed in the rulebook, or every catalog ingredient of one class, so a set of
    formulation ingredients (the DHT blockers) is kept in one place: the ingredient catalog."""
    if isinstance(entry, dict) and "ingredient_class" in entry:
        catalog = ingredient_catalog()
        wanted = entry["ingredient_class"]
        if wanted not in catalog.classes or not entry.get("source"):
            raise RulebookError(f"{origin}: set {name} needs a known ingredient_class and a source")
        return frozenset(
            i.name for i in catalog.ingredients.values() if i.ingredient_class == wanted
        )
    return frozenset(str(item).lower() for item in _set_entry(name, entry, "names", origin))


def _rule(entry: dict, policies: dict[str, Policy], sets: dict[str, dict]) -> Rule:
    unknown = set(entry) - RULE_KEYS
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    for key in (
        "id",
        "title",
        "when",
        "decision",
        "message",
        "patient_message",
        "source",
        "evidence",
    ):
        if not entry.get(key):
            raise ValueError(f"'{key}' is missing")
    if not RULE_ID.match(entry["id"]):
        raise ValueError("the id must be snake_case")
    if entry["evidence"] not in EVIDENCE_LEVELS:
        raise ValueError(f"evidence must be one of {EVIDENCE_LEVELS}")
    decision, decision_policy = entry["decision"], None
    if isinstance(decision, dict):
        decision_policy = decision.get("policy")
        if decision_policy not in policies:
            raise ValueError(f"decision names an unknown policy {decision_policy!r}")
        possible = set(policies[decision_policy].allowed)
        decision = None
    elif decision in DECISIONS[:-1]:
        possible = {decision}
    else:
        raise ValueError(f"decision must be one of {DECISIONS[:-1]} or a policy")
    if "eligible_with_precautions" in possible and not entry.get("precaution"):
        raise ValueError("a rule that can end in precautions must name the precaution")
    _check_predicate(entry["when"], policies, sets)
    if entry.get("applies") is not None:
        _check_predicate(entry["applies"], policies, sets)
    indications = tuple(entry.get("indications") or INDICATIONS)
    modalities = tuple(entry.get("modalities") or MODALITIES)
    if not set(indications) <= set(INDICATIONS) or not set(modalities) <= set(MODALITIES):
        raise ValueError("unknown indication or modality")
    return Rule(
        id=entry["id"],
        title=entry["title"],
        when=entry["when"],
        applies=entry.get("applies"),
        decision=decision,
        decision_policy=decision_policy,
        message=entry["message"],
        patient_message=entry["patient_message"],
        precaution=entry.get("precaution", ""),
        alternatives=tuple(entry.get("alternatives") or ()),
        indications=indications,
        modalities=modalities,
        source=entry["source"],
        evidence=entry["evidence"],
    )


def _check_predicate(predicate: Any, policies: dict[str, Policy], sets: dict[str, dict]) -> None:
    if not isinstance(predicate, dict) or not predicate:
        raise ValueError(f"a condition must be a mapping, not {predicate!r}")
    if "all" in predicate or "any" in predicate:
        (key,) = predicate
        for part in predicate[key]:
            _check_predicate(part, policies, sets)
    elif "not" in predicate:
        _check_predicate(predicate["not"], policies, sets)
    elif "fact" in predicate:
        if predicate["fact"] not in FACTS:
            raise ValueError(f"unknown fact {predicate['fact']!r}")
        tests = set(predicate) - {"fact"}
        if len(tests) != 1 or not tests <= FACT_TESTS:
            raise ValueError(f"a fact needs exactly one test of {sorted(FACT_TESTS)}")
        (test,) = tests
        limit = predicate[test]
        if isinstance(limit, dict) and limit.get("policy") not in policies:
            raise ValueError(f"unknown policy in {predicate!r}")
    elif "allergy_to_ingredient" in predicate:
        pass
    else:
        kinds = set(predicate) & set(SET_TESTS)
        if len(kinds) != 1:
            raise ValueError(f"unknown condition {predicate!r}")
        (kind,) = kinds
        if predicate[kind] not in sets[SET_TESTS[kind]]:
            raise ValueError(
                f"unknown {SET_TESTS[kind][:-1].replace('_', ' ')} {predicate[kind]!r}"
            )
        if set(predicate) - {kind, "controlled"}:
            raise ValueError(f"unknown keys in {predicate!r}")


@cache
def rulebook() -> Rulebook:
    return parse_rulebook(RULEBOOK_FILE.read_text(encoding="utf-8"), origin=RULEBOOK_FILE.name)
