"""The access log's filters (django-filter), on the query parameters ``user``, ``kind``,
``start`` and ``end`` (dates, YYYY-MM-DD). An invalid value is ignored."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import PersonalDataAccess


def _day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class PersonalDataAccessFilterSet(django_filters.FilterSet):
    user = django_filters.CharFilter(
        label=_("login"),
        field_name="username",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=PersonalDataAccess.Kind.choices, empty_label=_("All kinds")
    )
    start = django_filters.DateFilter(
        label=_("from"), method="filter_start", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = django_filters.DateFilter(
        label=_("to"), method="filter_end", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = PersonalDataAccess
        fields = ()

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = PersonalDataAccess.objects.select_related("user__member")
        super().__init__(data, queryset, **kwargs)

    def filter_start(self, queryset, name, value):
        return queryset.filter(at__gte=_day_start(value))

    def filter_end(self, queryset, name, value):
        return queryset.filter(at__lt=_day_start(value + datetime.timedelta(days=1)))
