"""The activity list's filters (django-filter), on the query parameters bookmarked links use:
``year``, ``group``, ``theme`` and ``status``. An invalid value is ignored."""

import django_filters
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, RotationGroup, Theme


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

    class Meta:
        model = Activity
        fields = ()

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Activity.objects.filter(archived_at__isnull=True)
        super().__init__(data, queryset, **kwargs)
        years = sorted({d.year for d in Activity.objects.dates("date", "year")}, reverse=True)
        self.filters["year"].extra["choices"] = [(str(y), y) for y in years]

    def filter_year(self, queryset, name, value):
        return queryset.in_year(int(value))
