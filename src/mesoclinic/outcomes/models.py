from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import ClinicGroup
from mesoclinic.assessments.models import Consultation
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.treatments.models import TreatmentSession


class Measurement(models.Model):
    """One outcome measure taken at a visit: the consultation (the baseline) or a session."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="measurements")
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
    )
    session = models.ForeignKey(
        TreatmentSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
    )
    measure = models.CharField(_("measure"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=2)
    measured_on = models.DateField(_("measured on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measured_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consultation__isnull=True, session__isnull=False)
                | Q(consultation__isnull=False, session__isnull=True),
                name="measured_at_one_visit",
            ),
            models.UniqueConstraint(
                fields=["session", "measure"],
                condition=Q(session__isnull=False),
                name="measure_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["consultation", "measure"],
                condition=Q(consultation__isnull=False),
                name="measure_once_per_consultation",
            ),
        ]
        indexes = [models.Index(fields=["patient", "measure"], name="measurement_by_patient")]

    def __str__(self) -> str:
        return f"{self.measure} = {self.value} on {self.measured_on}"


class ResponseThreshold(models.Model):
    """A clinic group's own threshold for a measure, in place of the catalog's default."""

    clinic_group = models.ForeignKey(
        ClinicGroup, on_delete=models.CASCADE, related_name="response_thresholds"
    )
    measure = models.CharField(_("measure"), max_length=40)
    kind = models.CharField(
        _("kind"),
        max_length=10,
        choices=[("percent", _("% of baseline")), ("absolute", _("units"))],
    )
    value = models.DecimalField(_("least improvement"), max_digits=6, decimal_places=2)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic_group", "measure"], name="threshold_once"),
            models.CheckConstraint(condition=Q(value__gt=0), name="threshold_above_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value} {self.kind}"


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue the plan")
    ADJUST = "adjust", _("Adjust the plan")
    STOP = "stop", _("Stop the plan")


class ResponseReview(models.Model):
    """The practitioner's decision at the response review (clinical.md §6), with the
    changes from baseline as they stood when it was made."""

    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.PROTECT, related_name="response_reviews"
    )
    sessions_done = models.PositiveSmallIntegerField(_("sessions done"))
    changes = models.JSONField(_("changes from baseline"), blank=True)
    is_responding = models.BooleanField(_("responding"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"Review of plan {self.plan_id} after {self.sessions_done} sessions: {self.decision}"


class PhotoView(models.TextChoices):
    FRONTAL = "frontal", _("Frontal")
    VERTEX = "vertex", _("Vertex")
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    OCCIPITAL = "occipital", _("Occipital")
    CUSTOM = "custom", _("Other (named)")


class Photo(models.Model):
    """A standard photo taken at a visit. The file lives outside every served folder and
    is read only through a permission check; it was re-encoded on upload, so it carries
    no EXIF (no GPS, no camera serial)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="photos")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, null=True, blank=True, related_name="photos"
    )
    session = models.ForeignKey(
        TreatmentSession, on_delete=models.PROTECT, null=True, blank=True, related_name="photos"
    )
    view = models.CharField(_("view"), max_length=10, choices=PhotoView.choices)
    custom_label = models.CharField(_("name of the view"), max_length=60, blank=True)
    taken_on = models.DateField(_("taken on"))
    file_name = models.CharField(max_length=64, unique=True, editable=False)
    thumbnail_name = models.CharField(max_length=64, unique=True, editable=False)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taken_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consultation__isnull=True, session__isnull=False)
                | Q(consultation__isnull=False, session__isnull=True),
                name="photo_at_one_visit",
            ),
            models.CheckConstraint(
                condition=~Q(view="custom") | ~Q(custom_label=""), name="custom_view_is_named"
            ),
        ]
        indexes = [models.Index(fields=["patient", "view"], name="photo_by_view")]

    def __str__(self) -> str:
        return f"{self.get_view_display()} photo of {self.patient} on {self.taken_on}"

    @property
    def view_key(self) -> str:
        """What photos are compared by: the standard view, or a named custom one."""
        return f"custom:{self.custom_label}" if self.view == PhotoView.CUSTOM else self.view

    @property
    def view_name(self) -> str:
        return self.custom_label if self.view == PhotoView.CUSTOM else self.get_view_display()
