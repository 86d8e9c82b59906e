from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import HttpBearer

from mesoclinic.accounts.models import ApiToken, Location, User


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`, for scripts and integrations."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), is_active=True, user__is_active=True)
            .first()
        )
        if api_token is None:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


def location_from_body(location_id: int) -> Location:
    """The location a request body names, or a 422 on its location_id field."""
    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        raise ValidationError({"location_id": [f"There is no location {location_id}."]})
    return location


router = Router(tags=["accounts"])


class LocationOut(Schema):
    id: int
    name: str
    city: str


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    locations: list[LocationOut]


@router.get("/me", response=MeOut, summary="Who am I, and where do I work")
def me(request: HttpRequest) -> dict:
    user: User = request.auth  # type: ignore[attr-defined]
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "role": user.role,
        "locations": list(user.locations.all()),
    }
