import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_fills_the_self_assessment_and_sees_the_answer(page, live_server, location_a):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Check whether mesotherapy could suit you").click()
    expect(page.get_by_role("heading", name="Could mesotherapy suit you?")).to_be_visible()

    page.get_by_label("Hair loss or thinning hair").check()
    page.get_by_label("Your date of birth").fill("1988-05-10")
    page.get_by_role("group", name="Sex").get_by_label("Female").check()
    page.get_by_role("group", name="Are you pregnant?").get_by_label("No").check()
    page.get_by_role("group", name="Are you breastfeeding?").get_by_label("No").check()
    page.get_by_role("group", name="Could you become pregnant").get_by_label("Yes").check()
    page.get_by_role("group", name="Do you have any of these?").get_by_label(
        "None of these"
    ).check()
    page.get_by_role("group", name="Do you take any").get_by_label("Blood thinners").check()
    page.get_by_role("group", name="Are you allergic").get_by_label("None of these").check()
    page.get_by_role("group", name="Is your scalp").get_by_label("No").check()
    page.get_by_role("group", name="Is there still some hair").get_by_label("Yes").check()
    page.get_by_role("group", name="Has a doctor checked").get_by_label("Yes").check()
    page.get_by_role("button", name="See my answer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mesotherapy is likely suitable: book a consultation"
    )
    expect(page.locator("body")).to_contain_text("you may bruise more easily")

    page.get_by_label("Name").fill("Elif Şahin")
    page.get_by_label("Phone").fill("+90 532 111 2233")
    page.get_by_label("Preferred clinic").select_option(label="Istanbul Nişantaşı")
    page.get_by_label("I agree that the clinic contacts me").check()
    page.get_by_role("button", name="Please call me").click()
    expect(page.locator("body")).to_contain_text("Istanbul Nişantaşı will contact you soon")
