"""The care file: what the aftercare sheet and messages say, checked at start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from mesoclinic.messaging.care import care_book, parse_care
from mesoclinic.scheduling.tests.conftest import at

PRECARE = "precare:\n  - {id: meal, modalities: [prp], text: Eat., source: s}\n"


def aftercare_file(item: str) -> str:
    return f"version: '1'\n{PRECARE}aftercare:\n  - {{{item}}}\n"


VALID = "id: wash, section: after, indications: [hair_loss], modalities: [prp], source: s"


def test_hair_washing_and_dye_are_told_only_after_a_scalp_session():
    scalp = {item.id for item in care_book().aftercare_for(indication="hair_loss", modality="prp")}
    skin = {item.id for item in care_book().aftercare_for(indication="cellulite", modality="prp")}

    assert scalp - skin == {"no_wash", "no_dye"}
    assert {"no_sauna", "return_at_once", "expected_redness"} <= skin


def test_a_restriction_ends_on_a_date_counted_from_the_session():
    sauna = next(item for item in care_book().aftercare if item.id == "no_sauna")
    ended = at("2026-11-23", "10:35")  # in the clinic's time

    assert sauna.text_after(ended) == (
        "No sauna, steam room or swimming pool until Thursday 26 November at 10:35."
    )  # 72 hours later


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (f"{VALID}, text: 'No wash.', lasts_hours: 24", r"\{until\} in the text"),
        (f"{VALID}, text: 'Until {{until}}.'", r"\{until\} in the text"),
        (VALID.replace("after", "later") + ", text: x", "section is one of"),
        (VALID.replace("hair_loss", "knees") + ", text: x", "unknown indications"),
        (f"{VALID}, text: x, message_after_hours: -2", "whole numbers"),
        ("id: wash, section: after, text: x", "needs exactly id, indications"),
    ],
)
def test_a_broken_aftercare_item_stops_start_up_naming_it(item, reason):
    with pytest.raises(ImproperlyConfigured, match=f"care.yaml: aftercare item wash.*{reason}"):
        parse_care(aftercare_file(item), origin="care.yaml")
