import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.signed_in import forget_signed_in_user


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", _("Practitioner")
    RECEPTION = "reception", _("Reception")
    MANAGER = "manager", _("Manager")
    PATIENT = "patient", _("Patient")


STAFF_ROLES = frozenset({Role.PRACTITIONER, Role.RECEPTION, Role.MANAGER})


class ClinicGroup(models.Model):
    """A company running one or more clinic locations under one name."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. TR"))
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code"))
    screening_policies = models.JSONField(
        _("screening policies"),
        default=dict,
        blank=True,
        help_text=_("The clinic's choices for the rulebook's configurable items, e.g. minimum_age"),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from mesoclinic.screening.engine import resolve_policies
        from mesoclinic.screening.rulebook import rulebook

        try:
            resolve_policies(rulebook(), self.screening_policies or {})
        except ValueError as error:
            raise ValidationError({"screening_policies": [str(error)]}) from None


class Location(models.Model):
    """One clinic site: where patients are registered and staff work."""

    group = models.ForeignKey(ClinicGroup, on_delete=models.PROTECT, related_name="locations")
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")

    class Meta:
        ordering = ["group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="location_name_unique_in_group")
        ]

    def __str__(self) -> str:
        return self.name

    def practitioners(self) -> "models.QuerySet[User]":
        """The active practitioners who work here: those a visit may be booked with."""
        return User.objects.filter(locations=self, role=Role.PRACTITIONER, is_active=True)


class User(AbstractUser):
    """Anyone who logs in: staff of a clinic group, or a patient reading their own record.

    Staff see the patients of the locations they work at; a patient user sees only
    the patient record linked to them.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    clinic_group = models.ForeignKey(
        ClinicGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    locations = models.ManyToManyField(
        Location, blank=True, related_name="staff", verbose_name=_("works at")
    )

    @property
    def is_clinic_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @cached_property
    def location_ids(self) -> frozenset[int]:
        """The locations this user works at, read once per request."""
        return frozenset(self.locations.values_list("id", flat=True))

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        forget_signed_in_user(self.pk)

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @staticmethod
    def digest_of(raw_token: str) -> str:
        return hashlib.sha256(raw_token.encode()).hexdigest()
