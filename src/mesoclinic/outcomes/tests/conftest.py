import pytest

from mesoclinic.treatments.services import VialEntry, session_complete
from mesoclinic.treatments.tests.conftest import (  # noqa: F401 - fixtures shared with sessions
    MONDAY,
    answer_checklist,
    chart,
    lots,
    monday_morning,
    session,
    visit,
)


@pytest.fixture
def completed(practitioner, session, lots, clinic_now):  # noqa: F811
    """Session 1 given on Monday with a vial of lot S1; the plan is now active."""
    clinic_now(f"{MONDAY}T10:40")
    answer_checklist(practitioner, session)
    return session_complete(
        actor=practitioner, session=session, chart=chart(), vials=[VialEntry(lots["S1"])]
    )
