"""The insights pages' filters: a period (local days, both ends included) and one breakdown."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.common.days import program_today
from apps.insights import registry

# The longest period a page computes at once (with its previous period, six years of rollups).
MAX_DAYS = 3 * 366


def default_period(today: date) -> tuple[date, date]:
    """The first day of the month two months back, to today: about a quarter, by month."""
    first = today.replace(day=1)
    for _step in range(2):
        first = (first - timedelta(days=1)).replace(day=1)
    return first, today


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        default_start, default_end = default_period(program_today())
        start = data.get("start") or default_start
        end = data.get("end") or default_end
        if end < start:
            self.add_error("end", _("The end of the period comes before its start."))
        elif (end - start).days >= MAX_DAYS:
            self.add_error("end", _("Choose a period of at most three years."))
        data["start"], data["end"] = start, end
        return data


class FilterForm(PeriodForm):
    by = forms.ChoiceField(
        label=_("Break down by"),
        required=False,
        choices=[("", _("No breakdown (the whole period)")), *registry.BREAKDOWN_LABELS.items()],
    )

    def clean_by(self):
        return self.cleaned_data.get("by") or None


def read_filters(params, *, with_breakdown: bool = True) -> tuple[forms.Form, dict | None]:
    """The bound form and its clean values, or None for the values when the input is refused."""
    kind = FilterForm if with_breakdown else PeriodForm
    form = kind(params)
    if not form.is_valid():
        return form, None
    values = dict(form.cleaned_data)
    if not (params.get("start") and params.get("end")):
        # The fields show the period in effect, not empty boxes beside "This period: …".
        filled = params.copy()
        filled["start"], filled["end"] = values["start"].isoformat(), values["end"].isoformat()
        form = kind(filled)
        form.is_valid()
    values.setdefault("by", None)
    return form, values
