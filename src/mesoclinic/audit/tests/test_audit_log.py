import pytest
from django.db import DatabaseError, connection, transaction

from mesoclinic.audit.models import AuditAction, AuditEvent
from mesoclinic.audit.services import audit_record


def test_an_event_cannot_be_changed_or_deleted_through_the_app(practitioner):
    event = audit_record(actor=practitioner, action=AuditAction.READ, object_type="x")
    event.action = AuditAction.DELETE
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.get().action == AuditAction.READ


def test_the_database_refuses_to_change_an_event(practitioner):
    audit_record(actor=practitioner, action=AuditAction.READ, object_type="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(action=AuditAction.DELETE)
    assert AuditEvent.objects.get().action == AuditAction.READ


def test_postgresql_refuses_to_delete_an_event_sqlite_leaves_it_to_the_model(practitioner):
    audit_record(actor=practitioner, action=AuditAction.READ, object_type="x")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.all().delete()
    else:
        with pytest.raises(ValueError, match="append-only"):
            AuditEvent.objects.get().delete()
    assert AuditEvent.objects.count() == 1


def test_the_address_comes_from_the_socket_unless_a_proxy_header_is_configured(
    client, practitioner, settings
):
    client.force_login(practitioner)
    client.get("/patients/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AuditEvent.objects.get(action=AuditAction.LIST).ip_address == "192.0.2.10"

    settings.AUDIT_CLIENT_IP_HEADER = "X-Forwarded-For"
    client.get(
        "/patients/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.7, 192.0.2.10"
    )
    assert AuditEvent.objects.filter(action=AuditAction.LIST).first().ip_address == "203.0.113.7"


def test_managers_read_the_log_of_their_locations_only(
    client, manager, practitioner, patient_a, patient_b
):
    client.force_login(manager)
    response = client.get("/audit/")
    assert response.status_code == 200
    shown = {event.patient_id for event in response.context["events"]}
    assert patient_a.pk in shown
    assert patient_b.pk not in shown


@pytest.mark.parametrize("role_fixture", ["practitioner", "reception"])
def test_other_roles_may_not_read_the_log(db, client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get("/audit/").status_code == 403
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == 1


def test_the_api_serves_the_log_to_managers_filtered_by_patient(client, manager, patient_a):
    client.force_login(manager)
    client.get(f"/patients/{patient_a.pk}/")
    response = client.get(f"/api/v1/audit?patient_id={patient_a.pk}")
    assert response.status_code == 200
    actions = [event["action"] for event in response.json()]
    # The record page lists consultations, formulations and adverse events too.
    assert actions == ["list", "list", "list", "read", "create"]
    assert response.json()[4]["changes"]["given_name"] == [None, "Ayşe"]
