"""The session rules file is checked at start-up; a broken one names what is wrong."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.treatments.session_rules import RULES_FILE, parse_session_rules, session_rules

SHIPPED = RULES_FILE.read_text(encoding="utf-8")


def test_the_shipped_checklist_asks_prp_patients_about_nsaids_only():
    rules = session_rules()

    assert [item.id for item in rules.checklist_for("prp")][-1] == "no_nsaid_48h"
    assert "no_nsaid_48h" not in [item.id for item in rules.checklist_for("cocktail")]
    assert all(item.source for item in rules.checklist)
    assert str(rules.chart_limits["depth_mm"].maximum) == "4"


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (SHIPPED.replace("kind: time", "kind: photo"), "item anaesthetic_cream: kind is one of"),
        (SHIPPED.replace("modalities: [prp]", "modalities: [laser]"), "unknown modalities"),
        (SHIPPED.replace("must_be_yes: false", "must_be_yes: maybe", 1), "must_be_yes is true"),
        (SHIPPED.replace("{min: 0.5, max: 4,", "{min: 4, max: 0.5,"), "depth_mm: min below max"),
        (SHIPPED.replace("kind: consent", "kind: confirm"), "exactly one checklist item reads"),
    ],
)
def test_a_broken_rules_file_stops_start_up_with_the_reason(broken, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_session_rules(broken, origin="session.yaml")
