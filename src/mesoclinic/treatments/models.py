from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import Location
from mesoclinic.formulary.models import Lot, OpenedVial, StockMovement
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.scheduling.models import Appointment


class TreatmentConsent(models.Model):
    """A patient's signed consent to one treatment plan, valid until withdrawn."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="consents")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="treatment_consents"
    )
    signed_by_name = models.CharField(_("signed by"), max_length=200)
    signed_at = models.DateTimeField(_("signed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    class Meta:
        ordering = ["-signed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_valid_consent_per_plan",
            )
        ]

    def __str__(self) -> str:
        return f"Consent to plan {self.plan_id} signed {self.signed_at:%Y-%m-%d}"

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_at is None


class SessionStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    COMPLETED = "completed", _("Completed")


class Device(models.TextChoices):
    NEEDLE = "needle", _("Needle")
    GUN = "gun", _("Mesotherapy gun")


class Technique(models.TextChoices):
    NAPPAGE = "nappage", _("Nappage")
    POINT_BY_POINT = "point_by_point", _("Point by point")


class TreatmentSession(models.Model):
    """One session of a plan given at a visit: its checklist, then its chart.

    A completed session is the clinical record of what was injected; it is never edited
    again, only corrected by an addendum.
    """

    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="treatment"
    )
    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.PROTECT, related_name="treatment_sessions"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="treatment_sessions"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PREPARING
    )
    device = models.CharField(_("device"), max_length=10, choices=Device.choices, blank=True)
    needle_gauge = models.PositiveSmallIntegerField(_("needle gauge (G)"), null=True, blank=True)
    needle_length_mm = models.DecimalField(
        _("needle length (mm)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    technique = models.CharField(
        _("technique"), max_length=20, choices=Technique.choices, blank=True
    )
    depth_mm = models.DecimalField(
        _("depth (mm)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    zone_volumes = models.JSONField(
        _("volume per zone (mL)"), default=dict, blank=True, help_text=_('{"vertex": "1.50"}')
    )
    total_volume_ml = models.DecimalField(
        _("total volume (mL)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="treatment_sessions",
    )
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="preparing")
                | Q(
                    started_at__isnull=False,
                    ended_at__isnull=False,
                    total_volume_ml__isnull=False,
                    practitioner__isnull=False,
                    completed_at__isnull=False,
                ),
                name="completed_session_is_charted",
            ),
            models.CheckConstraint(
                condition=Q(started_at__isnull=True)
                | Q(ended_at__isnull=True)
                | Q(started_at__lt=F("ended_at")),
                name="session_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Session {self.appointment.session_number} of plan {self.plan_id} ({self.status})"

    def save(self, *args, **kwargs) -> None:
        if (
            self.pk is not None
            and type(self).objects.filter(pk=self.pk, status=SessionStatus.COMPLETED).exists()
        ):
            raise ValueError("A completed session is never edited: add an addendum.")
        super().save(*args, **kwargs)

    @property
    def is_completed(self) -> bool:
        return self.status == SessionStatus.COMPLETED


class ChecklistAnswer(models.Model):
    """One item of the pre-procedure checklist as answered on the day, by whom and when."""

    session = models.ForeignKey(
        TreatmentSession, on_delete=models.CASCADE, related_name="checklist_answers"
    )
    item = models.CharField(_("item"), max_length=40)
    is_yes = models.BooleanField(_("yes"), null=True, blank=True)
    done_at = models.DateTimeField(_("at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "item"], name="checklist_item_once"),
            models.CheckConstraint(
                condition=Q(is_yes__isnull=False) | Q(done_at__isnull=False),
                name="checklist_answer_says_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.done_at or self.is_yes}"


class VialUse(models.Model):
    """A vial of a lot used in a session; lot recall reads these."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="vials")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="uses")
    opened_vial = models.ForeignKey(
        OpenedVial, on_delete=models.PROTECT, null=True, blank=True, related_name="uses"
    )
    stock_movement = models.OneToOneField(
        StockMovement, on_delete=models.PROTECT, null=True, blank=True, related_name="use"
    )
    # The session's location and completion, kept here so that a recall pages through a
    # lot's uses in its own index, however many sessions the clinic has.
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "id"]
        indexes = [
            models.Index(fields=["lot", "given_at", "id"], name="vial_use_by_lot_in_time"),
            models.Index(fields=["lot", "location"], name="vial_use_by_lot_and_place"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(opened_vial__isnull=False) | Q(stock_movement__isnull=False),
                name="vial_use_comes_from_stock",
            )
        ]

    def __str__(self) -> str:
        return f"{self.lot} in session {self.session_id}"


class ChartAddendum(models.Model):
    """A correction or note added to a completed session; the chart itself stays as it was."""

    session = models.ForeignKey(TreatmentSession, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(_("addendum"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum to session {self.session_id} by {self.author}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("An addendum is never edited: add another.")
        super().save(*args, **kwargs)
