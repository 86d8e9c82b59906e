import pytest
from django.urls import reverse

from mesoclinic.accounts.tests.factories import TEST_PASSWORD
from mesoclinic.audit.models import AuditAction, AuditEvent


def login(client, username, password):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.1.2.3",
    )


def test_a_user_logs_in_and_the_login_is_audited_with_the_address(client, practitioner):
    response = login(client, "dr-a", TEST_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.actor, event.ip_address) == (practitioner, "10.1.2.3")


def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(client, practitioner):
    for _ in range(5):
        assert login(client, "dr-a", "wrong password").status_code in {200, 429}
    locked = login(client, "dr-a", TEST_PASSWORD)
    assert locked.status_code == 429
    assert b"Too many failed attempts" in locked.content
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() >= 5


def test_a_wrong_password_shows_an_error_and_does_not_log_in(client, practitioner):
    response = login(client, "dr-a", "wrong password")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", ["/", "/patients/", "/audit/", "/patients/new/"])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logging_out_takes_a_post_and_is_audited(client, practitioner):
    client.force_login(practitioner)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=practitioner).count() == 1
    assert client.get("/patients/").status_code == 302
