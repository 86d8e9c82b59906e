"""How a message leaves: email through Django's email backend, SMS through a gateway
behind a small interface (a clinic plugs in its provider by dotted path in the
MESOCLINIC_SMS_GATEWAY setting). Sending raises on failure; the worker records it."""

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class OutboxSmsGateway:
    """Keeps texts in memory instead of sending them: the default until a clinic
    configures a provider, and what the tests read."""

    outbox: list[tuple[str, str]] = []

    def send(self, *, to: str, text: str) -> None:
        self.outbox.append((to, text))


def sms_gateway() -> SmsGateway:
    return import_string(settings.MESOCLINIC_SMS_GATEWAY)()


def send_email(*, to: str, subject: str, text: str) -> None:
    send_mail(subject, text, None, [to], fail_silently=False)
