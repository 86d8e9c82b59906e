"""The aftercare a patient takes home from a completed session (clinical.md §8): the
sheet, printed or read in the portal, and the messages that repeat its points later.
Both are read from the care file for the plan's indication and modality, with each
restriction turned into a date from the session's end."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from mesoclinic.messaging.care import AftercareSection, CareItem, care_book
from mesoclinic.messaging.models import Message
from mesoclinic.messaging.services import messages_to_patient
from mesoclinic.treatments.models import TreatmentSession

AFTERCARE = "aftercare"  # the messages' kind in the message log
SECTION_TITLES = {
    AftercareSection.AFTER: "For the next few days",
    AftercareSection.EXPECTED: "What is normal",
    AftercareSection.ALERT: "Call us at once",
}


@dataclass(frozen=True)
class AftercareSheet:
    patient_name: str
    location: str
    phone: str
    session_number: int | None
    session_count: int
    ended_at: datetime.datetime
    practitioner: str
    sections: list[tuple[str, list[str]]]  # (title, lines) in the sheet's order
    version: str


@dataclass(frozen=True)
class AftercareMessage:
    due_at: datetime.datetime
    subject: str
    body: str
    occurrence: str  # what the message is about, unique for the patient


def aftercare_sheet(session: TreatmentSession) -> AftercareSheet:
    ended_at, practitioner = _end_of(session), session.practitioner
    if practitioner is None:
        raise ValueError("A completed session names its practitioner.")
    lines: dict[str, list[str]] = defaultdict(list)
    for item in _items(session):
        lines[item.section].append(item.text_after(ended_at))
    visit = session.appointment
    return AftercareSheet(
        patient_name=session.patient.full_name,
        location=visit.location.name,
        phone=visit.location.phone,
        session_number=visit.session_number,
        session_count=session.plan.session_count,
        ended_at=timezone.localtime(ended_at),
        practitioner=str(practitioner),  # the full name, else the username
        sections=[
            (SECTION_TITLES[name], lines[name]) for name in AftercareSection.ALL if lines[name]
        ],
        version=care_book().version,
    )


def aftercare_messages(session: TreatmentSession) -> list[AftercareMessage]:
    """One message for each delay the care file names, with the items sent then."""
    ended_at = _end_of(session)
    by_delay: dict[int, list[CareItem]] = defaultdict(list)
    for item in _items(session):
        if item.message_after_hours is not None:
            by_delay[item.message_after_hours].append(item)
    phone = session.appointment.location.phone
    call = f"Call us on {phone}" if phone else "Call the clinic"
    messages = []
    for hours, items in sorted(by_delay.items()):
        lines = [f"Dear {session.patient.given_name},", "", "After your session:"]
        lines += [f"- {item.text_after(ended_at)}" for item in items]
        lines += ["", f"{call} with any question."]
        messages.append(
            AftercareMessage(
                due_at=ended_at + datetime.timedelta(hours=hours),
                subject="Your aftercare" if hours < 24 else "How are you after your session?",
                body="\n".join(lines),
                occurrence=f"session {session.pk} +{hours}h",
            )
        )
    return messages


def aftercare_message_rows(session: TreatmentSession) -> list[Message]:
    """The aftercare messages, unsaved, once to each address the patient gave."""
    return [
        message
        for aftercare in aftercare_messages(session)
        for message in messages_to_patient(
            patient=session.patient,
            kind=AFTERCARE,
            occurrence=aftercare.occurrence,
            due_at=aftercare.due_at,
            subject=aftercare.subject,
            body=aftercare.body,
        )
    ]


def _end_of(session: TreatmentSession) -> datetime.datetime:
    if session.ended_at is None:
        raise ValueError("Aftercare follows a charted session.")
    return session.ended_at


def _items(session: TreatmentSession) -> list[CareItem]:
    formulation = session.plan.formulation
    return care_book().aftercare_for(
        indication=formulation.indication, modality=formulation.modality
    )
