from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.assessments.scales import (
    SaltResult,
    pull_test_is_positive,
    pull_test_pattern,
    salt,
    staging_scales,
    validate_basp,
)
from mesoclinic.patients.icd10 import ICD10_PATTERN, normalize_icd10
from mesoclinic.patients.models import Patient

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Indication(models.TextChoices):
    HAIR_LOSS = "hair_loss", _("Hair loss")
    SKIN_REJUVENATION = "skin_rejuvenation", _("Skin rejuvenation")
    FAT_REDUCTION = "fat_reduction", _("Localized fat")
    CELLULITE = "cellulite", _("Cellulite")


class Modality(models.TextChoices):
    COCKTAIL = "cocktail", _("Cocktail")
    PRP = "prp", _("PRP (platelet-rich plasma)")


class Trigger(models.TextChoices):
    SEASON = "season", _("Seasonal")
    STRESS = "stress", _("Stress")
    DIET = "diet", _("Diet or crash diet")
    PREGNANCY_MENOPAUSE = "pregnancy_menopause", _("Pregnancy, postpartum or menopause")
    STYLING = "styling", _("Styling, traction or chemicals")
    HAIR_PULLING = "hair_pulling", _("Hair pulling")
    ILLNESS = "illness", _("Illness or fever")
    MEDICATION = "medication", _("A medicine")


class ScalpZone(models.TextChoices):
    FRONTAL = "frontal", _("Frontal")
    MID_SCALP = "mid_scalp", _("Mid-scalp")
    VERTEX = "vertex", _("Vertex")
    LEFT_TEMPORAL = "left_temporal", _("Left temporal")
    RIGHT_TEMPORAL = "right_temporal", _("Right temporal")
    OCCIPITAL = "occipital", _("Occipital")


class Thinning(models.TextChoices):
    NONE = "none", _("None")
    MILD = "mild", _("Mild")
    MODERATE = "moderate", _("Moderate")
    SEVERE = "severe", _("Severe")


class ScalpCondition(models.TextChoices):
    NORMAL = "normal", _("Normal")
    OILY = "oily", _("Oily")
    DRY = "dry", _("Dry")
    DANDRUFF = "dandruff", _("Dandruff or scaling")
    INFLAMED = "inflamed", _("Red or inflamed")


PULL_TEST_SITES = ("frontal", "vertex", "left_temporal", "right_temporal", "occipital")


def stage_choices(scale: str) -> list[tuple[str, str]]:
    return [(stage, stage) for stage in staging_scales()[scale].stages]


def percentage(name: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(
        name,
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )


def measure(name: StrOrPromise, digits: int = 6) -> models.DecimalField:
    return models.DecimalField(
        name,
        max_digits=digits,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )


class Consultation(models.Model):
    """A consultation and scalp (or skin) evaluation: history, staging, measures, findings.

    Yes/no findings are nullable: "not examined" must stay distinguishable from "no",
    because screening asks about what was not examined instead of assuming it is fine.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consultations")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consultations"
    )
    held_on = models.DateField(_("date"), default=timezone.localdate)
    indication = models.CharField(_("indication"), max_length=20, choices=Indication.choices)
    modality = models.CharField(
        _("planned modality"), max_length=10, choices=Modality.choices, default=Modality.COCKTAIL
    )

    onset = models.CharField(
        _("onset"),
        max_length=100,
        blank=True,
        help_text=_("e.g. 2023, after pregnancy, gradual over 5 years"),
    )
    family_history = models.BooleanField(_("family history of hair loss"), null=True, blank=True)
    triggers = models.JSONField(_("triggers"), default=list, blank=True)
    diagnoses = models.JSONField(_("diagnoses (ICD-10)"), default=list, blank=True)
    cause_investigated = models.BooleanField(_("cause investigated"), null=True, blank=True)

    norwood_hamilton = models.CharField(
        _("Norwood–Hamilton"), max_length=12, blank=True, choices=stage_choices("norwood_hamilton")
    )
    ludwig = models.CharField(
        _("Ludwig"), max_length=5, blank=True, choices=stage_choices("ludwig")
    )
    sinclair = models.CharField(
        _("Sinclair"), max_length=2, blank=True, choices=stage_choices("sinclair")
    )
    savin = models.CharField(_("Savin"), max_length=10, blank=True, choices=stage_choices("savin"))
    basp = models.CharField(_("BASP"), max_length=8, blank=True, help_text=_("e.g. M2V1"))

    salt_top = percentage(_("SALT: top, % loss"))
    salt_back = percentage(_("SALT: back, % loss"))
    salt_right = percentage(_("SALT: right side, % loss"))
    salt_left = percentage(_("SALT: left side, % loss"))
    pull_test = models.JSONField(
        _("pull test"),
        default=list,
        blank=True,
        help_text=_("Per site: hairs grasped and hairs pulled out"),
    )

    density_per_cm2 = measure(_("density (hairs/cm²)"))
    terminal_percent = percentage(_("terminal hairs (%)"))
    vellus_percent = percentage(_("vellus hairs (%)"))
    shaft_diameter_um = measure(_("mean shaft diameter (µm)"), digits=5)
    anagen_percent = percentage(_("anagen (%)"))
    telogen_percent = percentage(_("telogen (%)"))

    follicles_present = models.BooleanField(_("follicles present"), null=True, blank=True)
    scalp_infection = models.BooleanField(
        _("scalp infection or inflammation"), null=True, blank=True
    )
    scalp_condition = models.CharField(
        _("scalp condition"), max_length=10, blank=True, choices=ScalpCondition.choices
    )
    scalp_map = models.JSONField(_("thinning by zone"), default=dict, blank=True)
    skin_areas = models.JSONField(_("treatment areas (cm²)"), default=list, blank=True)

    platelets_10e9_per_l = measure(_("platelets (×10⁹/L)"))
    hemoglobin_g_dl = measure(_("haemoglobin (g/dL)"), digits=4)
    days_since_nsaid = models.PositiveIntegerField(
        _("days since last NSAID"), null=True, blank=True
    )
    days_since_systemic_steroid = models.PositiveIntegerField(
        _("days since last systemic steroid"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["patient", "-held_on"], name="consultation_recent")]

    def __str__(self) -> str:
        return f"{self.get_indication_display()} · {self.held_on}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.diagnoses = self._checked(errors, "diagnoses", self.diagnoses, normalize_diagnosis)
        self.triggers = self._checked(errors, "triggers", self.triggers, _trigger)
        self.pull_test = self._checked(errors, "pull_test", self.pull_test, _pull_site)
        self.skin_areas = self._checked(errors, "skin_areas", self.skin_areas, _skin_area)
        try:
            self.scalp_map = _scalp_map(self.scalp_map)
        except ValueError as error:
            errors["scalp_map"] = [str(error)]
        if self.basp:
            try:
                self.basp = validate_basp(self.basp)
            except ValueError as error:
                errors["basp"] = [str(error)]
        for first, second in (
            ("terminal_percent", "vellus_percent"),
            ("anagen_percent", "telogen_percent"),
        ):
            a, b = getattr(self, first), getattr(self, second)
            if a is not None and b is not None and a + b > 100:
                errors[second] = [
                    str(
                        _("Together with %(other)s this exceeds 100 %%.")
                        % {"other": first.replace("_", " ")}
                    )
                ]
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _checked(errors, field, values, check) -> list:
        if not isinstance(values, list):
            errors[field] = ["Expected a list."]
            return values
        try:
            return [check(value) for value in values]
        except (ValueError, TypeError, KeyError) as error:
            errors[field] = [str(error)]
            return values

    @property
    def salt_result(self) -> SaltResult | None:
        views = (self.salt_top, self.salt_back, self.salt_right, self.salt_left)
        if any(view is None for view in views):
            return None
        top, back, right, left = views
        return salt(top=top, back=back, right=right, left=left)

    @property
    def pull_test_results(self) -> list[dict]:
        return [
            {
                **site,
                "positive": pull_test_is_positive(
                    hairs_pulled=site["pulled"], hairs_grasped=site["grasped"]
                ),
            }
            for site in self.pull_test
        ]

    @property
    def pull_test_summary(self) -> str:
        return pull_test_pattern([site["positive"] for site in self.pull_test_results])


def normalize_diagnosis(code) -> str:
    normalized = normalize_icd10(str(code))
    if not ICD10_PATTERN.match(normalized):
        raise ValueError(f"{code} is not an ICD-10 code (e.g. L64.9).")
    return normalized


def _trigger(value) -> str:
    if value not in Trigger.values:
        raise ValueError(f"{value} is not a known trigger.")
    return value


def _pull_site(entry) -> dict:
    site, grasped, pulled = entry["site"], int(entry["grasped"]), int(entry["pulled"])
    if site not in PULL_TEST_SITES:
        raise ValueError(f"{site} is not a pull-test site.")
    pull_test_is_positive(hairs_pulled=pulled, hairs_grasped=grasped)  # validates the counts
    return {"site": site, "grasped": grasped, "pulled": pulled}


def _skin_area(entry) -> dict:
    area, size = str(entry["area"]).strip(), Decimal(str(entry["size_cm2"]))
    if not area or size <= 0:
        raise ValueError("Each treatment area needs a name and a size above 0 cm².")
    return {"area": area, "size_cm2": str(size)}


def _scalp_map(zones) -> dict:
    if not isinstance(zones, dict):
        raise ValueError("Expected thinning by zone.")
    for zone, level in zones.items():
        if zone not in ScalpZone.values or level not in Thinning.values:
            raise ValueError(f"{zone}: {level} is not a zone and thinning level.")
    return dict(zones)
