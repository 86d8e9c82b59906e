"""Queueing and sending messages to patients. The worker (`mesoclinic worker`) calls
`reminders_queue`, then `messages_send_due`, every little while; both are safe to run
again at any moment and from more than one process.

At most once: a message is claimed by a conditional UPDATE (status pending → sending)
that commits before anything leaves. Only the process whose UPDATE changed the row
sends it. If a worker dies between the claim and the "sent" mark, the message stays
"sending"; `messages_recover` later marks it failed for the staff to see instead of
sending it again, because the patient may already have it.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mesoclinic import clock
from mesoclinic.audit.models import AuditAction
from mesoclinic.audit.services import audit_record
from mesoclinic.messaging.care import care_book
from mesoclinic.messaging.channels import send_email, sms_gateway
from mesoclinic.messaging.models import Channel, Message, MessageStatus
from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment, AppointmentStatus

REMINDER = "visit_reminder"
STALE_CLAIM = datetime.timedelta(minutes=10)


def reminders_queue() -> int:
    """Queue a reminder for every booked visit starting within the reminder lead time,
    to each address the patient gave, if the patient agreed to be contacted. Returns
    how many were new."""
    now = clock.now()
    lead = datetime.timedelta(hours=settings.MESOCLINIC_REMINDER_HOURS)
    visits = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED,
        starts_at__gt=now,
        starts_at__lte=now + lead,
        patient__may_contact=True,
    ).select_related("patient", "location", "plan__formulation")
    messages = []
    for visit in visits:
        subject, body = reminder_text(visit)
        messages += messages_to_patient(
            patient=visit.patient,
            kind=REMINDER,
            occurrence=_occurrence(visit),
            due_at=now,
            subject=subject,
            body=body,
            appointment=visit,
        )
    # Count only what is new, looking at these visits' reminders rather than the whole
    # log, which grows every day; the unique constraint still settles a race.
    queued = set(
        Message.objects.filter(
            kind=REMINDER, appointment__in=[message.appointment for message in messages]
        ).values_list("occurrence", "channel")
    )
    new = [message for message in messages if (message.occurrence, message.channel) not in queued]
    Message.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def messages_to_patient(
    *,
    patient: Patient,
    kind: str,
    occurrence: str,
    due_at: datetime.datetime,
    subject: str,
    body: str,
    appointment: Appointment | None = None,
) -> list[Message]:
    """The message, unsaved, once to each address the patient gave (email and phone)."""
    return [
        Message(
            patient=patient,
            appointment=appointment,
            kind=kind,
            occurrence=occurrence,
            channel=channel,
            recipient=recipient,
            due_at=due_at,
            subject=subject,
            body=body,
        )
        for channel, recipient in ((Channel.EMAIL, patient.email), (Channel.SMS, patient.phone))
        if recipient
    ]


def reminder_text(visit: Appointment) -> tuple[str, str]:
    start = timezone.localtime(visit.starts_at)
    modality = visit.plan.formulation.modality if visit.plan else None
    what = (
        f"session {visit.session_number} of your treatment"
        if visit.session_number
        else "your visit"
    )
    lines = [
        f"Dear {visit.patient.given_name},",
        "",
        f"This is a reminder of {what} at {visit.location} on {start:%A %d %B %Y at %H:%M}.",
    ]
    if modality:
        lines += ["", "Before you come:"]
        lines += [f"- {text}" for text in care_book().precare_for(modality)]
    lines += ["", f"If you cannot come, please call us{_phone(visit)}."]
    return f"Your visit on {start:%d %B at %H:%M}", "\n".join(lines)


def messages_send_due(*, limit: int = 100) -> dict[str, int]:
    """Send the messages that are due, each at most once; returns counts by outcome."""
    counts = {MessageStatus.SENT: 0, MessageStatus.SKIPPED: 0, MessageStatus.FAILED: 0}
    due = Message.objects.filter(status=MessageStatus.PENDING, due_at__lte=clock.now())
    for message_id in due.values_list("id", flat=True)[:limit]:
        claimed = Message.objects.filter(pk=message_id, status=MessageStatus.PENDING).update(
            status=MessageStatus.SENDING, claimed_at=clock.now()
        )
        if claimed:  # another worker took it otherwise
            outcome = _deliver(Message.objects.select_related("appointment").get(pk=message_id))
            counts[outcome] += 1
    return {str(status): count for status, count in counts.items()}


def messages_recover() -> int:
    """Mark messages left "sending" by a worker that stopped; they are not sent again."""
    return Message.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lt=clock.now() - STALE_CLAIM
    ).update(
        status=MessageStatus.FAILED,
        detail="Interrupted while sending; not sent again in case it arrived.",
    )


def _deliver(message: Message) -> MessageStatus:
    visit = message.appointment
    if visit is not None and (
        visit.status != AppointmentStatus.BOOKED or _occurrence(visit) != message.occurrence
    ):
        return _finish(message, MessageStatus.SKIPPED, "The visit was moved or cancelled.")
    try:
        if message.channel == Channel.EMAIL:
            send_email(to=message.recipient, subject=message.subject, text=message.body)
        else:
            sms_gateway().send(to=message.recipient, text=message.body)
    except Exception as error:  # noqa: BLE001 - any provider failure is recorded, not raised
        return _finish(message, MessageStatus.FAILED, f"{type(error).__name__}: {error}"[:300])
    return _finish(message, MessageStatus.SENT, "")


def _finish(message: Message, status: MessageStatus, detail: str) -> MessageStatus:
    with transaction.atomic():
        message.status, message.detail = status, detail
        message.sent_at = clock.now() if status == MessageStatus.SENT else None
        message.save(update_fields=["status", "detail", "sent_at"])
        audit_record(
            actor=None,
            action=AuditAction.READ,
            object_type="messaging.message",
            object_id=message.pk,
            patient_id=message.patient_id,
            details={"kind": message.kind, "channel": message.channel, "outcome": status},
        )
    return status


def _occurrence(visit: Appointment) -> str:
    return f"visit {visit.pk} at {visit.starts_at.astimezone(datetime.UTC).isoformat()}"


def _phone(visit: Appointment) -> str:
    return f" on {visit.location.phone}" if visit.location.phone else ""
