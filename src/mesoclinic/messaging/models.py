from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.patients.models import Patient
from mesoclinic.scheduling.models import Appointment


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """One message to a patient, sent at most once by the worker.

    The log is the guarantee: (patient, kind, occurrence, channel) is unique, so queueing
    the same reminder twice adds nothing, and a message is claimed (status "sending",
    committed) before it leaves, so a worker that restarts never sends it again. The
    occurrence names what the message is about, e.g. a visit at its time: a visit moved
    to another time gets a reminder of its own.
    """

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="messages")
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=40)
    occurrence = models.CharField(_("occurrence"), max_length=100)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("to"), max_length=254)
    due_at = models.DateTimeField(_("due"), db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "occurrence", "channel"], name="message_once"
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False), name="sent_has_time"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="message_due")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.patient} by {self.channel} ({self.status})"
