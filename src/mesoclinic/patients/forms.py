from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import Location, User
from mesoclinic.patients.icd10 import normalize_icd10
from mesoclinic.patients.models import Allergy, Condition, Medication, Patient
from mesoclinic.patients.services import DEMOGRAPHIC_FIELDS, MEDICAL_FIELDS
from mesoclinic.web import DATE_INPUT, yes_no_unknown_field

if TYPE_CHECKING:
    pass

NOT_ASKED = _("Not asked")

FIELD_ORDER = [
    "location",
    "given_name",
    "family_name",
    "birth_date",
    "sex",
    "phone",
    "email",
    "address",
    "city",
    "postal_code",
    "preferred_language",
    "may_contact",
    "is_pregnant",
    "is_breastfeeding",
    "may_become_pregnant",
    "smoking",
    "alcohol",
    "diet",
    "history_notes",
]


class PatientForm(forms.ModelForm):
    """Demographics for every staff role; medical facts only for roles that may edit them."""

    is_pregnant = yes_no_unknown_field(_("Pregnant"), unknown_label=NOT_ASKED)
    is_breastfeeding = yes_no_unknown_field(_("Breastfeeding"), unknown_label=NOT_ASKED)
    may_become_pregnant = yes_no_unknown_field(_("May become pregnant"), unknown_label=NOT_ASKED)

    class Meta:
        model = Patient
        fields = FIELD_ORDER
        widgets = {
            "birth_date": DATE_INPUT,
            "history_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, include_medical: bool, **kwargs):
        super().__init__(*args, **kwargs)
        location_field = cast(forms.ModelChoiceField, self.fields["location"])
        location_field.queryset = Location.objects.filter(pk__in=user.location_ids)
        location_field.empty_label = None
        if not include_medical:
            for name in MEDICAL_FIELDS:
                del self.fields[name]

    def changed_values(self) -> dict:
        """The cleaned values of the fields this form shows, for the service."""
        shown = (DEMOGRAPHIC_FIELDS | MEDICAL_FIELDS) & set(self.fields)
        return {name: self.cleaned_data[name] for name in shown}


class ConditionForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = ["icd10_code", "description", "is_controlled"]
        widgets = {"icd10_code": forms.TextInput(attrs={"list": "icd10-codes", "size": 8})}

    is_controlled = yes_no_unknown_field(_("Controlled"), unknown_label=NOT_ASKED)

    def clean_icd10_code(self) -> str:
        return normalize_icd10(self.cleaned_data["icd10_code"])


class MedicationForm(forms.ModelForm):
    class Meta:
        model = Medication
        fields = ["name", "dose"]

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip().lower()


class AllergyForm(forms.ModelForm):
    class Meta:
        model = Allergy
        fields = ["substance", "reaction"]

    def clean_substance(self) -> str:
        return self.cleaned_data["substance"].strip().lower()
