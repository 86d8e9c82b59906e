from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mesoclinic.assessments.models import (
    PULL_TEST_SITES,
    Consultation,
    ScalpZone,
    Thinning,
    Trigger,
    normalize_diagnosis,
)
from mesoclinic.assessments.services import EDITABLE_FIELDS
from mesoclinic.screening.models import Decision
from mesoclinic.web import DATE_INPUT, yes_no_unknown_field

SERVICE_FIELD_INPUTS = {"diagnoses": "diagnoses_text", "skin_areas": "skin_areas_text"}
LIST_FIELDS = frozenset({"diagnoses", "triggers", "pull_test", "scalp_map", "skin_areas"})
NULLABLE_YES_NO = ("family_history", "cause_investigated", "follicles_present", "scalp_infection")


def zone_field_name(zone: str) -> str:
    return f"zone_{zone}"


class ConsultationForm(forms.ModelForm):
    """The consultation screen. Lists (diagnoses, pull test, zones, areas) get plain inputs."""

    diagnoses_text = forms.CharField(
        label=_("Diagnoses (ICD-10)"),
        required=False,
        help_text=_("Separated by commas, e.g. L64.9, E03.9"),
        widget=forms.TextInput(attrs={"list": "icd10-codes"}),
    )
    triggers = forms.MultipleChoiceField(
        label=_("Triggers"),
        choices=Trigger.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skin_areas_text = forms.CharField(
        label=_("Treatment areas (skin)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: area: size in cm², e.g. chin: 30"),
    )

    class Meta:
        model = Consultation
        fields = sorted(EDITABLE_FIELDS - LIST_FIELDS)
        widgets = {
            "held_on": DATE_INPUT,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        consultation: Consultation = self.instance
        for name in NULLABLE_YES_NO:
            model_field = cast(models.Field, Consultation._meta.get_field(name))
            self.fields[name] = yes_no_unknown_field(
                capfirst(model_field.verbose_name), unknown_label=_("Not examined")
            )
        pulled = {site["site"]: site for site in consultation.pull_test}
        for site in PULL_TEST_SITES:
            for count in ("grasped", "pulled"):
                self.fields[f"pull_{site}_{count}"] = forms.IntegerField(
                    label=f"{site.replace('_', ' ')}: {count}",
                    min_value=0,
                    max_value=200,
                    required=False,
                    initial=pulled.get(site, {}).get(count),
                )
        for zone, label in ScalpZone.choices:
            self.fields[zone_field_name(zone)] = forms.ChoiceField(
                label=label,
                choices=Thinning.choices,
                required=False,
                initial=consultation.scalp_map.get(zone, Thinning.NONE),
                widget=forms.Select(attrs={"data-zone": zone}),
            )
        if consultation.pk:
            self.initial["diagnoses_text"] = ", ".join(consultation.diagnoses)
            self.initial["triggers"] = consultation.triggers
            self.initial["skin_areas_text"] = "\n".join(
                f"{area['area']}: {area['size_cm2']}" for area in consultation.skin_areas
            )

    def clean_diagnoses_text(self) -> list[str]:
        codes = [code.strip() for code in self.cleaned_data["diagnoses_text"].split(",")]
        try:
            return [normalize_diagnosis(code) for code in codes if code]
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal beside the input it concerns."""
        for name, messages in error.message_dict.items():
            field = SERVICE_FIELD_INPUTS.get(name, name)
            self.add_error(field if field in self.fields else None, messages)

    def clean_skin_areas_text(self) -> list[dict[str, Any]]:
        areas = []
        for line in self.cleaned_data["skin_areas_text"].splitlines():
            if not line.strip():
                continue
            area, _colon, size = line.rpartition(":")
            try:
                areas.append({"area": area.strip(), "size_cm2": Decimal(size.strip())})
            except InvalidOperation:
                raise forms.ValidationError(_("Write each area as “name: size”.")) from None
        return areas

    def clean(self) -> dict:
        data = super().clean() or {}
        pull_test = []
        for site in PULL_TEST_SITES:
            grasped, pulled = data.get(f"pull_{site}_grasped"), data.get(f"pull_{site}_pulled")
            if grasped is None and pulled is None:
                continue
            if grasped is None or pulled is None:
                self.add_error(f"pull_{site}_grasped", _("Give both counts for this site."))
                continue
            pull_test.append({"site": site, "grasped": grasped, "pulled": pulled})
        data["pull_test"] = pull_test
        return data

    def service_fields(self) -> dict[str, Any]:
        """Cleaned values as the consultation services take them."""
        data = self.cleaned_data
        fields = {name: data[name] for name in EDITABLE_FIELDS - LIST_FIELDS if name in data}
        fields["diagnoses"] = data["diagnoses_text"]
        fields["triggers"] = list(data["triggers"])
        fields["pull_test"] = data["pull_test"]
        fields["skin_areas"] = data["skin_areas_text"]
        fields["scalp_map"] = {
            zone: data[zone_field_name(zone)]
            for zone in ScalpZone.values
            if data.get(zone_field_name(zone)) not in (None, "", Thinning.NONE)
        }
        return fields


SECTIONS = [
    (_("Consultation"), ["held_on", "indication", "modality"]),
    (
        _("Hair-loss history"),
        ["onset", "family_history", "triggers", "diagnoses_text", "cause_investigated"],
    ),
    (_("Staging"), ["norwood_hamilton", "ludwig", "sinclair", "savin", "basp"]),
    (
        _("SALT: % hair loss per view (alopecia areata)"),
        ["salt_top", "salt_back", "salt_right", "salt_left"],
    ),
    (
        _("Pull test: hairs grasped and pulled out per site"),
        [f"pull_{site}_{count}" for site in PULL_TEST_SITES for count in ("grasped", "pulled")],
    ),
    (
        _("Trichoscopy"),
        [
            "density_per_cm2",
            "terminal_percent",
            "vellus_percent",
            "shaft_diameter_um",
            "anagen_percent",
            "telogen_percent",
        ],
    ),
    (_("Scalp"), ["follicles_present", "scalp_infection", "scalp_condition"]),
    (_("Skin indications"), ["skin_areas_text"]),
    (
        _("PRP: blood values and recent medicines"),
        [
            "platelets_10e9_per_l",
            "hemoglobin_g_dl",
            "days_since_nsaid",
            "days_since_systemic_steroid",
        ],
    ),
    (_("Notes"), ["notes"]),
]


def form_sections(form: "ConsultationForm") -> list[tuple[Any, list]]:
    return [(title, [form[name] for name in names]) for title, names in SECTIONS]


def zone_fields(form: "ConsultationForm") -> list:
    return [form[zone_field_name(zone)] for zone in ScalpZone.values]


class OverrideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Override to"))
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the rule does not apply to this patient."),
    )

    def __init__(self, *args, engine_decision: str, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["decision"]).choices = [
            (value, label) for value, label in Decision.choices if value != engine_decision
        ]
