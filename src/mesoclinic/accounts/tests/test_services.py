import pytest
from django.core.exceptions import ValidationError

from mesoclinic.accounts.models import Role, User
from mesoclinic.accounts.services import user_create
from mesoclinic.accounts.tests.factories import TEST_PASSWORD, LocationFactory


def test_a_staff_member_is_created_at_their_locations(location_a, location_b):
    user = user_create(
        username="nurse",
        role=Role.PRACTITIONER,
        password=TEST_PASSWORD,
        locations=[location_a, location_b],
    )
    assert user.location_ids == {location_a.pk, location_b.pk}
    assert user.clinic_group == location_a.group
    assert user.check_password(TEST_PASSWORD)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "doctor"}, "role"),
        ({"locations": []}, "locations"),
        ({"password": "12345678"}, None),
        ({"username": "bad name!"}, "username"),
    ],
)
def test_a_bad_login_is_refused_and_nothing_is_written(location_a, changes, field):
    arguments = {
        "username": "nurse",
        "role": Role.PRACTITIONER,
        "password": TEST_PASSWORD,
        "locations": [location_a],
        **changes,
    }
    with pytest.raises(ValidationError) as refused:
        user_create(**arguments)
    if field:
        assert field in refused.value.message_dict
    assert not User.objects.filter(username=arguments["username"]).exists()


def test_staff_cannot_span_two_clinic_groups(location_a):
    other_group_location = LocationFactory(group__name="Another group")
    with pytest.raises(ValidationError, match="one clinic group"):
        user_create(
            username="x",
            role=Role.MANAGER,
            password=TEST_PASSWORD,
            locations=[location_a, other_group_location],
        )
