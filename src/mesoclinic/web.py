"""Helpers shared by every app's views."""

import datetime
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import Location

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.core.exceptions import ValidationError
    from django_stubs_ext import StrOrPromise

    from mesoclinic.accounts.models import User


# HTML's date picker; it reads and writes ISO dates whatever the language.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def is_htmx_partial(request: HttpRequest) -> bool:
    """True when htmx asks for a fragment; boosted navigation still gets the whole page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.boosted


class AuthenticatedHttpRequest(HttpRequest):
    """The request type of a view behind @login_required: its user is a real User."""

    user: "User"


def yes_no_unknown_field(
    label: "StrOrPromise", *, unknown_label: "StrOrPromise"
) -> forms.NullBooleanField:
    """Yes, no, or not known yet. Django's null-boolean select shows a stored True or False as
    selected; a plain choice field would show it as unknown, and saving would erase it."""
    widget = forms.NullBooleanSelect()
    widget.choices = [("unknown", unknown_label), ("true", _("Yes")), ("false", _("No"))]
    return forms.NullBooleanField(label=label, required=False, widget=widget)


def add_service_errors(
    form: forms.Form,
    error: "ValidationError",
    *,
    field_for: "Callable[[str], str | None] | None" = None,
) -> None:
    """Show a service's refusal beside the field it names, or above the form. A form
    whose fields are named otherwise than the service's keys passes `field_for`."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        field = field_for(key) if field_for else key
        form.add_error(field if field in form.fields else None, messages)


def page_offset(request: HttpRequest) -> int:
    """Where the requested page of a list starts (?offset=); the first page for anything
    but a whole number from 0."""
    try:
        return max(int(request.GET.get("offset", 0)), 0)
    except ValueError:
        return 0


def api_user(request: HttpRequest) -> "User":
    """The user an API request is authenticated as (a token or the session)."""
    return request.auth  # type: ignore[attr-defined]


def user_locations(user: "User") -> QuerySet[Location]:
    """The locations a staff user works at, by name: the choices of a location picker."""
    return Location.objects.filter(pk__in=user.location_ids).order_by("name")


def chosen_location(request: HttpRequest, locations: QuerySet[Location]) -> Location:
    """The location named by ?location=, or the first of the user's; 404 for a location
    that is not theirs."""
    first = locations.first()
    if first is None:
        raise PermissionDenied(_("This login works at no location."))
    return get_object_or_404(locations, pk=request.GET.get("location") or first.pk)


class ReportPeriodForm(forms.Form):
    """The days a clinic report covers, from the query string."""

    since = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """The chosen days; a day left out is the report's default."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("since"), data.get("until")
