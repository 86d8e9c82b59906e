import re

import pytest
from playwright.sync_api import expect

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.tests.factories import TEST_PASSWORD, make_user
from mesoclinic.patients.services import patient_login_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("role", ["practitioner", "reception", "manager"])
def test_each_staff_role_logs_in_and_opens_the_patient_list(
    request, page, live_server, log_in, role, patient_a, patient_b
):
    user = request.getfixturevalue(role)
    log_in(user.username, TEST_PASSWORD)
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Patients")
    page.get_by_role("link", name="Patients", exact=True).click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    expect(page.locator("#patient-rows")).to_contain_text("Yılmaz, Ayşe")
    expect(page.locator("#patient-rows")).not_to_contain_text("Kaya, Mehmet")  # location B
    audit_link = page.get_by_role("link", name="Audit log", exact=True)
    expect(audit_link).to_have_count(1 if role == "manager" else 0)


def test_a_patient_logs_in_and_sees_only_their_record(page, live_server, log_in, patient_a):
    user = make_user(Role.PATIENT, [], username="ayse")
    patient_login_link(actor=None, patient=patient_a, user=user)
    log_in("ayse", TEST_PASSWORD)
    page.get_by_role("link", name="See your record").click()
    expect(page.get_by_role("heading", name="Ayşe Yılmaz")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    page.goto(f"{live_server.url}/patients/")
    expect(page).to_have_url(re.compile(rf"/patients/{patient_a.pk}/$"))


def test_reception_registers_a_patient_and_the_manager_sees_it_in_the_audit_log(
    new_context, live_server, reception, manager, location_a
):
    reception_page = new_context().new_page()
    _log_in(reception_page, live_server, reception.username)
    reception_page.goto(f"{live_server.url}/patients/new/")
    reception_page.get_by_label("Given name").fill("Deniz")
    reception_page.get_by_label("Family name").fill("Arslan")
    reception_page.get_by_label("Birth date").fill("1988-03-14")
    reception_page.get_by_label("Sex").select_option("female")
    reception_page.get_by_label("Phone").fill("+90 532 444 1234")
    reception_page.get_by_role("button", name="Save").click()
    expect(reception_page.get_by_role("heading", name="Deniz Arslan")).to_be_visible()
    expect(reception_page.locator("body")).to_contain_text("visible to practitioners and managers")

    manager_page = new_context().new_page()
    _log_in(manager_page, live_server, manager.username)
    manager_page.get_by_role("link", name="Audit log", exact=True).click()
    created = manager_page.locator("tr.action-create").first
    expect(created).to_contain_text("reception-a")
    expect(created).to_contain_text("family_name")
    expect(created).to_contain_text("Arslan")


def test_a_form_error_is_shown_beside_the_field(page, live_server, log_in, practitioner):
    log_in(practitioner.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/patients/new/")
    page.get_by_label("Given name").fill("Can")
    page.get_by_label("Family name").fill("Öztürk")
    page.get_by_label("Birth date").fill("2999-01-01")
    page.get_by_label("Sex", exact=True).select_option("male")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The birth date cannot be in the future.")


def test_live_search_and_adding_an_allergy_work_without_a_page_load(
    page, live_server, log_in, practitioner, patient_a
):
    log_in(practitioner.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/patients/")
    page.get_by_label("Search").fill("yılmaz")
    expect(page.locator("#patient-rows")).to_contain_text("1 patient")
    page.get_by_role("link", name="Yılmaz, Ayşe").click()
    history = page.locator("#medical-history")
    history.get_by_label("Substance").fill("Latex")
    history.get_by_role("button", name="Add allergy").click()
    expect(page.locator("#medical-history .allergy")).to_have_text(["latex", "lidocaine"])


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
