from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.assessments.models import Consultation


class Decision(models.TextChoices):
    CONTRAINDICATED = "contraindicated", _("Contraindicated")
    REFER = "refer", _("Refer first")
    ELIGIBLE_WITH_PRECAUTIONS = "eligible_with_precautions", _("Eligible with precautions")
    ELIGIBLE = "eligible", _("Eligible")


class ScreeningDecision(models.Model):
    """The engine's decision for a consultation as it stood, with every reason and source.

    A practitioner's override is added beside it, with a written justification; the
    engine's own decision is never rewritten.
    """

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="screenings"
    )
    decision = models.CharField(_("decision"), max_length=30, choices=Decision.choices)
    result = models.JSONField(_("reasons, precautions, missing facts, alternatives"))
    rulebook_version = models.CharField(max_length=30)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(default=timezone.now)
    override_decision = models.CharField(
        _("overridden to"), max_length=30, blank=True, choices=Decision.choices
    )
    override_justification = models.TextField(_("justification"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-screened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(override_decision="") | ~Q(override_justification=""),
                name="screening_override_is_justified",
            )
        ]

    def __str__(self) -> str:
        return f"{self.effective_decision} ({self.screened_at:%Y-%m-%d})"

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_decision)

    @property
    def effective_decision(self) -> str:
        return self.override_decision or self.decision

    def get_effective_decision_display(self) -> str:
        return str(Decision(self.effective_decision).label)
