from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import Location


class ContactRequest(models.Model):
    """A visitor of the public self-assessment who asked the clinic to get in touch.

    Only what is needed to call back is kept: no answers to the questionnaire, only the
    outcome they were shown, so reception knows what the call is about.
    """

    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="contact_requests",
        verbose_name=_("preferred clinic"),
    )
    outcome = models.CharField(_("self-assessment outcome"), max_length=30)
    agreed_to_contact = models.BooleanField(_("agreed to be contacted"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_handled = models.BooleanField(_("handled"), default=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(phone="", email=""), name="contact_request_reachable"
            ),
            models.CheckConstraint(
                condition=models.Q(agreed_to_contact=True), name="contact_request_consented"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%Y-%m-%d})"
