"""The activity list's filters (django-filter), on the query parameters bookmarked links use:
``year``, ``group``, ``theme`` and ``status``; and those the report's figures link with (each
figure opens the list behind it): ``from`` and ``to`` (days, inclusive), ``review``,
``leaders`` (activities with a leader of that level present), ``channel`` (reported in that
channel) and ``scope`` (one or more groups: a convener's report covers their groups).
An invalid value is ignored.
"""

import django_filters
from django import forms
from django.db import connection
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast, ExtractYear, Substr
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, LeaderPresence, Publicity, RotationGroup, Theme


class PeriodFilterForm(forms.Form):
    """The form of a list filter with ``from`` and ``to`` days: a start after the end is an
    error on ``to`` (the report's message, reports.tallies.Period), and ``to`` is then left
    out of cleaned_data, so the list runs from the start on, exactly as for an invalid ``to``
    day (django-filter skips a field that did not clean)."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", _("The start of the period must not be after its end."))
        return cleaned


class ActivityFilterSet(django_filters.FilterSet):
    year = django_filters.ChoiceFilter(
        label=_("year"), method="filter_year", empty_label=_("All years")
    )
    group = django_filters.ModelChoiceFilter(
        label=_("rotation group"),
        queryset=RotationGroup.objects.all(),
        empty_label=_("All groups"),
    )
    theme = django_filters.ChoiceFilter(
        label=_("theme"), choices=Theme.choices, empty_label=_("All themes")
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=Activity.Status.choices, empty_label=_("Any status")
    )
    review = django_filters.ChoiceFilter(
        field_name="review_status",
        label=_("review"),
        choices=Activity.Review.choices,
        empty_label=_("Any review state"),
    )
    leaders = django_filters.ChoiceFilter(
        label=_("leaders present"),
        choices=LeaderPresence.Level.choices,
        method="filter_leaders",
        empty_label=_("With or without"),
    )
    channel = django_filters.ChoiceFilter(
        label=_("publicity"),
        choices=Publicity.Channel.choices,
        method="filter_channel",
        empty_label=_("Any or none"),
    )
    scope = django_filters.ModelMultipleChoiceFilter(
        field_name="group",
        queryset=RotationGroup.objects.all(),
        widget=forms.MultipleHiddenInput,
    )

    class Meta:
        model = Activity
        fields = ()
        form = PeriodFilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Activity.objects.filter(archived_at__isnull=True)
        super().__init__(data, queryset, **kwargs)
        # The years that have an activity. The first four characters of the ISO date, not
        # dates("date", "year"): SQLite runs that through a Python function for every row
        # (9 ms at 100x the seed, issue 18); a text cast is native there.
        if connection.vendor == "sqlite":
            year_of = Substr(Cast("date", output_field=CharField()), 1, 4)
        else:
            year_of = ExtractYear("date")
        years = sorted(
            {
                int(y)
                for y in Activity.objects.filter(date__isnull=False)
                .order_by()
                .annotate(y=year_of)
                .values_list("y", flat=True)
                .distinct()
            },
            reverse=True,
        )
        self.filters["year"].extra["choices"] = [(str(y), y) for y in years]

    def description(self):
        """The filters in use, in words (for an export's subtitle); empty when none is."""
        self.form.is_valid()
        chosen = self.form.cleaned_data
        parts = []
        if period := period_words(chosen.get("from"), chosen.get("to")):
            parts.append(period)
        for name in ("year", "group", "theme", "status", "review", "leaders", "channel"):
            value = chosen.get(name)
            if not value:
                continue
            if isinstance(value, RotationGroup):
                label = str(value)
            else:
                label = dict(self.form.fields[name].choices).get(value, value)
            parts.append(f"{self.form.fields[name].label}：{label}")
        if chosen.get("scope"):
            parts.append("、".join(str(g) for g in chosen["scope"]))
        return "；".join(str(p) for p in parts)

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value))

    def filter_leaders(self, queryset, name, value):
        return queryset.filter(
            Exists(LeaderPresence.objects.filter(activity=OuterRef("pk"), level=value))
        )

    def filter_channel(self, queryset, name, value):
        return queryset.filter(
            Exists(Publicity.objects.filter(activity=OuterRef("pk"), channel=value))
        )


def _day(day):
    return f"{day.year}年{day.month}月{day.day}日"


def period_words(start, end):
    """A list's period filter in words, e.g. 「2018年1月1日至2018年12月31日」, 「自2018年1月1日」;
    ``start`` and ``end`` are dates or None; "" when neither is given."""
    if start and end:
        return _("%(start)s to %(end)s") % {"start": _day(start), "end": _day(end)}
    if start:
        return _("from %(start)s") % {"start": _day(start)}
    if end:
        return _("until %(end)s") % {"end": _day(end)}
    return ""


def _date_filter(lookup, label):
    return django_filters.DateFilter(
        field_name="date",
        lookup_expr=lookup,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


# ``from`` is a Python keyword, so the two day filters are added by name: the report's own
# query parameters, so a report link and the list read the same period.
ActivityFilterSet.base_filters["from"] = _date_filter("gte", _("from"))
ActivityFilterSet.base_filters["to"] = _date_filter("lte", _("to"))
