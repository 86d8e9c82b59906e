from mesoclinic.treatments.tests.conftest import (  # noqa: F401 - fixtures shared with sessions
    completed,
    lots,
    monday_morning,
    session,
    visit,
)
