from typing import cast

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import Location
from mesoclinic.patients.models import validate_birth_date
from mesoclinic.portal.models import ContactRequest
from mesoclinic.portal.self_assessment import (
    ALLERGY_ANSWERS,
    CONDITION_ANSWERS,
    DIAGNOSIS_ANSWERS,
    MEDICATION_ANSWERS,
)
from mesoclinic.web import DATE_INPUT

NONE = "none"
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
YES_NO_UNSURE = [*YES_NO, ("unsure", _("Not sure"))]
ANSWER_VALUES = {"yes": True, "no": False, "unsure": None, "": None}
PREGNANCY_QUESTIONS = ("pregnant", "breastfeeding", "may_become_pregnant")
HAIR_QUESTIONS = ("scalp_infection", "follicles_present", "cause_investigated")
OUTCOME_SALT = "mesoclinic.portal.outcome"


def yes_no(label, choices=YES_NO, help_text=""):
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect, required=False, help_text=help_text
    )


def tick_boxes(label, answers: dict) -> forms.MultipleChoiceField:
    choices = [(key, text) for key, (text, _fact) in answers.items()]
    return forms.MultipleChoiceField(
        label=label,
        choices=[*choices, (NONE, _("None of these"))],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick what applies, or “None of these”.")},
    )


class SelfAssessmentForm(forms.Form):
    """A short questionnaire in plain words; every answer maps to one fact of the screening."""

    indication = forms.ChoiceField(
        label=_("What would you like to treat?"),
        widget=forms.RadioSelect,
        choices=[
            ("hair_loss", _("Hair loss or thinning hair")),
            ("skin_rejuvenation", _("Tired or ageing skin")),
            ("fat_reduction", _("A small area of fat (chin, abdomen)")),
            ("cellulite", _("Cellulite")),
        ],
    )
    modality = forms.ChoiceField(
        label=_("Which treatment are you interested in?"),
        widget=forms.RadioSelect,
        choices=[
            ("cocktail", _("Injections of a vitamin cocktail (or not sure)")),
            ("prp", _("PRP: injections of your own platelet-rich plasma")),
        ],
        initial="cocktail",
    )
    birth_date = forms.DateField(
        label=_("Your date of birth"),
        validators=[validate_birth_date],
        widget=DATE_INPUT,
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        widget=forms.RadioSelect,
        choices=[("female", _("Female")), ("male", _("Male")), ("other", _("Other"))],
    )
    pregnant = yes_no(_("Are you pregnant?"), help_text=_("For women only."))
    breastfeeding = yes_no(_("Are you breastfeeding?"), help_text=_("For women only."))
    may_become_pregnant = yes_no(
        _("Could you become pregnant in the coming months?"), help_text=_("For women only.")
    )
    conditions = tick_boxes(
        _("Do you have any of these?"),
        {**CONDITION_ANSWERS, **{k: (t, c) for k, (t, c) in DIAGNOSIS_ANSWERS.items()}},
    )
    medications = tick_boxes(_("Do you take any of these medicines?"), MEDICATION_ANSWERS)
    allergies = tick_boxes(_("Are you allergic to any of these?"), ALLERGY_ANSWERS)
    scalp_infection = yes_no(
        _("Is your scalp currently infected, inflamed or sore?"), help_text=_("For hair loss only.")
    )
    follicles_present = yes_no(
        _("Is there still some hair, even fine, in the thinning area?"),
        choices=YES_NO_UNSURE,
        help_text=_("For hair loss only."),
    )
    cause_investigated = yes_no(
        _("Has a doctor checked the cause of your hair loss?"),
        help_text=_("For example with blood tests. For hair loss only."),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        for group in ("conditions", "medications", "allergies"):
            picked = data.get(group) or []
            if NONE in picked and len(picked) > 1:
                self.add_error(group, _("“None of these” cannot be ticked with another answer."))
        if data.get("sex") in {"female", "other"}:
            for name in PREGNANCY_QUESTIONS:
                if not data.get(name):
                    self.add_error(name, _("Please answer: this matters for your safety."))
        if data.get("indication") == "hair_loss":
            for name in HAIR_QUESTIONS:
                if not data.get(name):
                    self.add_error(name, _("Please answer this question about your hair."))
        return data

    def answers(self) -> dict:
        """Answers as facts: yes/no as booleans, unticked groups as empty lists."""
        data = self.cleaned_data
        is_woman = data["sex"] in {"female", "other"}
        picked_conditions = [key for key in data["conditions"] if key != NONE]
        answers = {
            "indication": data["indication"],
            "modality": data["modality"],
            "birth_date": data["birth_date"],
            "sex": data["sex"],
            "conditions": [key for key in picked_conditions if key in CONDITION_ANSWERS],
            "diagnoses": [key for key in picked_conditions if key in DIAGNOSIS_ANSWERS],
            "medications": [key for key in data["medications"] if key != NONE],
            "allergies": [key for key in data["allergies"] if key != NONE],
        }
        for name in PREGNANCY_QUESTIONS:
            answers[name] = ANSWER_VALUES[data.get(name) or ""] if is_woman else None
        for name in HAIR_QUESTIONS:
            answers[name] = ANSWER_VALUES[data.get(name) or ""]
        return answers

    @staticmethod
    def today():
        return timezone.localdate()


class ContactRequestForm(forms.ModelForm):
    """Left only by a visitor who wants a call back; the outcome comes signed from the answer."""

    outcome_token = forms.CharField(widget=forms.HiddenInput)

    class Meta:
        model = ContactRequest
        fields = ["name", "phone", "email", "location", "agreed_to_contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        location_field = cast(forms.ModelChoiceField, self.fields["location"])
        location_field.queryset = Location.objects.order_by("name")
        self.fields["agreed_to_contact"].required = True
        self.fields["agreed_to_contact"].label = _(
            "I agree that the clinic contacts me about this request."
        )

    def clean_outcome_token(self) -> str:
        try:
            return signing.loads(self.cleaned_data["outcome_token"], salt=OUTCOME_SALT)
        except signing.BadSignature:
            raise forms.ValidationError(_("Please fill in the questionnaire again.")) from None

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("email"):
            self.add_error("phone", _("Give a phone number or an email address."))
        return data

    @staticmethod
    def token_for(outcome: str) -> str:
        return signing.dumps(outcome, salt=OUTCOME_SALT)
