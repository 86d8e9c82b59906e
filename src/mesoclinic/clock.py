"""The clinic's idea of "now". Booking refuses the past, so tests that book fixed dates
freeze this clock (the `clinic_now` fixture) instead of depending on the day they run."""

import datetime

from django.utils import timezone

_frozen: datetime.datetime | None = None


def now() -> datetime.datetime:
    return _frozen or timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


REPORT_PERIOD = datetime.timedelta(days=365)


def report_period(
    since: datetime.date | None, until: datetime.date | None
) -> tuple[datetime.date, datetime.date]:
    """The days a report covers: a day left out makes it the twelve months up to today."""
    until = until or today()
    return since or until - REPORT_PERIOD, until
