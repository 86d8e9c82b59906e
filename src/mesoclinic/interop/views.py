from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mesoclinic.interop import selectors, services
from mesoclinic.web import AuthenticatedHttpRequest


def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed itself: no login, the secret in the address is the key."""
    return HttpResponse(
        selectors.calendar_feed_read(secret=secret), content_type="text/calendar; charset=utf-8"
    )


@login_required
def calendar_feeds(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        secret = services.calendar_feed_create(user=request.user)
        address = request.build_absolute_uri(reverse("interop:feed", args=[secret]))
        messages.success(
            request,
            _("Your new calendar address (shown once; add it to your calendar app): %s") % address,
        )
        return redirect("interop:feeds")
    return render(
        request,
        "interop/feeds.html",
        {"feeds": selectors.calendar_feeds_for_user(user=request.user)},
    )


@login_required
@require_POST
def calendar_feed_revoke(request: AuthenticatedHttpRequest, feed_id: int) -> HttpResponse:
    services.calendar_feed_revoke(user=request.user, feed_id=feed_id)
    messages.success(request, _("That calendar address no longer works."))
    return redirect("interop:feeds")
