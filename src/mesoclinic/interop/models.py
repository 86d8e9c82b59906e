from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import ApiToken


class CalendarFeed(models.Model):
    """A secret address at which a practitioner's or patient's calendar app reads their
    visits (iCalendar). Only the secret's digest is kept; revoking ends it at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"

    @staticmethod
    def digest_of(secret: str) -> str:
        return ApiToken.digest_of(secret)
