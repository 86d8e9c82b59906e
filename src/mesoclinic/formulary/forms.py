from decimal import Decimal
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import Location
from mesoclinic.assessments.models import Indication, Modality
from mesoclinic.formulary.catalog import ingredient_catalog
from mesoclinic.formulary.composition import Composition
from mesoclinic.formulary.models import (
    MAXIMUM_VOLUME_ML_PER_SESSION,
    Formulation,
    Lot,
    Product,
)
from mesoclinic.web import DATE_INPUT

INGREDIENT_ROWS = 6
CHECK_TOKEN_MAX_AGE_SECONDS = 60 * 60


def ingredient_choices() -> list[Any]:
    """The catalog as a select, grouped by class."""
    catalog = ingredient_catalog()
    groups: dict[str, list[tuple[str, str]]] = {}
    for ingredient in catalog.ingredients.values():
        label = catalog.classes[ingredient.ingredient_class]
        groups.setdefault(label, []).append((ingredient.name, ingredient.name))
    return [("", "—"), *sorted(groups.items())]


class FormulationForm(forms.Form):
    """A formulation with a fixed number of ingredient rows; blank rows are ignored."""

    name = forms.CharField(label=_("Name"), max_length=150)
    indication = forms.ChoiceField(label=_("Indication"), choices=Indication.choices)
    modality = forms.ChoiceField(label=_("Modality"), choices=Modality.choices)
    volume_ml_per_session = forms.DecimalField(
        label=_("Volume per session (mL)"),
        min_value=Decimal("0.1"),
        max_value=MAXIMUM_VOLUME_ML_PER_SESSION,
        decimal_places=2,
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)
    template = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(INGREDIENT_ROWS):
            self.fields[f"ingredient_{row}"] = forms.ChoiceField(
                label=_("Ingredient"), choices=ingredient_choices(), required=False
            )
            self.fields[f"percent_{row}"] = forms.DecimalField(
                label=_("Concentration (%)"),
                required=False,
                min_value=Decimal("0.0001"),
                max_value=Decimal(100),
                decimal_places=4,
            )

    @classmethod
    def initial_from(cls, formulation: Formulation) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": formulation.name,
            "indication": formulation.indication,
            "modality": formulation.modality,
            "volume_ml_per_session": formulation.volume_ml_per_session,
            "notes": formulation.notes,
            "template": formulation.pk if formulation.is_template else formulation.template_id,
        }
        for row, part in enumerate(formulation.ingredients.all()):
            initial[f"ingredient_{row}"] = part.ingredient
            percent = part.concentration_percent
            initial[f"percent_{row}"] = None if percent is None else f"{percent.normalize():f}"
        return initial

    def ingredient_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"ingredient_{row}"], self[f"percent_{row}"]) for row in range(INGREDIENT_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"ingredient_{row}") for row in range(INGREDIENT_ROWS)):
            raise ValidationError(_("Choose one ingredient at least."))
        return data

    def composition(self) -> Composition:
        data = self.cleaned_data
        rows = [
            (data[f"ingredient_{row}"], data[f"percent_{row}"])
            for row in range(INGREDIENT_ROWS)
            if data.get(f"ingredient_{row}")
        ]
        return Composition(
            name=data["name"],
            indication=data["indication"],
            modality=data["modality"],
            volume_ml_per_session=data["volume_ml_per_session"],
            ingredients=tuple(rows),
            notes=data["notes"],
            template_id=data.get("template"),
        )

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal beside the row or input it concerns."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        positions = [
            row for row in range(INGREDIENT_ROWS) if self.cleaned_data.get(f"ingredient_{row}")
        ]
        for key, messages in error.message_dict.items():
            field: str | None = key if key in self.fields else None
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "ingredients" and int(parts[1]) < len(positions):
                prefix = "percent" if parts[2] == "concentration_percent" else "ingredient"
                field = f"{prefix}_{positions[int(parts[1])]}"
            self.add_error(field, messages)


def check_token(*, patient_id: int, composition: Composition, decision: str) -> str:
    """Proof that this composition was checked for this patient with this decision shown."""
    return signing.dumps(
        {"composition": composition.fingerprint(), "decision": decision},
        salt=f"formulation-check:{patient_id}",
    )


def checked_decision(*, token: str, patient_id: int, composition: Composition) -> str:
    """The decision shown for exactly this composition, or ValidationError if it was not."""
    try:
        proof = signing.loads(
            token, salt=f"formulation-check:{patient_id}", max_age=CHECK_TOKEN_MAX_AGE_SECONDS
        )
    except signing.BadSignature:
        raise ValidationError(
            _("Check the formulation against the patient before saving.")
        ) from None
    if proof["composition"] != composition.fingerprint():
        raise ValidationError(_("The formulation changed since it was checked; check it again."))
    return proof["decision"]


class StopForm(forms.Form):
    reason = forms.CharField(label=_("Why is it stopped?"), max_length=300)


class ReceiveForm(forms.Form):
    """A delivery: typed (product, lot, expiry) or read from the GS1 label."""

    location = forms.ModelChoiceField(label=_("Location"), queryset=Location.objects.none())
    label = forms.CharField(
        label=_("GS1 label (scan)"),
        required=False,
        help_text=_("Scan the DataMatrix, or type e.g. (01)…(17)YYMMDD(10)LOT"),
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.filter(is_active=True), required=False
    )
    lot_number = forms.CharField(label=_("Lot"), max_length=40, required=False)
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=DATE_INPUT)
    quantity = forms.IntegerField(label=_("Vials"), min_value=1)
    supplier = forms.CharField(label=_("Supplier"), max_length=150, required=False)

    def __init__(self, *args: Any, locations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("label"):
            for name in ("product", "lot_number", "expiry_date"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Required unless the label is scanned."))
        return data


class DiscardForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    lot = forms.ModelChoiceField(queryset=Lot.objects.select_related("product"))
    quantity = forms.IntegerField(label=_("Vials"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, locations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]
