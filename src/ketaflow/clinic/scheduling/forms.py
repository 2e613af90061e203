from __future__ import annotations

from datetime import UTC, datetime

from django import forms

from ketaflow.clinic.core.forms import NoNulCharField
from ketaflow.clinic.scheduling.services import Slot
from ketaflow.domain.scheduling.calendar import WEEKDAYS

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ProposalForm(forms.Form):
    earliest_start_day = forms.DateField(widget=DATE, label="First session on or after")
    preferred_start = forms.TimeField(widget=TIME, label="Preferred start time (clinic time)")


class AcceptForm(forms.Form):
    """The proposal's slots travel back as `slot` fields "index|chair|start-ISO"; the service re-checks each."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.raw_slots = data.getlist("slot") if data is not None else []

    def clean(self):
        slots = []
        for raw in self.raw_slots:
            try:
                index, chair, start = raw.split("|", 2)
                when = datetime.fromisoformat(start)
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                slots.append(Slot(int(index), chair, when))
            except ValueError:
                raise forms.ValidationError(f"unreadable slot {raw[:60]!r}") from None
        if not slots:
            raise forms.ValidationError("no session to book: propose dates first")
        self.cleaned_data["slots"] = slots
        return self.cleaned_data


class MoveForm(forms.Form):
    chair = forms.ChoiceField(label="Chair")
    day = forms.DateField(widget=DATE, label="Day")
    start_time = forms.TimeField(widget=TIME, label="Start (clinic time)")

    def __init__(self, *args, chairs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].choices = [(c.code, str(c)) for c in chairs if c.active]


class CancelForm(forms.Form):
    reason = NoNulCharField(max_length=200, label="Reason for cancelling")


class ChairForm(forms.Form):
    code = NoNulCharField(max_length=20, label="Short name")
    name = NoNulCharField(max_length=80, required=False, label="Display name")
    position = forms.IntegerField(min_value=0, max_value=999, initial=0, label="Order on the day view")
    active = forms.BooleanField(required=False, initial=True, label="In use")


class HoursForm(forms.Form):
    """One row per weekday; leave both times empty for a closed day."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for weekday, name in enumerate(WEEKDAYS):
            # The table shows the weekday and the column heading, not a <label>: name each input for screen
            # readers (axe-core: "label", critical, found by checks/a11y.py).
            for kind in ("opens", "closes"):
                widget = forms.TimeInput(attrs={"type": "time", "aria-label": f"{name} {kind}"}, format="%H:%M")
                self.fields[f"{kind}_{weekday}"] = forms.TimeField(widget=widget, required=False, label=f"{name} {kind}")

    def rows(self):
        return [(name, self[f"opens_{d}"], self[f"closes_{d}"]) for d, name in enumerate(WEEKDAYS)]

    def clean(self):
        data = super().clean()
        hours = {}
        for weekday, name in enumerate(WEEKDAYS):
            opens, closes = data.get(f"opens_{weekday}"), data.get(f"closes_{weekday}")
            if (opens is None) != (closes is None):
                self.add_error(f"closes_{weekday}", f"{name}: give both times, or neither for a closed day")
            hours[weekday] = (opens, closes) if opens is not None and closes is not None else None
        data["hours"] = hours
        return data


class ClosedDayForm(forms.Form):
    day = forms.DateField(widget=DATE, label="Closed on")
    reason = NoNulCharField(max_length=120, required=False, label="Reason (e.g. public holiday)")
