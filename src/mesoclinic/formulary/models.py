from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import ClinicGroup, Location
from mesoclinic.assessments.models import Consultation, Indication, Modality
from mesoclinic.formulary.catalog import ingredient_catalog
from mesoclinic.patients.models import Patient
from mesoclinic.screening.models import Decision

# A sanity bound on what one session may inject; clinical.md §1 gives ~2–5 mL as usual.
MAXIMUM_VOLUME_ML_PER_SESSION = Decimal(20)


def validate_ingredient(name: str) -> None:
    if name not in ingredient_catalog().ingredients:
        raise ValidationError(
            _("%(name)s is not in the ingredient catalog."),
            code="unknown_ingredient",
            params={"name": name},
        )


class Product(models.Model):
    """A vial product the clinic buys: brand, ingredients, size, how long it keeps once opened."""

    brand_name = models.CharField(_("brand name"), max_length=150, unique=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=150, blank=True)
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True, help_text=_("From the barcode"))
    vial_size_ml = models.DecimalField(
        _("vial size (mL)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    is_multi_dose = models.BooleanField(_("multi-dose vial"), default=False)
    hours_usable_after_opening = models.PositiveIntegerField(
        _("usable after opening (hours)"),
        null=True,
        blank=True,
        help_text=_("Multi-dose vials only; single-dose vials are used once."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["brand_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gtin"], condition=~Q(gtin=""), name="product_gtin_once"
            ),
            models.CheckConstraint(
                condition=Q(is_multi_dose=False) | Q(hours_usable_after_opening__gt=0),
                name="multi_dose_product_has_opened_life",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand_name} {self.vial_size_ml} mL"


class IngredientStrength(models.Model):
    """A catalog ingredient and, where it has one, its concentration."""

    ingredient = models.CharField(_("ingredient"), max_length=100, validators=[validate_ingredient])
    concentration_percent = models.DecimalField(
        _("concentration (%)"),
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal(100))],
    )

    class Meta:
        abstract = True
        ordering = ["ingredient"]

    def __str__(self) -> str:
        percent = self.concentration_percent
        strength = f" {percent.normalize():f}%" if percent is not None else ""
        return f"{self.ingredient}{strength}"


class ProductIngredient(IngredientStrength):
    """One ingredient of a product and its concentration."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ingredients")

    class Meta(IngredientStrength.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["product", "ingredient"], name="ingredient_once_per_product"
            )
        ]


class Lot(models.Model):
    """A manufacturer's batch of a product, with its expiry; stock of it is kept per location."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField(_("lot"), max_length=40)
    expiry_date = models.DateField(_("expiry date"))
    supplier = models.CharField(_("supplier"), max_length=150, blank=True)

    class Meta:
        ordering = ["expiry_date", "lot_number"]
        constraints = [
            models.UniqueConstraint(fields=["product", "lot_number"], name="lot_once_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.product.brand_name} lot {self.lot_number} (exp. {self.expiry_date})"

    def is_expired_on(self, day) -> bool:
        return self.expiry_date < day


class MovementKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    USED = "used", _("Used in a session")
    OPENED = "opened", _("Opened")
    DISCARDED = "discarded", _("Discarded")
    RETURNED = "returned", _("Returned to supplier")
    ADJUSTED = "adjusted", _("Stock count adjusted")


# The sign each kind of movement may carry: stock in (+1), stock out (-1), or either (0).
MOVEMENT_SIGN = {
    MovementKind.RECEIVED: 1,
    MovementKind.USED: -1,
    MovementKind.OPENED: -1,
    MovementKind.DISCARDED: -1,
    MovementKind.RETURNED: -1,
    MovementKind.ADJUSTED: 0,
}


class StockMovement(models.Model):
    """One change to a location's sealed vials of a lot. The ledger is only ever appended to;
    the stock on hand is the sum of its quantities."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="stock_movements")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=10, choices=MovementKind.choices)
    quantity = models.IntegerField(_("vials"), help_text=_("Positive in, negative out"))
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["location", "lot"], name="stock_by_location_lot")]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_movement_moves_something"),
            models.CheckConstraint(
                condition=Q(kind="adjusted")
                | Q(kind="received", quantity__gt=0)
                | Q(kind__in=["used", "opened", "discarded", "returned"], quantity__lt=0),
                name="stock_movement_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity:+d} × {self.lot}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The stock ledger is append-only: correct it with an adjustment.")
        super().save(*args, **kwargs)


class OpenedVial(models.Model):
    """A multi-dose vial in use at a location: usable until its after-opening limit or expiry."""

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="opened_vials")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="opened_vials")
    opened_at = models.DateTimeField(default=timezone.now)
    usable_until = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_finished = models.BooleanField(default=False)

    class Meta:
        ordering = ["usable_until"]

    def __str__(self) -> str:
        return f"{self.lot} opened {self.opened_at:%Y-%m-%d %H:%M}"

    def is_usable_at(self, moment) -> bool:
        return not self.is_finished and moment <= self.usable_until


class Formulation(models.Model):
    """A cocktail of catalog ingredients with a volume per session.

    Without a patient it is one of the clinic's templates ("vitamin cocktail"); with one it
    is that patient's composition, saved only after the screening engine re-checked it
    against the patient's consultation and record. Neither kind is edited once saved: a
    change is a new formulation, so every session points at what was actually checked.
    """

    clinic_group = models.ForeignKey(
        ClinicGroup, on_delete=models.PROTECT, related_name="formulations"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="formulations"
    )
    template = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="compositions",
        help_text=_("The clinic template this composition started from"),
    )
    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="formulations",
        help_text=_("The consultation it was checked against"),
    )
    name = models.CharField(_("name"), max_length=150)
    indication = models.CharField(_("indication"), max_length=20, choices=Indication.choices)
    modality = models.CharField(_("modality"), max_length=10, choices=Modality.choices)
    volume_ml_per_session = models.DecimalField(
        _("volume per session (mL)"),
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.1")),
            MaxValueValidator(MAXIMUM_VOLUME_ML_PER_SESSION),
        ],
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    screening_decision = models.CharField(
        _("screening decision"), max_length=30, choices=Decision.choices, blank=True
    )
    screening_result = models.JSONField(_("screening result"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic_group", "name"],
                condition=Q(patient__isnull=True),
                name="template_name_once_per_group",
                violation_error_message=_("A template with this name already exists."),
            ),
            # A patient's composition always carries the check it passed; a template never.
            models.CheckConstraint(
                condition=(
                    Q(patient__isnull=True, consultation__isnull=True, screening_decision="")
                    | Q(patient__isnull=False, consultation__isnull=False)
                    & ~Q(screening_decision="")
                ),
                name="patient_formulation_is_screened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.volume_ml_per_session} mL)"

    @property
    def is_template(self) -> bool:
        return self.patient_id is None

    def ingredient_names(self) -> list[str]:
        return [part.ingredient for part in self.ingredients.all()]


class FormulationIngredient(IngredientStrength):
    """One ingredient of a formulation and its concentration in the mix."""

    formulation = models.ForeignKey(
        Formulation, on_delete=models.CASCADE, related_name="ingredients"
    )

    class Meta(IngredientStrength.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["formulation", "ingredient"], name="ingredient_once_per_formulation"
            )
        ]

    def clean(self) -> None:
        known = ingredient_catalog().ingredients.get(self.ingredient)
        if known is None or known.percent_range is None or self.concentration_percent is None:
            return
        low, high = known.percent_range
        if not low <= self.concentration_percent <= high:
            raise ValidationError(
                {
                    "concentration_percent": _(
                        "%(name)s is used at %(low)s–%(high)s%% (%(source)s)."
                    )
                    % {
                        "name": self.ingredient,
                        "low": low.normalize(),
                        "high": high.normalize(),
                        "source": known.source,
                    }
                }
            )
