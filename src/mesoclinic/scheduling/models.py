from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import Location
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan


class Room(models.Model):
    """A treatment room at a location; two sessions never share one at the same time."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["location", "name"]
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="room_name_once_per_location")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


class OpeningHours(models.Model):
    """One opening span of a location on a weekday; a break is the gap between two spans."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("0 = Monday … 6 = Sunday"))
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["location", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="opening_weekday_is_a_day"),
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")), name="opening_span_is_forward"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location} day {self.weekday} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Absence(models.Model):
    """A practitioner away (leave, training, illness): nothing is booked for them then."""

    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="absence_is_forward"
            )
        ]

    def __str__(self) -> str:
        return f"{self.practitioner} away {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


# Appointments that hold their practitioner and room; the database refuses two of these
# overlapping (an exclusion constraint on PostgreSQL, triggers on SQLite: migration 0002).
HOLDING_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.DONE)


class Appointment(models.Model):
    """A visit in the calendar: a session of a treatment plan, or a consultation."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    plan = models.ForeignKey(
        TreatmentPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="appointments")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["practitioner", "starts_at"], name="appointment_practitioner"),
            models.Index(fields=["room", "starts_at"], name="appointment_room"),
            # A location's calendar reads a day or a week: without this, every visit the
            # location ever had is scanned for it.
            models.Index(fields=["location", "starts_at"], name="appointment_location"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="appointment_is_forward"
            ),
            models.CheckConstraint(
                condition=Q(plan__isnull=True) | Q(session_number__gte=1),
                name="plan_appointment_has_session_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M} ({self.status})"

    @property
    def holds_the_slot(self) -> bool:
        return self.status in HOLDING_STATUSES
