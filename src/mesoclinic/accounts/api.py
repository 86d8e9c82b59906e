from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.security import HttpBearer

from mesoclinic.accounts.models import ApiToken, User


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
