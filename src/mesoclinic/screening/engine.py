"""The screening engine: a case and the rulebook in, a decision with every reason out.

Pure Python, no database. Each rule's condition is evaluated in three-valued logic: true,
false, or unknown because a fact it needs is missing. A true condition fires the rule. An
unknown one is never taken as safe: the rule is reported as an open question, at the
rule's own severity but no higher than `refer` (a question to answer, not a verdict), and
the missing facts are listed.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mesoclinic.screening.case import ScreeningCase
from mesoclinic.screening.rulebook import DECISIONS, Predicate, Rule, Rulebook, rulebook

SEVERITY = {decision: rank for rank, decision in enumerate(reversed(DECISIONS))}
UNANSWERED_CEILING = "refer"


@dataclass(frozen=True)
class Truth:
    """A three-valued result: value None means unknown, with the facts that were missing."""

    value: bool | None
    missing: frozenset[str] = frozenset()
    matches: tuple[str, ...] = ()


TRUE, FALSE = Truth(True), Truth(False)


@dataclass(frozen=True)
class Reason:
    rule: str
    title: str
    decision: str
    message: str
    patient_message: str
    source: str
    evidence: str
    is_open_question: bool = False


@dataclass(frozen=True)
class ScreeningResult:
    decision: str
    reasons: list[Reason]
    precautions: list[str]
    missing: list[str]
    alternatives: list[str]
    rulebook_version: str
    policies: dict[str, Any] = field(default_factory=dict)

    def as_contract(self) -> dict[str, Any]:
        """The JSON shape of the screening contract (product.md)."""
        return {
            "decision": self.decision,
            "reasons": [
                {"rule": r.rule, "decision": r.decision, "message": r.message, "source": r.source}
                for r in self.reasons
            ],
            "precautions": self.precautions,
            "missing": self.missing,
            "alternatives": self.alternatives,
            "rulebook_version": self.rulebook_version,
        }


def screen(
    case: ScreeningCase,
    *,
    policies: Mapping[str, Any] | None = None,
    book: Rulebook | None = None,
) -> ScreeningResult:
    """Evaluate every rule for the case; the decision is the most severe of those that fired."""
    book = book or rulebook()
    chosen = resolve_policies(book, policies or {})
    facts = case_facts(case)
    reasons: list[Reason] = []
    precautions: list[str] = []
    missing: set[str] = set()
    alternatives: list[str] = []
    for rule in book.rules:
        if case.indication not in rule.indications or case.modality not in rule.modalities:
            continue
        applicable = TRUE if rule.applies is None else evaluate(rule.applies, facts, book, chosen)
        if applicable.value is not True:
            continue
        truth = evaluate(rule.when, facts, book, chosen)
        if truth.value is False:
            continue
        decision = str(chosen[rule.decision_policy] if rule.decision_policy else rule.decision)
        # What the message names: the facts that fired it, else what made it apply (an ingredient).
        words = {
            "matches": ", ".join(truth.matches or applicable.matches),
            **{f"policy_{name}": value for name, value in chosen.items()},
        }
        if truth.value is None:
            missing |= truth.missing
            reasons.append(_open_question(rule, decision, truth, book))
            continue
        reasons.append(
            Reason(
                rule=rule.id,
                title=rule.title,
                decision=decision,
                message=rule.message.format(**words),
                patient_message=rule.patient_message.format(**words),
                source=rule.source,
                evidence=rule.evidence,
            )
        )
        if rule.precaution:
            precautions.append(rule.precaution.format(**words))
        alternatives.extend(a for a in rule.alternatives if a not in alternatives)
    decision = max(
        (reason.decision for reason in reasons), key=SEVERITY.__getitem__, default="eligible"
    )
    return ScreeningResult(
        decision=decision,
        reasons=reasons,
        precautions=precautions,
        missing=sorted(missing),
        alternatives=alternatives,
        rulebook_version=book.version,
        policies=chosen,
    )


def resolve_policies(book: Rulebook, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The clinic's choices over the rulebook defaults; an unknown or disallowed one is refused."""
    chosen = {name: policy.default for name, policy in book.policies.items()}
    for name, value in overrides.items():
        if name not in book.policies:
            raise ValueError(f"unknown screening policy {name!r}")
        if value not in book.policies[name].allowed:
            raise ValueError(f"{name} must be one of {list(book.policies[name].allowed)}")
        chosen[name] = value
    return chosen


def question_for(fact: str, book: Rulebook, audience: str = "staff") -> str:
    if fact in book.questions:
        return book.questions[fact][audience]
    if fact.startswith("patient.conditions[") and fact.endswith("].controlled"):
        code = fact.removeprefix("patient.conditions[").removesuffix("].controlled")
        return f"Is {code} under control?" if audience == "staff" else "Is it well controlled?"
    return fact


def _open_question(rule: Rule, decision: str, truth: Truth, book: Rulebook) -> Reason:
    ceiling = min(decision, UNANSWERED_CEILING, key=SEVERITY.__getitem__)
    staff = " ".join(question_for(fact, book) for fact in sorted(truth.missing))
    patient = " ".join(question_for(fact, book, "patient") for fact in sorted(truth.missing))
    return Reason(
        rule=rule.id,
        title=rule.title,
        decision=ceiling,
        message=f"Not yet known, needed to rule out {rule.title.lower()}: {staff}",
        patient_message=f"We need to know more first: {patient}",
        source=rule.source,
        evidence=rule.evidence,
        is_open_question=True,
    )


def case_facts(case: ScreeningCase) -> dict[str, Any]:
    """The case as flat facts by the names the rules use; None where the case is silent."""
    patient, assessment = case.patient, case.assessment
    on_date = case.screening_date
    had_birthday = (on_date.month, on_date.day) >= (
        patient.birth_date.month,
        patient.birth_date.day,
    )
    facts: dict[str, Any] = {
        "indication": case.indication,
        "modality": case.modality,
        "patient.age": on_date.year - patient.birth_date.year - (0 if had_birthday else 1),
        "formulation.ingredients": case.formulation.ingredients if case.formulation else None,
    }
    for name in type(patient).model_fields:
        facts[f"patient.{name}"] = getattr(patient, name)
    for name in type(assessment).model_fields:
        facts[f"assessment.{name}"] = getattr(assessment, name)
    return facts


def evaluate(
    predicate: Predicate, facts: Mapping[str, Any], book: Rulebook, policies: Mapping[str, Any]
) -> Truth:
    if "all" in predicate:
        return _all([evaluate(p, facts, book, policies) for p in predicate["all"]])
    if "any" in predicate:
        return _any([evaluate(p, facts, book, policies) for p in predicate["any"]])
    if "not" in predicate:
        inner = evaluate(predicate["not"], facts, book, policies)
        return inner if inner.value is None else Truth(not inner.value)
    if "fact" in predicate:
        return _fact(predicate, facts, policies)
    if "allergy_to_ingredient" in predicate:
        return _overlap(facts, "patient.allergies", set(facts["formulation.ingredients"] or ()))
    if "condition_in" in predicate:
        return _conditions(predicate, facts, book)
    if "diagnosis_in" in predicate:
        codes = book.code_sets[predicate["diagnosis_in"]]
        return _matching(facts, "assessment.diagnoses", lambda code: _code_in(code, codes))
    kind = "medication_in" if "medication_in" in predicate else "ingredient_in"
    path = "patient.medications" if kind == "medication_in" else "formulation.ingredients"
    return _overlap(facts, path, book.substance_sets[predicate[kind]])


def _fact(predicate: Predicate, facts: Mapping[str, Any], policies: Mapping[str, Any]) -> Truth:
    path = predicate["fact"]
    value = facts.get(path)
    if "known" in predicate:
        return Truth((value is not None) == predicate["known"])
    if value is None:
        return Truth(None, frozenset({path}))
    if "not_empty" in predicate:
        return Truth(bool(value) == predicate["not_empty"], matches=tuple(map(str, value)))
    (test,) = set(predicate) - {"fact"}
    limit = predicate[test]
    if isinstance(limit, dict):
        limit = policies[limit["policy"]]
    outcome = {
        "is": lambda: value == limit,
        "in": lambda: value in limit,
        "lt": lambda: value < limit,
        "lte": lambda: value <= limit,
        "gt": lambda: value > limit,
        "gte": lambda: value >= limit,
    }[test]()
    return Truth(outcome)


def _conditions(predicate: Predicate, facts: Mapping[str, Any], book: Rulebook) -> Truth:
    conditions = facts.get("patient.conditions")
    if conditions is None:
        return Truth(None, frozenset({"patient.conditions"}))
    codes = book.code_sets[predicate["condition_in"]]
    matching = [condition for condition in conditions if _code_in(condition.code, codes)]
    if "controlled" not in predicate:
        return Truth(bool(matching), matches=tuple(c.code for c in matching))
    wanted = predicate["controlled"]
    hits = tuple(c.code for c in matching if c.controlled is wanted)
    if hits:
        return Truth(True, matches=hits)
    unknown = frozenset(
        f"patient.conditions[{c.code}].controlled" for c in matching if c.controlled is None
    )
    return Truth(None, unknown) if unknown else FALSE


def _overlap(facts: Mapping[str, Any], path: str, names: set[str] | frozenset[str]) -> Truth:
    return _matching(facts, path, lambda name: name in names)


def _matching(facts: Mapping[str, Any], path: str, matches) -> Truth:
    items = facts.get(path)
    if items is None:
        return Truth(None, frozenset({path}))
    hits = tuple(item for item in items if matches(item))
    return Truth(bool(hits), matches=hits)


def _code_in(code: str, categories: tuple[str, ...]) -> bool:
    return any(code == category or code.startswith(category) for category in categories)


def _all(parts: list[Truth]) -> Truth:
    if any(part.value is False for part in parts):
        return FALSE
    unknown = [part for part in parts if part.value is None]
    if unknown:
        return Truth(None, frozenset().union(*(part.missing for part in unknown)))
    return Truth(True, matches=tuple(m for part in parts for m in part.matches))


def _any(parts: list[Truth]) -> Truth:
    hits = [part for part in parts if part.value is True]
    if hits:
        return Truth(True, matches=tuple(m for part in hits for m in part.matches))
    unknown = [part for part in parts if part.value is None]
    if unknown:
        return Truth(None, frozenset().union(*(part.missing for part in unknown)))
    return FALSE
