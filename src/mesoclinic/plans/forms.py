from django import forms
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import User
from mesoclinic.assessments.models import ScalpZone
from mesoclinic.formulary.models import Formulation
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import PlanStatus, Protocol
from mesoclinic.web import DATE_INPUT

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class PlanForm(forms.Form):
    protocol = forms.ModelChoiceField(queryset=Protocol.objects.none(), label=_("Protocol"))
    formulation = forms.ModelChoiceField(
        queryset=Formulation.objects.none(), label=_("Formulation")
    )
    target_zones = forms.MultipleChoiceField(
        choices=ScalpZone.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Target zones"),
    )
    preferred_weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Preferred weekdays"),
    )
    preferred_from = forms.TimeField(
        required=False, label=_("Preferably from"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    preferred_until = forms.TimeField(
        required=False, label=_("Preferably by"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    preferred_practitioner = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=_("Preferred practitioner")
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, patient: Patient, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "protocol": Protocol.objects.filter(
                clinic_group_id=patient.location.group_id, is_active=True
            ),
            "formulation": Formulation.objects.filter(patient=patient, is_active=True),
            "preferred_practitioner": patient.location.practitioners(),
        }
        for name, queryset in choices.items():
            self.fields[name].queryset = queryset  # type: ignore[attr-defined]


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=PlanStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(required=False, max_length=500, label=_("Reason"))


class CourseForm(forms.Form):
    start_from = forms.DateField(label=_("First session from"), widget=DATE_INPUT)
