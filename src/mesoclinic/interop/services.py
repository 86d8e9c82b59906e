import secrets

from django.db import transaction

from mesoclinic import clock
from mesoclinic.accounts.models import User
from mesoclinic.accounts.permissions import Permission, require_permission
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.interop.models import CalendarFeed


def calendar_feed_create(*, user: User) -> str:
    """A new secret feed address for the user's own visits; the secret is shown once."""
    require_permission(user=user, permission=Permission.CALENDAR_FEED)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(user=user, digest=CalendarFeed.digest_of(secret))
        audit_record(
            actor=user,
            action=AuditAction.CREATE,
            object_type="interop.calendarfeed",
            object_id=feed.pk,
        )
    return secret


def calendar_feed_revoke(*, user: User, feed_id: int) -> None:
    with transaction.atomic():
        updated = CalendarFeed.objects.filter(
            pk=feed_id, user=user, revoked_at__isnull=True
        ).update(revoked_at=clock.now())
        if updated:
            audit_record(
                actor=user,
                action=AuditAction.UPDATE,
                object_type="interop.calendarfeed",
                object_id=feed_id,
                changes={"revoked_at": [None, clock.now().isoformat()]},
            )
