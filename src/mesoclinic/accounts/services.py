import secrets
from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from mesoclinic.accounts.models import STAFF_ROLES, ApiToken, ClinicGroup, Location, Role, User
from mesoclinic.accounts.signed_in import forget_signed_in_user


def user_create(
    *,
    username: str,
    role: str,
    password: str | None,
    locations: Iterable[Location] = (),
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    check_password_strength: bool = True,
) -> User:
    """Create a login. Staff must work at one location at least, all in one clinic group.
    Without a password, nobody can sign in with it until one is set."""
    location_list = list(locations)
    if role not in Role.values:
        raise ValidationError({"role": [f"Unknown role {role!r}; choose one of {Role.values}."]})
    if role in STAFF_ROLES and not location_list:
        raise ValidationError({"locations": ["Staff must work at one location at least."]})
    groups = {location.group_id for location in location_list}
    if len(groups) > 1:
        raise ValidationError({"locations": ["All locations must belong to one clinic group."]})
    user = User(
        username=username,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        clinic_group_id=groups.pop() if groups else None,
    )
    if password is None:
        user.set_unusable_password()
    else:
        if check_password_strength:
            validate_password(password, user)
        user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        user.locations.set(location_list)
        forget_signed_in_user(user.pk)
    return user


def location_create(*, group: ClinicGroup, name: str, city: str, **details: str) -> Location:
    location = Location(group=group, name=name, city=city, **details)
    location.full_clean()
    location.save()
    return location


def api_token_create(*, user: User, name: str) -> str:
    """Issue a bearer token and return it; only its digest is kept, so show it once."""
    raw_token = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, digest=ApiToken.digest_of(raw_token))
    token.full_clean()
    token.save()
    return raw_token
