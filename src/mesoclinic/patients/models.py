import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Concat, Lower, Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import Location
from mesoclinic.patients.icd10 import icd10_title, normalize_icd10, validate_icd10

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

lower_case_name = RegexValidator(
    r"^[a-z0-9][a-z0-9 ,.'()/+-]*$",
    _("Use the lower-case generic name, e.g. warfarin."),
    code="lower_case_name",
)


def validate_birth_date(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("The birth date cannot be in the future."), code="future")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(_("The birth date is before 1900."), code="too_old")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class Smoking(models.TextChoices):
    UNKNOWN = "", _("Not asked")
    NEVER = "never", _("Never")
    FORMER = "former", _("Former smoker")
    CURRENT = "current", _("Smokes")


class Alcohol(models.TextChoices):
    UNKNOWN = "", _("Not asked")
    NONE = "none", _("None")
    OCCASIONAL = "occasional", _("Occasional")
    REGULAR = "regular", _("Regular")


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    TURKISH = "tr", "Türkçe"


# Letters searched for as their plain ones, so that "yilmaz" typed on any keyboard finds
# "Yılmaz": the same pairs fold the stored search text and what is searched for.
TURKISH_LETTERS, PLAIN_LETTERS = "çÇğĞıİöÖşŞüÜ", "ccggiioossuu"
SEARCH_FOLD = str.maketrans(TURKISH_LETTERS, PLAIN_LETTERS)


def search_folded(text: str) -> str:
    """Text as a patient's search text holds it: Turkish letters plain, in lower case."""
    return text.translate(SEARCH_FOLD).lower()


def _search_text() -> models.Func:
    """Names, phone (without its spaces) and email in one folded text, which the database
    computes on every write; PostgreSQL indexes it by trigrams for searching inside it."""
    as_text = models.TextField()
    text: models.Func = Concat(
        "given_name",
        models.Value(" "),
        "family_name",
        models.Value(" "),
        Replace("phone", models.Value(" "), output_field=as_text),
        models.Value(" "),
        "email",
        output_field=as_text,
    )
    for letter, plain in zip(TURKISH_LETTERS, PLAIN_LETTERS, strict=True):
        text = Replace(text, models.Value(letter), models.Value(plain), output_field=as_text)
    return Lower(text, output_field=as_text)


class Patient(models.Model):
    """A person the clinic treats, registered at one location, with their medical history.

    Pregnancy facts are nullable on purpose: "not asked" must stay distinguishable from
    "no", because screening reports an unanswered question rather than assuming safety.
    """

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="patients", verbose_name=_("location")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient_record",
        verbose_name=_("portal login"),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    birth_date = models.DateField(_("birth date"), validators=[validate_birth_date])
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    may_contact = models.BooleanField(_("agrees to be contacted"), default=False)

    is_pregnant = models.BooleanField(_("pregnant"), null=True, blank=True)
    is_breastfeeding = models.BooleanField(_("breastfeeding"), null=True, blank=True)
    may_become_pregnant = models.BooleanField(_("may become pregnant"), null=True, blank=True)
    smoking = models.CharField(
        _("smoking"), max_length=10, choices=Smoking.choices, blank=True, default=Smoking.UNKNOWN
    )
    alcohol = models.CharField(
        _("alcohol"), max_length=10, choices=Alcohol.choices, blank=True, default=Alcohol.UNKNOWN
    )
    diet = models.CharField(
        _("diet"), max_length=200, blank=True, help_text=_("e.g. vegetarian, recent crash diet")
    )
    history_notes = models.TextField(_("medical history notes"), blank=True)

    created_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.GeneratedField(
        expression=_search_text(), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            # The patient list in name order: of one location, and of any several (a
            # manager's), read in order until the page is full rather than sorted whole.
            models.Index(fields=["location", "family_name", "given_name"], name="patient_by_name"),
            models.Index(
                fields=["family_name", "given_name", "id"], name="patient_by_name_any_location"
            ),
            # The home page's recent registrations. Not led by the location, so that no
            # planner takes it for the name-ordered list of a location.
            models.Index(fields=["created_at"], name="patient_by_registration"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Condition(models.Model):
    """A diagnosis or illness in the patient's history, coded in ICD-10."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="conditions")
    icd10_code = models.CharField(_("ICD-10 code"), max_length=8, validators=[validate_icd10])
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_controlled = models.BooleanField(
        _("controlled"), null=True, blank=True, help_text=_("Leave empty if not known")
    )
    noted_on = models.DateField(_("noted on"), null=True, blank=True)

    class Meta:
        ordering = ["icd10_code", "id"]
        constraints = [
            models.UniqueConstraint(fields=["patient", "icd10_code"], name="condition_once")
        ]

    def __str__(self) -> str:
        return f"{self.icd10_code} {self.description}".strip()

    @property
    def identity(self) -> str:
        """What may appear only once in a patient's list."""
        return self.icd10_code

    def normalize(self) -> None:
        self.icd10_code = normalize_icd10(self.icd10_code)
        self.description = self.description.strip() or icd10_title(self.icd10_code)


class Medication(models.Model):
    """A medicine the patient currently takes, by generic name."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(_("generic name"), max_length=100, validators=[lower_case_name])
    dose = models.CharField(_("dose"), max_length=100, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["patient", "name"], name="medication_once")]

    def __str__(self) -> str:
        return f"{self.name} {self.dose}".strip()

    @property
    def identity(self) -> str:
        """What may appear only once in a patient's list."""
        return self.name

    def normalize(self) -> None:
        self.name = self.name.strip().lower()
        self.dose = self.dose.strip()


class Allergy(models.Model):
    """A substance the patient reacts to; screening checks every formulation against these."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="allergies")
    substance = models.CharField(_("substance"), max_length=100, validators=[lower_case_name])
    reaction = models.CharField(_("reaction"), max_length=200, blank=True)

    class Meta:
        ordering = ["substance", "id"]
        verbose_name_plural = "allergies"
        constraints = [
            models.UniqueConstraint(fields=["patient", "substance"], name="allergy_once")
        ]

    def __str__(self) -> str:
        return self.substance

    @property
    def identity(self) -> str:
        """What may appear only once in a patient's list."""
        return self.substance

    def normalize(self) -> None:
        self.substance = self.substance.strip().lower()
        self.reaction = self.reaction.strip()
