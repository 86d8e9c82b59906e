import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import ClinicGroup
from mesoclinic.assessments.models import Consultation, Indication, Modality, ScalpZone
from mesoclinic.formulary.models import Formulation
from mesoclinic.patients.models import Patient
from mesoclinic.plans.protocols import parse_phases
from mesoclinic.plans.windows import Phase, session_count
from mesoclinic.screening.models import ScreeningDecision

DEFAULT_SESSION_MINUTES = 30  # clinical.md §1: a session takes about 30 minutes


def phases_from_json(raw) -> tuple[Phase, ...]:
    try:
        return parse_phases(raw)
    except ValueError as error:
        raise ValidationError({"phases": [str(error)]}) from None


class Protocol(models.Model):
    """A clinic group's course protocol: phases of sessions, each with an interval window.

    Installed from the shipped protocols (data/protocols.yaml, which carry their sources)
    and editable by the clinic; a plan copies the phases it was made with, so editing a
    protocol never moves a course already running.
    """

    clinic_group = models.ForeignKey(
        ClinicGroup, on_delete=models.PROTECT, related_name="protocols"
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=150)
    indication = models.CharField(_("indication"), max_length=20, choices=Indication.choices)
    modality = models.CharField(_("modality"), max_length=10, choices=Modality.choices)
    phases = models.JSONField(
        _("phases"), help_text=_("[{sessions, interval_days_min, interval_days_max}]")
    )
    review_at_session = models.PositiveSmallIntegerField(
        _("response review at session"), null=True, blank=True
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("minutes per session"),
        default=DEFAULT_SESSION_MINUTES,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    source = models.TextField(_("source"))
    evidence = models.CharField(_("evidence"), max_length=10)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic_group", "code"], name="protocol_code_once_per_group"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def phase_list(self) -> tuple[Phase, ...]:
        return phases_from_json(self.phases)

    @property
    def session_count(self) -> int:
        return session_count(self.phase_list())

    def clean(self) -> None:
        total = session_count(self.phase_list())
        if self.review_at_session is not None and not 1 <= self.review_at_session <= total:
            raise ValidationError(
                {"review_at_session": [f"Choose a session between 1 and {total}."]}
            )


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACCEPTED = "accepted", _("Accepted by the patient")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


# Which status may follow which; the services refuse anything else.
PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.ACCEPTED, PlanStatus.STOPPED}),
    PlanStatus.ACCEPTED: frozenset({PlanStatus.ACTIVE, PlanStatus.STOPPED}),
    PlanStatus.ACTIVE: frozenset({PlanStatus.ON_HOLD, PlanStatus.COMPLETED, PlanStatus.STOPPED}),
    PlanStatus.ON_HOLD: frozenset({PlanStatus.ACTIVE, PlanStatus.STOPPED}),
    PlanStatus.COMPLETED: frozenset(),
    PlanStatus.STOPPED: frozenset(),
}


class TreatmentPlan(models.Model):
    """A patient's course: what it rests on (consultation, screening, formulation), the
    protocol's phases as they were when planned, target zones and where it stands."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="plans")
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="plans")
    screening = models.ForeignKey(
        ScreeningDecision,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("The screening decision the plan rests on"),
    )
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="plans")
    phases = models.JSONField(_("phases"))
    review_at_session = models.PositiveSmallIntegerField(null=True, blank=True)
    session_minutes = models.PositiveSmallIntegerField(default=DEFAULT_SESSION_MINUTES)
    formulation = models.ForeignKey(Formulation, on_delete=models.PROTECT, related_name="plans")
    target_zones = models.JSONField(_("target zones"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    preferred_weekdays = models.JSONField(
        _("preferred weekdays"), default=list, blank=True, help_text=_("0 = Monday … 6 = Sunday")
    )
    preferred_from = models.TimeField(
        _("preferably starting from"), null=True, blank=True, help_text=_("e.g. 09:00")
    )
    preferred_until = models.TimeField(
        _("preferably starting by"), null=True, blank=True, help_text=_("e.g. 12:00")
    )
    preferred_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="preferred_in_plans",
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="plan_status_is_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.protocol.name} for {self.patient}"

    def phase_list(self) -> tuple[Phase, ...]:
        return phases_from_json(self.phases)

    @property
    def session_count(self) -> int:
        return session_count(self.phase_list())

    def prefers_time(self, moment: datetime.time) -> bool:
        return (self.preferred_from is None or self.preferred_from <= moment) and (
            self.preferred_until is None or moment <= self.preferred_until
        )

    def can_become(self, status: str) -> bool:
        return status in PLAN_TRANSITIONS[self.status]

    def clean(self) -> None:
        self.phase_list()
        errors: dict[str, list[str]] = {}
        unknown_zones = set(self.target_zones or []) - set(ScalpZone.values)
        if unknown_zones:
            errors["target_zones"] = [f"Unknown zones: {', '.join(sorted(unknown_zones))}."]
        weekdays = self.preferred_weekdays or []
        if not all(isinstance(day, int) and 0 <= day <= 6 for day in weekdays):
            errors["preferred_weekdays"] = ["Weekdays are 0 (Monday) to 6 (Sunday)."]
        if (
            self.preferred_from is not None
            and self.preferred_until is not None
            and self.preferred_from > self.preferred_until
        ):
            errors["preferred_until"] = ["Choose a time after the “from” time."]
        if errors:
            raise ValidationError(errors)
