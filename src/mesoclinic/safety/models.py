from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.safety.event_types import event_catalog
from mesoclinic.treatments.models import TreatmentSession


class ReportedVia(models.TextChoices):
    SESSION = "session", _("At the session")
    FOLLOW_UP_CALL = "follow_up_call", _("Follow-up call")
    PATIENT = "patient", _("By the patient (portal)")


class Outcome(models.TextChoices):
    ONGOING = "ongoing", _("Not recovered yet")
    RECOVERING = "recovering", _("Recovering")
    RECOVERED = "recovered", _("Recovered")
    RECOVERED_WITH_SEQUELAE = "sequelae", _("Recovered with sequelae")
    FATAL = "fatal", _("Fatal")
    UNKNOWN = "unknown", _("Unknown")


class AdverseEvent(models.Model):
    """Something harmful after a session, graded with CTCAE v5 (1–5).

    An event that holds the plan (grade ≥3, an infection or an allergic reaction) keeps
    the plan on hold until a clinician clears it; `cleared_at` records that decision.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="adverse_events")
    plan = models.ForeignKey(
        TreatmentPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adverse_events",
    )
    session = models.ForeignKey(
        TreatmentSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adverse_events",
    )
    event_type = models.CharField(_("type"), max_length=40)
    description = models.TextField(_("description"), blank=True)
    grade = models.PositiveSmallIntegerField(_("CTCAE grade"))
    onset_on = models.DateField(_("onset"))
    body_site = models.CharField(_("body site"), max_length=120)
    lots = models.ManyToManyField(Lot, blank=True, related_name="adverse_events")
    action_taken = models.TextField(_("action taken"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.ONGOING
    )
    follow_up_on = models.DateField(_("follow-up"), null=True, blank=True)
    reported_via = models.CharField(_("reported"), max_length=16, choices=ReportedVia.choices)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)
    holds_plan = models.BooleanField(_("holds the plan"), default=False)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    clearance_note = models.TextField(_("why cleared"), blank=True)

    class Meta:
        ordering = ["-onset_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=5), name="adverse_event_ctcae_grade"
            ),
            models.CheckConstraint(
                condition=Q(cleared_at__isnull=True) | Q(holds_plan=True),
                name="only_a_hold_is_cleared",
            ),
        ]
        indexes = [models.Index(fields=["plan", "holds_plan", "cleared_at"], name="event_holds")]

    def __str__(self) -> str:
        return f"{self.event_type} grade {self.grade} ({self.patient})"

    @property
    def type_label(self) -> str:
        kind = event_catalog().get(self.event_type)
        return kind.label if kind is not None else self.event_type

    @property
    def is_holding(self) -> bool:
        return self.holds_plan and self.cleared_at is None


class SafetyAlert(models.Model):
    """An adverse event that put a plan on hold, shown to a practitioner or manager until
    they have seen it."""

    event = models.ForeignKey(AdverseEvent, on_delete=models.CASCADE, related_name="alerts")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_alerts"
    )
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="alert_once_per_person")
        ]
        indexes = [models.Index(fields=["recipient", "seen_at"], name="alert_unseen")]

    def __str__(self) -> str:
        return f"Alert to {self.recipient} about event {self.event_id}"
