"""Helpers shared by every app's views."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from mesoclinic.accounts.models import User


def is_htmx_partial(request: HttpRequest) -> bool:
    """True when htmx asks for a fragment; boosted navigation still gets the whole page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


class AuthenticatedHttpRequest(HttpRequest):
    """The request type of a view behind @login_required: its user is a real User."""

    user: "User"
