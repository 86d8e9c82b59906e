"""iCalendar (RFC 5545) feeds of visits, built with `icalendar`. Pure: visits in,
bytes out. A feed leaves the clinic for a phone's calendar, so it says as little as
serves: the practitioner sees the patient's initials, the patient sees the clinic."""

import datetime
from collections.abc import Iterable

import icalendar

from mesoclinic.scheduling.models import Appointment

PRODUCT_ID = "-//mesoclinic//calendar feed//EN"


def visits_calendar(visits: Iterable[Appointment], *, for_practitioner: bool, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for visit in visits:
        calendar.add_component(_event(visit, for_practitioner=for_practitioner))
    return calendar.to_ical()


def _event(visit: Appointment, *, for_practitioner: bool) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"visit-{visit.pk}@mesoclinic")
    event.add("dtstamp", visit.created_at.astimezone(datetime.UTC))
    event.add("dtstart", visit.starts_at.astimezone(datetime.UTC))
    event.add("dtend", visit.ends_at.astimezone(datetime.UTC))
    what = (
        f"Mesotherapy session {visit.session_number}"
        if visit.session_number
        else "Mesotherapy visit"
    )
    if for_practitioner:
        patient = visit.patient
        event.add("summary", f"{what} · {patient.given_name[:1]}. {patient.family_name[:1]}.")
        event.add("location", f"{visit.location.name}, {visit.room.name}")
    else:
        event.add("summary", f"{what} at {visit.location.name}")
        event.add(
            "location", ", ".join(filter(None, [visit.location.name, visit.location.address]))
        )
    event.add("status", "CONFIRMED" if visit.holds_the_slot else "CANCELLED")
    return event
