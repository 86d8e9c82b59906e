"""A page's reads reach the audit log together, before the page leaves."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mesoclinic.audit.models import AuditAction, AuditEvent

AUDIT_INSERT = 'INSERT INTO "audit_auditevent"'


def test_a_page_of_several_reads_writes_them_in_one_insert(client, practitioner, patient_a):
    client.force_login(practitioner)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/patients/{patient_a.pk}/")

    assert page.status_code == 200
    inserts = [query for query in queries if query["sql"].startswith(AUDIT_INSERT)]
    assert len(inserts) == 1
    reads = AuditEvent.objects.filter(path=f"/patients/{patient_a.pk}/")
    assert reads.count() >= 3  # the record, its consultations, its adverse events, ...
    assert {event.patient_id for event in reads} == {patient_a.pk}
    assert {event.actor_id for event in reads} == {practitioner.pk}


def test_a_refusal_is_in_the_log_when_the_403_leaves(client, reception, patient_a):
    client.force_login(reception)

    response = client.get(f"/api/v1/patients/{patient_a.pk}/adverse-events")

    assert response.status_code == 403
    refusal = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert refusal.patient_id == patient_a.pk
    assert refusal.path == f"/api/v1/patients/{patient_a.pk}/adverse-events"


def test_a_page_whose_reads_cannot_be_logged_is_not_sent(
    client, practitioner, patient_a, monkeypatch
):
    client.force_login(practitioner)

    def refuse(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(AuditEvent.objects, "bulk_create", refuse)

    with pytest.raises(RuntimeError, match="audit log is unavailable"):
        client.get(f"/patients/{patient_a.pk}/")
