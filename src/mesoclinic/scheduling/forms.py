import datetime
from collections.abc import Sequence

from django import forms
from django.utils.translation import gettext_lazy as _

from mesoclinic.accounts.models import User
from mesoclinic.plans.forms import WEEKDAYS
from mesoclinic.scheduling.calendar import OpeningSpan
from mesoclinic.scheduling.models import AppointmentStatus

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MoveForm(forms.Form):
    """A new time for a visit, chosen from the free times listed for a day. The slot
    travels as "practitioner:room:ISO start" so one button press says everything."""

    slot = forms.CharField()

    def clean_slot(self) -> tuple[int, int, datetime.datetime]:
        try:
            practitioner, room, start = self.cleaned_data["slot"].split(":", 2)
            moment = datetime.datetime.fromisoformat(start)
            if moment.tzinfo is None:
                raise ValueError
            return int(practitioner), int(room), moment
        except ValueError:
            raise forms.ValidationError(_("Choose one of the free times listed.")) from None


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (AppointmentStatus.DONE, _("Done")),
            (AppointmentStatus.MISSED, _("Missed")),
            (AppointmentStatus.CANCELLED, _("Cancelled")),
        ]
    )


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    confirm_stranded = forms.BooleanField(
        label=_("Take it out of use anyway; I will move those visits"), required=False
    )


class OpeningDayField(forms.CharField):
    """One weekday's opening spans as typed: "09:00–13:00, 14:00–19:00"."""

    def __init__(self, *, weekday: int, **kwargs):
        super().__init__(required=False, **kwargs)
        self.weekday = weekday

    def to_python(self, value: str | None) -> list[OpeningSpan]:  # type: ignore[override]
        spans = []
        for part in filter(None, (piece.strip() for piece in (value or "").split(","))):
            try:
                opens, closes = (
                    datetime.time.fromisoformat(moment.strip().zfill(5))
                    for moment in part.replace("–", "-").split("-")
                )
            except ValueError:
                raise forms.ValidationError(
                    _("Write each span as 09:00–13:00, separated by commas.")
                ) from None
            spans.append(OpeningSpan(self.weekday, opens, closes))
        return spans


class OpeningHoursForm(forms.Form):
    """A week of opening hours, one line per weekday; the gap between two spans is the
    break, and an empty line means closed."""

    def __init__(self, *args, opening: Sequence[OpeningSpan] = (), **kwargs):
        super().__init__(*args, **kwargs)
        for weekday, label in WEEKDAYS:
            self.fields[f"day_{weekday}"] = OpeningDayField(
                weekday=weekday,
                label=label,
                initial=", ".join(span.times for span in opening if span.weekday == weekday),
                help_text=_("e.g. 09:00–13:00, 14:00–19:00; empty when closed"),
            )
        self.fields["confirm_stranded"] = forms.BooleanField(
            label=_("Save anyway; I will move those visits"), required=False
        )

    def spans(self) -> list[OpeningSpan]:
        return [
            span for weekday, _label in WEEKDAYS for span in self.cleaned_data[f"day_{weekday}"]
        ]

    def field_for(self, key: str) -> str | None:
        """The weekday a refused span belongs to ("spans.3.closes" → that day's field)."""
        if not key.startswith("spans."):
            return None
        return f"day_{self.spans()[int(key.split('.')[1])].weekday}"


class AbsenceForm(forms.Form):
    practitioner = forms.ModelChoiceField(label=_("Practitioner"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(label=_("From"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    confirm_stranded = forms.BooleanField(
        label=_("Record it anyway; I will move those visits"), required=False
    )

    def __init__(self, *args, practitioners: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=[practitioner.pk for practitioner in practitioners]
        )
