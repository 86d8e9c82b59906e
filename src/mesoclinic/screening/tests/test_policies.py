import pytest

from mesoclinic.audit.models import AuditEvent


def test_a_manager_sets_the_clinics_screening_policies(client, manager, location_a):
    client.force_login(manager)
    page = client.get("/screening/policies/")
    assert page.status_code == 200
    assert "Minimum age" in page.content.decode()
    data = {name: field.initial for name, field in page.context["form"].fields.items()}
    data["minimum_age"] = "16"
    response = client.post("/screening/policies/", data)
    assert response.status_code == 302
    location_a.group.refresh_from_db()
    assert location_a.group.screening_policies["minimum_age"] == 16
    event = AuditEvent.objects.get(object_type="accounts.clinicgroup")
    assert event.changes["screening_policies"][0] == {}


def test_a_value_the_rulebook_does_not_allow_is_refused(client, manager, location_a):
    client.force_login(manager)
    data = {
        name: field.initial
        for name, field in client.get("/screening/policies/").context["form"].fields.items()
    }
    data["minimum_age"] = "12"
    response = client.post("/screening/policies/", data)
    assert "minimum_age" in response.context["form"].errors
    location_a.group.refresh_from_db()
    assert location_a.group.screening_policies == {}


@pytest.mark.parametrize("role", ["practitioner", "reception"])
def test_only_managers_set_policies(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/screening/policies/").status_code == 403
