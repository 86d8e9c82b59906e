"""A practitioner gives a session in the browser: the checklist, the volumes drawn on the
scalp map as they are typed, the vial ticked, then the completed chart and its aftercare."""

import pytest
from playwright.sync_api import expect

from mesoclinic.accounts.tests.factories import TEST_PASSWORD

# The visit is booked on MONDAY at 10:00, seen from that morning, as in the unit tests:
# the autouse fixture sets the clock before `visit` books (on the day itself, a real
# clock past 10:00 refused the booking as in the past).
from mesoclinic.treatments.tests.conftest import MONDAY, monday_morning  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_practitioner_gives_a_session_and_prints_its_aftercare(
    page,
    live_server,
    log_in,
    practitioner,
    visit,
    lots,
    clinic_now,
):
    clinic_now(f"{MONDAY}T10:40")  # the 10:00 visit is under way
    log_in(practitioner.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/plans/{visit.plan_id}/")
    page.get_by_role("button", name="Start the session").click()

    for item in ("history_reasked", "no_scalp_infection", "clean_hair", "light_meal"):
        page.check(f"input[name={item}][value=yes]")
    page.fill("input[name=anaesthetic_cream]", "09:30")
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_text("Checklist complete")).to_be_visible()

    page.fill("input[name=depth_mm]", "1.5")
    page.fill("input[name=needle_length_mm]", "4")
    page.fill("input[name=started_at]", "10:05")
    page.fill("input[name=ended_at]", "10:35")
    page.fill("input[name=zone_vertex]", "1.5")
    expect(page.locator('[data-volume="vertex"]')).to_have_text("1.5")  # drawn as typed
    page.locator(f"input[name=vials][value='lot:{lots['S1'].pk}']").check()
    page.get_by_role("button", name="Complete the session").click()

    expect(page.get_by_text("Session completed.")).to_be_visible()
    expect(page.locator(".volume-map")).to_contain_text("1.5")
    page.get_by_role("link", name="Aftercare sheet", exact=True).click()
    expect(page.get_by_role("heading", name="Your aftercare")).to_be_visible()
    expect(page.get_by_text("you may wash it again from Tuesday 24 November")).to_be_visible()
