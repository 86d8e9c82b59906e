from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.permissions import Permission, has_permission

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class NavItem:
    label: StrOrPromise
    url_name: str
    permission: Permission | None = None


NAVIGATION = [
    NavItem(_("Dashboard"), "dashboard:home"),
    NavItem(_("Patients"), "patients:list", Permission.PATIENT_CREATE),
    NavItem(_("Calendar"), "scheduling:calendar", Permission.APPOINTMENT_BOOK),
    NavItem(_("Calendar feed"), "interop:feeds", Permission.CALENDAR_FEED),
    NavItem(_("Rooms and hours"), "scheduling:settings", Permission.CALENDAR_SETTINGS_EDIT),
    NavItem(_("Stock"), "formulary:stock", Permission.STOCK_USE),
    NavItem(_("Formulations"), "formulary:templates", Permission.FORMULATION_PRESCRIBE),
    NavItem(_("Safety"), "safety:report", Permission.SAFETY_REPORT),
    NavItem(_("Outcomes"), "outcomes:report", Permission.OUTCOME_REPORT),
    NavItem(_("Audit log"), "audit:list", Permission.AUDIT_VIEW),
    NavItem(_("Screening policies"), "screening:policies", Permission.CLINIC_SETTINGS_EDIT),
]


def navigation(request: HttpRequest) -> dict:
    """The menu a user's role may use; links they may not follow are never shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    allowed = [
        item
        for item in NAVIGATION
        if item.permission is None or has_permission(user=user, permission=item.permission)
    ]
    urls = [reverse(item.url_name) for item in allowed]
    # The page belongs to the longest link it starts with: /calendar/settings/ is not the
    # calendar.
    current = max(
        (
            url
            for url in urls
            if request.path == url or (url != "/" and request.path.startswith(url))
        ),
        key=len,
        default=None,
    )
    return {
        "navigation": [
            {"label": item.label, "url": url, "is_current": url == current}
            for item, url in zip(allowed, urls, strict=True)
        ]
    }
