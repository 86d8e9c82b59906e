"""Forms to report an adverse event (staff or patient), follow it up, and clear a hold."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mesoclinic import clock
from mesoclinic.formulary.models import Lot
from mesoclinic.patients.models import Patient
from mesoclinic.plans.models import TreatmentPlan
from mesoclinic.safety.event_types import event_catalog
from mesoclinic.safety.models import Outcome, ReportedVia
from mesoclinic.safety.services import EventReport
from mesoclinic.web import DATE_INPUT

GRADE_CHOICES = [
    (1, _("1 · mild")),
    (2, _("2 · moderate")),
    (3, _("3 · severe")),
    (4, _("4 · life-threatening")),
    (5, _("5 · death")),
]
# What a patient can judge of their own symptoms, as the grade a clinician then reviews.
PATIENT_SEVERITY = [
    (1, _("Mild: I notice it, it does not stop me doing anything")),
    (2, _("Moderate: it gets in the way of everyday things")),
    (3, _("Severe: I cannot go about my day, or it is getting worse")),
]


class EventForm(forms.Form):
    """An event as staff report it, at the session or on a follow-up call."""

    reported_via = forms.ChoiceField(
        label=_("Reported"),
        choices=[(ReportedVia.SESSION, ReportedVia.SESSION.label)]
        + [(ReportedVia.FOLLOW_UP_CALL, ReportedVia.FOLLOW_UP_CALL.label)],
    )
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=TreatmentPlan.objects.none())
    event_type = forms.ChoiceField(label=_("Type"), choices=lambda: event_catalog().choices())
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 2})
    )
    grade = forms.TypedChoiceField(
        label=_("CTCAE grade"), choices=GRADE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    onset_on = forms.DateField(label=_("Onset"), widget=DATE_INPUT)
    body_site = forms.CharField(label=_("Body site"), max_length=120)
    lots = forms.ModelMultipleChoiceField(
        label=_("Related lots"),
        queryset=Lot.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    action_taken = forms.CharField(
        label=_("Action taken"), required=False, widget=forms.Textarea({"rows": 2})
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    follow_up_on = forms.DateField(label=_("Follow-up on"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, patient: Patient, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plans = patient.plans.select_related("protocol").order_by("-created_at")
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        self.fields["lots"].queryset = (  # type: ignore[attr-defined]
            Lot.objects.filter(uses__session__patient=patient).select_related("product").distinct()
        )
        self.fields["onset_on"].initial = clock.today()

    def report(self) -> EventReport:
        data = self.cleaned_data
        return EventReport(
            event_type=data["event_type"],
            grade=data["grade"],
            onset_on=data["onset_on"],
            body_site=data["body_site"],
            description=data["description"],
            action_taken=data["action_taken"],
            outcome=data["outcome"],
            follow_up_on=data["follow_up_on"],
            lots=list(data["lots"]),
        )


class PatientEventForm(forms.Form):
    """What a patient tells us from the portal, in their words; a clinician grades it."""

    event_type = forms.ChoiceField(
        label=_("What did you notice?"), choices=lambda: event_catalog().choices()
    )
    description = forms.CharField(
        label=_("Tell us more"), required=False, widget=forms.Textarea({"rows": 3})
    )
    severity = forms.TypedChoiceField(
        label=_("How bad is it?"), choices=PATIENT_SEVERITY, coerce=int, widget=forms.RadioSelect
    )
    onset_on = forms.DateField(label=_("Since when?"), widget=DATE_INPUT)
    body_site = forms.CharField(label=_("Where?"), max_length=120)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["onset_on"].initial = clock.today()

    def report(self) -> EventReport:
        data = self.cleaned_data
        return EventReport(
            event_type=data["event_type"],
            grade=data["severity"],
            onset_on=data["onset_on"],
            body_site=data["body_site"],
            description=data["description"],
        )


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    action_taken = forms.CharField(
        label=_("Action taken"), required=False, widget=forms.Textarea({"rows": 2})
    )
    follow_up_on = forms.DateField(label=_("Next follow-up"), required=False, widget=DATE_INPUT)


class ClearForm(forms.Form):
    note = forms.CharField(label=_("Why the plan may go on"), widget=forms.Textarea({"rows": 2}))
