"""Lot and expiry from a GS1 barcode: a scanner's raw string or the printed "(01)…(17)…(10)…"."""

import datetime
from dataclasses import dataclass

import biip
from biip.gs1_messages import GS1Message


@dataclass(frozen=True)
class LabelData:
    gtin: str | None
    lot_number: str | None
    expiry_date: datetime.date | None


def read_label(text: str) -> LabelData:
    """Parse a GS1 element string; ValueError with a plain message when it is not one."""
    text = text.strip()
    try:
        if text.startswith("("):
            message = GS1Message.parse_hri(text)
        else:
            result = biip.parse(text)
            if result.gs1_message is None:
                raise ValueError(f"Not a readable GS1 label: {result.gs1_message_error}")
            message = result.gs1_message
    except biip.ParseError as error:
        raise ValueError(f"Not a readable GS1 label: {error}") from None
    values = {element.ai.ai: element for element in message.element_strings}
    expiry = values.get("17")
    return LabelData(
        gtin=values["01"].value if "01" in values else None,
        lot_number=values["10"].value if "10" in values else None,
        expiry_date=expiry.date if expiry is not None else None,
    )
