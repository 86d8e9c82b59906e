import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from mesoclinic.scheduling.models import AppointmentStatus


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
