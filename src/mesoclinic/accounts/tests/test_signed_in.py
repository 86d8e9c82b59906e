"""A signed-in user is read from the cache on each request, and a change to them counts at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mesoclinic.accounts.models import Location


def _tables_read(client, path: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return " ".join(query["sql"] for query in queries)


def test_a_signed_in_request_reads_neither_the_session_nor_the_user(
    client, practitioner, patient_a
):
    client.force_login(practitioner)
    client.get(f"/api/v1/patients/{patient_a.pk}")  # the first request fills the cache

    sql = _tables_read(client, f"/api/v1/patients/{patient_a.pk}")

    assert 'FROM "django_session"' not in sql
    assert 'FROM "accounts_user" WHERE' not in sql  # the user by id
    assert 'INNER JOIN "accounts_user_locations"' not in sql  # the locations they work at


def test_a_deactivated_user_is_signed_out_at_their_next_request(client, practitioner, patient_a):
    client.force_login(practitioner)
    assert client.get(f"/patients/{patient_a.pk}/").status_code == 200

    practitioner.is_active = False
    practitioner.save()

    response = client.get(f"/patients/{patient_a.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_new_password_ends_the_other_sessions_at_once(client, practitioner, patient_a):
    client.force_login(practitioner)
    assert client.get(f"/patients/{patient_a.pk}/").status_code == 200

    practitioner.set_password("a-brand-new-long-password")
    practitioner.save()

    assert client.get(f"/patients/{patient_a.pk}/").status_code == 302


def test_the_cached_user_still_carries_the_locations_they_work_at(
    client, practitioner, location_a, patient_a, patient_b
):
    client.force_login(practitioner)
    client.get("/patients/")

    assert client.get(f"/patients/{patient_a.pk}/").status_code == 200
    assert client.get(f"/patients/{patient_b.pk}/").status_code == 403
    assert set(Location.objects.filter(staff=practitioner)) == {location_a}
