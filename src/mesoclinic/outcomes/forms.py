"""Forms of the outcomes page: the measures of one visit, and the review decision."""

from decimal import Decimal
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from mesoclinic import clock
from mesoclinic.outcomes.measures import measure_catalog
from mesoclinic.outcomes.models import PhotoView, ReviewDecision
from mesoclinic.outcomes.selectors import BASELINE, PlanOutcomes
from mesoclinic.web import DATE_INPUT


def visit_choices(outcomes: PlanOutcomes) -> list[tuple[str, str]]:
    """The plan's visits a measure or photo belongs to: the consultation, then each session."""
    return [(BASELINE, str(_("Baseline (consultation)")))] + [
        (str(row.session_id), f"{_('Session')} {row.number}, {row.day:%d %b %Y}")
        for row in outcomes.rows[1:]
    ]


class MeasurementForm(forms.Form):
    """One field per measure; only those filled in are recorded."""

    visit = forms.ChoiceField(label=_("Visit"))
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE_INPUT)

    def __init__(self, *args, outcomes: PlanOutcomes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        visit = cast(forms.ChoiceField, self.fields["visit"])
        visit.choices = visit_choices(outcomes)
        self.fields["visit"].initial = str(outcomes.rows[-1].session_id or BASELINE)
        self.fields["measured_on"].initial = clock.today()
        for measure in measure_catalog().measures:
            self.fields[measure.id] = forms.DecimalField(
                label=f"{measure.label} ({measure.unit})",
                required=False,
                max_digits=8,
                decimal_places=2,
            )

    def values(self) -> dict:
        return {
            measure.id: self.cleaned_data[measure.id]
            for measure in measure_catalog().measures
            if self.cleaned_data.get(measure.id) is not None
        }

    def measure_fields(self) -> list[forms.BoundField]:
        return [self[measure.id] for measure in measure_catalog().measures]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))


class PhotoForm(forms.Form):
    visit = forms.ChoiceField(label=_("Visit"))
    view = forms.ChoiceField(label=_("View"), choices=PhotoView.choices)
    custom_label = forms.CharField(label=_("Name of the view"), required=False, max_length=60)
    taken_on = forms.DateField(label=_("Taken on"), widget=DATE_INPUT)
    image = forms.FileField(
        label=_("Photo"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def __init__(self, *args, outcomes: PlanOutcomes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        visit = cast(forms.ChoiceField, self.fields["visit"])
        visit.choices = visit_choices(outcomes)
        visit.initial = str(outcomes.rows[-1].session_id or BASELINE)
        self.fields["taken_on"].initial = clock.today()


class HairEstimateForm(forms.Form):
    """A trichoscopy image and the area it covers, for an estimated density."""

    image = forms.FileField(
        label=_("Trichoscopy image"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    area_cm2 = forms.DecimalField(
        label=_("Field of view (cm²)"),
        min_value=Decimal("0.01"),
        max_value=Decimal("10"),
        decimal_places=3,
        help_text=_("The skin the image covers, from the dermatoscope at its magnification."),
    )


class ThresholdForm(forms.Form):
    """The least improvement a clinic counts as a response for one measure."""

    measure = forms.CharField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        label=_("Counted as"),
        choices=[("percent", _("% of the baseline")), ("absolute", _("in the measure's unit"))],
    )
    value = forms.DecimalField(
        label=_("Least improvement"), min_value=Decimal("0.01"), max_digits=6, decimal_places=2
    )
