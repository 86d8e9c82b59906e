import pytest
from django.core.exceptions import PermissionDenied

from mesoclinic.accounts.models import Role
from mesoclinic.accounts.permissions import Permission, has_permission, require_permission
from mesoclinic.accounts.tests.factories import make_user
from mesoclinic.audit.models import AuditAction, AuditEvent

P = Permission


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.PRACTITIONER, P.PATIENT_VIEW, True),
        (Role.PRACTITIONER, P.MEDICAL_HISTORY_EDIT, True),
        (Role.PRACTITIONER, P.AUDIT_VIEW, False),
        (Role.RECEPTION, P.PATIENT_VIEW, True),
        (Role.RECEPTION, P.PATIENT_CREATE, True),
        (Role.RECEPTION, P.MEDICAL_HISTORY_VIEW, False),
        (Role.RECEPTION, P.MEDICAL_HISTORY_EDIT, False),
        (Role.RECEPTION, P.AUDIT_VIEW, False),
        (Role.MANAGER, P.MEDICAL_HISTORY_VIEW, True),
        (Role.MANAGER, P.AUDIT_VIEW, True),
        (Role.PATIENT, P.PATIENT_VIEW, True),
        (Role.PATIENT, P.PATIENT_EDIT, False),
        (Role.PATIENT, P.PATIENT_CREATE, False),
    ],
)
def test_each_role_may_do_exactly_its_jobs_at_its_own_location(
    role, permission, allowed, location_a, patient_a
):
    locations = [] if role == Role.PATIENT else [location_a]
    user = make_user(role, locations, username=f"user-{role}")
    if role == Role.PATIENT:
        patient_a.user = user
    assert has_permission(user=user, permission=permission, patient=patient_a) is allowed


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.RECEPTION, Role.MANAGER])
def test_staff_reach_no_patient_of_a_location_they_do_not_work_at(role, location_b, patient_a):
    user = make_user(role, [location_b], username=f"elsewhere-{role}")
    assert not has_permission(user=user, permission=P.PATIENT_VIEW, patient=patient_a)


def test_a_patient_login_reaches_only_its_own_record(location_a, patient_a, practitioner):
    from mesoclinic.patients.tests.factories import register_patient

    other = register_patient(actor=practitioner, location=location_a, given_name="Other")
    user = make_user(Role.PATIENT, [], username="ayse")
    patient_a.user = user
    assert has_permission(user=user, permission=P.MEDICAL_HISTORY_VIEW, patient=patient_a)
    assert not has_permission(user=user, permission=P.MEDICAL_HISTORY_VIEW, patient=other)


def test_a_deactivated_user_is_refused_everything(practitioner, patient_a):
    practitioner.is_active = False
    assert not has_permission(user=practitioner, permission=P.PATIENT_VIEW, patient=patient_a)


def test_a_refusal_is_audited_with_who_what_and_which_patient(reception_b, patient_a):
    with pytest.raises(PermissionDenied):
        require_permission(user=reception_b, permission=P.PATIENT_VIEW, patient=patient_a)
    event = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert (event.actor, event.actor_role, event.patient_id, event.location_id) == (
        reception_b,
        Role.RECEPTION,
        patient_a.pk,
        patient_a.location_id,
    )
    assert event.details == {"permission": "patient.view"}
