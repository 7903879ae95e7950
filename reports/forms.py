from django import forms
from django.utils.translation import gettext_lazy as _

from reports.tallies import Period, PeriodError

# The query string says ?from=…&to=…; "from" cannot be a Python name, so the fields are
# start and end and only their names in the data (and the HTML) are mapped.
_PARAMETERS = {"start": "from", "end": "to"}


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the first day of the period.")},
    )
    end = forms.DateField(
        label=_("To"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the last day of the period.")},
    )

    def add_prefix(self, field_name):
        return _PARAMETERS.get(field_name, field_name)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            try:
                cleaned["period"] = Period(start, end)
            except PeriodError as error:
                self.add_error("end" if start <= end else "start", str(error))
        return cleaned

    @classmethod
    def for_period(cls, period):
        return cls(initial={"start": period.start, "end": period.end})
