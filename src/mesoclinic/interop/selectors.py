import datetime

from django.http import Http404

from mesoclinic import clock
from mesoclinic.accounts.models import Role
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.interop.calendar_feed import visits_calendar
from mesoclinic.interop.models import CalendarFeed
from mesoclinic.scheduling.models import Appointment

FEED_PAST = datetime.timedelta(days=60)
FEED_FUTURE = datetime.timedelta(days=400)


def calendar_feed_read(*, secret: str) -> bytes:
    """The visits of a live feed's owner, as iCalendar; 404 for anything else, so a
    guessed or revoked address learns nothing. Each read is audited as its owner's."""
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(
            digest=CalendarFeed.digest_of(secret), revoked_at__isnull=True, user__is_active=True
        )
        .first()
    )
    if feed is None:
        raise Http404("No such calendar.")
    user = feed.user
    now = clock.now()
    in_range = Appointment.objects.filter(
        starts_at__gte=now - FEED_PAST, starts_at__lt=now + FEED_FUTURE
    ).select_related("patient", "location", "room")
    is_practitioner = user.role == Role.PRACTITIONER
    owner = {"practitioner": user} if is_practitioner else {"patient__user": user}
    visits = list(in_range.filter(**owner).order_by("starts_at"))
    CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    audit_record(
        actor=user,
        action=AuditAction.LIST,
        object_type="scheduling.appointment",
        patient_id=visits[0].patient_id if visits and not is_practitioner else None,
        details={"calendar_feed": feed.pk, "count": len(visits)},
    )
    return visits_calendar(visits, for_practitioner=is_practitioner, name=f"mesoclinic · {user}")


def calendar_feeds_for_user(*, user) -> list[CalendarFeed]:
    return list(CalendarFeed.objects.filter(user=user))
