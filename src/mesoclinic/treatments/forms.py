"""The session screen's forms: the checklist as asked today, and the chart with the
volume per zone and the vials used."""

import datetime
from decimal import Decimal
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mesoclinic import clock
from mesoclinic.assessments.models import Indication, ScalpZone
from mesoclinic.formulary.gs1 import read_label
from mesoclinic.formulary.models import Lot
from mesoclinic.treatments.models import Device, Technique, TreatmentSession
from mesoclinic.treatments.selectors import ChecklistState, VialChoice
from mesoclinic.treatments.services import ChartEntry, VialEntry
from mesoclinic.treatments.session_rules import session_rules

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
ZONE_PREFIX = "zone_"


class ChecklistForm(forms.Form):
    """One field per item asked of this session's modality: yes or no, or a time today."""

    def __init__(self, *args, state: ChecklistState, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines = [line for line in state.lines if line.item.kind != "consent"]
        for line in self.lines:
            item, answer = line.item, line.answer
            if item.kind == "time":
                self.fields[item.id] = forms.TimeField(
                    label=item.question,
                    required=False,
                    widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    initial=timezone.localtime(answer.done_at).time()
                    if answer and answer.done_at
                    else None,
                )
            else:
                self.fields[item.id] = forms.ChoiceField(
                    label=item.question,
                    choices=YES_NO,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=None if answer is None else ("yes" if answer.is_yes else "no"),
                )

    def answers(self) -> dict[str, dict]:
        """The answers given on this form, as the service's keyword arguments."""
        given = {}
        for line in self.lines:
            value = self.cleaned_data.get(line.item.id)
            if value in (None, ""):
                continue
            if line.item.kind == "time":
                moment = datetime.datetime.combine(clock.today(), value)
                given[line.item.id] = {"done_at": timezone.make_aware(moment)}
            else:
                given[line.item.id] = {"is_yes": value == "yes"}
        return given


class ChartForm(forms.Form):
    """The chart: technique, depth, times, volume per zone (on the scalp map for hair
    loss, a line per area otherwise), and the vials, picked or scanned."""

    device = forms.ChoiceField(label=_("Device"), choices=Device.choices)
    needle_gauge = forms.IntegerField(label=_("Needle gauge (G)"), required=False)
    needle_length_mm = forms.DecimalField(
        label=_("Needle length (mm)"), required=False, max_digits=3, decimal_places=1
    )
    technique = forms.ChoiceField(label=_("Technique"), choices=Technique.choices)
    depth_mm = forms.DecimalField(label=_("Depth (mm)"), max_digits=3, decimal_places=1)
    started_at = forms.TimeField(
        label=_("Started"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ended_at = forms.TimeField(
        label=_("Ended"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    vials = forms.MultipleChoiceField(
        label=_("Vials used"), required=False, widget=forms.CheckboxSelectMultiple
    )
    scanned = forms.CharField(
        label=_("Or scan the labels"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "(01)…(17)…(10)…"}),
        help_text=_("One GS1 label per line, as the scanner types it."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args, session: TreatmentSession, choices: list[VialChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.choices = {choice.key: choice for choice in choices}
        vials = cast(forms.MultipleChoiceField, self.fields["vials"])
        vials.choices = [(choice.key, _vial_label(choice)) for choice in choices]
        self.is_scalp = session.plan.formulation.indication == Indication.HAIR_LOSS
        if self.is_scalp:
            for zone in ScalpZone:
                self.fields[ZONE_PREFIX + zone.value] = forms.DecimalField(
                    label=zone.label, required=False, min_value=0, max_digits=4, decimal_places=2
                )
        else:
            self.fields["areas"] = forms.CharField(
                label=_("Volume per area"),
                widget=forms.Textarea({"rows": 3, "placeholder": "abdomen: 2.0"}),
                help_text=_("One area per line: its name, a colon, the mL injected there."),
            )

    TECHNIQUE_FIELDS = (
        "device",
        "technique",
        "needle_gauge",
        "needle_length_mm",
        "depth_mm",
        "started_at",
        "ended_at",
    )

    def technique_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.TECHNIQUE_FIELDS]

    def zone_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(ZONE_PREFIX)]

    def entered_volumes(self) -> dict[str, str]:
        """What was typed per zone, to draw on the map when the form is shown again."""
        return {
            name.removeprefix(ZONE_PREFIX): self[name].value()
            for name in self.fields
            if name.startswith(ZONE_PREFIX) and self[name].value()
        }

    def clean_areas(self) -> dict[str, Decimal]:
        volumes = {}
        for number, line in enumerate(self.cleaned_data["areas"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _colon, amount = line.rpartition(":")
            try:
                volumes[name.strip().lower()] = Decimal(amount.strip())
            except ArithmeticError:
                raise forms.ValidationError(
                    _("Line %(number)s: write the area, a colon and the mL, e.g. 'chin: 1.5'."),
                    params={"number": number},
                ) from None
            if not name.strip():
                raise forms.ValidationError(
                    _("Line %(number)s names no area."), params={"number": number}
                )
        return volumes

    def clean_scanned(self) -> list[Lot]:
        lots = []
        for line in self.cleaned_data["scanned"].splitlines():
            if line.strip():
                lots.append(self._scanned_lot(line))
        return lots

    def _scanned_lot(self, line: str) -> Lot:
        try:
            label = read_label(line)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        lot = (
            Lot.objects.select_related("product")
            .filter(product__gtin=label.gtin, lot_number=label.lot_number)
            .first()
        )
        if lot is None:
            raise forms.ValidationError(
                _("No lot %(lot)s of product %(gtin)s was received here."),
                params={"lot": label.lot_number, "gtin": label.gtin},
            )
        return lot

    def chart(self) -> ChartEntry:
        data = self.cleaned_data
        if self.is_scalp:
            volumes = {
                name.removeprefix(ZONE_PREFIX): data[name]
                for name in self.fields
                if name.startswith(ZONE_PREFIX) and data.get(name)
            }
        else:
            volumes = data["areas"]
        return ChartEntry(
            device=data["device"],
            technique=data["technique"],
            depth_mm=data["depth_mm"],
            zone_volumes=volumes,
            started_at=_today_at(data["started_at"]),
            ended_at=_today_at(data["ended_at"]),
            needle_gauge=data["needle_gauge"],
            needle_length_mm=data["needle_length_mm"],
            notes=data["notes"],
        )

    def vial_entries(self) -> list[VialEntry]:
        picked = [self.choices[key] for key in self.cleaned_data["vials"]]
        return [VialEntry(choice.lot, choice.opened_vial) for choice in picked] + [
            VialEntry(lot) for lot in self.cleaned_data["scanned"]
        ]

    @classmethod
    def initial_for(cls, session: TreatmentSession) -> dict:
        """A fresh chart starts at the visit's time and ends now, with the needle most
        sessions use (the middle of the charted range)."""
        gauge = session_rules().chart_limits["needle_gauge"]
        return {
            "started_at": timezone.localtime(session.appointment.starts_at).time(),
            "ended_at": timezone.localtime(clock.now()).time(),
            "needle_gauge": int((gauge.minimum + gauge.maximum) / 2),
        }


class AddendumForm(forms.Form):
    text = forms.CharField(label=_("Addendum"), widget=forms.Textarea({"rows": 3}))


def _today_at(moment: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(clock.today(), moment))


def _vial_label(choice: VialChoice) -> str:
    lot = choice.lot
    expiry = f"exp. {lot.expiry_date:%d %b %Y}"
    if choice.opened_vial is not None:
        until = timezone.localtime(choice.opened_vial.usable_until)
        return f"{lot.product} · lot {lot.lot_number} · opened, usable until {until:%d %b %H:%M}"
    return f"{lot.product} · lot {lot.lot_number} · {expiry} · {choice.on_hand} in stock"
