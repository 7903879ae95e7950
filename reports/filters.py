"""The lists behind the report's outcome and publicity figures (履职成果一览, 宣传报道一览), with
their filters (django-filter) on the query parameters the report's figures link with.

Both lists hold what the report counts, by the rules of reports/tallies.py, so that a figure and
its list agree to the digit (tests/reports/test_figure_links.py):

* outcomes: linked to a counted activity (held, approved, not archived) of any date, or
  standalone; dated by their ``year``, so ``from``/``to`` (days, inclusive) select the outcomes
  whose year lies in the years the period touches. A group (``group``, or ``scope``: the groups
  of a convener's report) holds the outcomes of its activities and the standalone ones by a
  member who belonged to it at some time in the period (any time, without a period).
  ``kind``, ``key`` (``yes``/``no``: 重点提案), ``submitted_to`` (``none``: not given) and
  ``year`` narrow it;
* publicity: the items (宣传报道) of counted activities held between ``from`` and ``to``, in
  ``group`` or ``scope``, on ``channel``.

A convener's list is always limited to the groups they convene, whatever the query says (the
report's rule, reports.views.ReportAccessMixin). An invalid value is ignored, as on the
activity list, and the form shows why.
"""

import datetime

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities import obligation
from activities.filters import PeriodFilterForm, period_words
from activities.models import Activity, Outcome, Publicity, RotationGroup
from reports.tallies import FIRST_YEAR, LAST_YEAR

KEY_YES, KEY_NO = "yes", "no"
NOT_GIVEN = "none"
# The names handled by the list's own filter_queryset (they depend on each other: a group's
# standalone outcomes depend on the period).
_PERIOD_AND_GROUPS = ("from", "to", "group", "scope")


def _date_filter(label):
    return django_filters.DateFilter(
        label=label,
        method="filter_later",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class _ReportListFilterSet(django_filters.FilterSet):
    """Period (``from``, ``to``), ``group`` and ``scope`` for a list behind a report figure.

    ``scope_groups``: None for a login that reads every group, else the groups it may read
    (reports.views.ReportAccessMixin.scope_groups).
    """

    group = django_filters.ModelChoiceFilter(
        label=_("rotation group"),
        queryset=RotationGroup.objects.all(),
        empty_label=_("All groups"),
        method="filter_later",
    )
    scope = django_filters.ModelMultipleChoiceFilter(
        queryset=RotationGroup.objects.all(),
        widget=forms.MultipleHiddenInput,
        method="filter_later",
    )

    def __init__(self, data=None, *, scope_groups=None, **kwargs):
        super().__init__(data, self.base_queryset(), **kwargs)
        self.scope_groups = scope_groups
        if scope_groups is not None:
            mine = RotationGroup.objects.filter(pk__in=[g.pk for g in scope_groups])
            self.filters["group"].queryset = mine
            self.filters["scope"].queryset = mine

    def base_queryset(self):
        raise NotImplementedError

    def filter_later(self, queryset, name, value):
        """Period and groups are applied together in :meth:`filter_queryset`."""
        return queryset

    def span(self):
        """(first day, last day) the filters select: the whole range a report may cover when
        ``from`` or ``to`` is not given (or not valid)."""
        chosen = getattr(self.form, "cleaned_data", {})
        start = chosen.get("from") or datetime.date(FIRST_YEAR, 1, 1)
        end = chosen.get("to") or datetime.date(LAST_YEAR, 12, 31)
        return start, end

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        chosen = self.form.cleaned_data
        start, end = self.span()
        queryset = self.in_period(queryset, start, end)
        if self.scope_groups is not None:  # a convener's own groups (none: nothing)
            queryset = self.in_groups(queryset, [g.pk for g in self.scope_groups], start, end)
        if chosen.get("scope"):
            queryset = self.in_groups(queryset, [g.pk for g in chosen["scope"]], start, end)
        if chosen.get("group"):
            queryset = self.in_groups(queryset, [chosen["group"].pk], start, end)
        return queryset

    def description(self):
        """The filters in use, in words (for the page and the export's 制表单位 line)."""
        self.form.is_valid()
        chosen = self.form.cleaned_data
        parts = []
        if period := period_words(chosen.get("from"), chosen.get("to")):
            parts.append(period)
        for name, field in self.form.fields.items():
            value = chosen.get(name)
            if name in ("from", "to", "scope") or value in (None, ""):
                continue
            if isinstance(value, RotationGroup):
                label = str(value)
            else:
                label = dict(field.choices).get(value, value)
            parts.append(f"{field.label}：{label}")
        if chosen.get("scope"):
            parts.append("、".join(str(g) for g in chosen["scope"]))
        return "；".join(str(p) for p in parts)


class OutcomeFilterSet(_ReportListFilterSet):
    """履职成果一览: the outcomes the report counts (module doc)."""

    year = django_filters.ChoiceFilter(label=_("year"), empty_label=_("All years"))
    kind = django_filters.ChoiceFilter(
        label=_("kind"), choices=Outcome.Kind.choices, empty_label=_("All kinds")
    )
    key = django_filters.ChoiceFilter(
        label=_("key proposal"),
        choices=[(KEY_YES, _("Key proposals only")), (KEY_NO, _("Not key proposals"))],
        method="filter_key",
        empty_label=_("Key or not"),
    )
    submitted_to = django_filters.ChoiceFilter(
        label=_("submitted to"),
        choices=[*Outcome.SubmittedTo.choices, (NOT_GIVEN, _("Not given"))],
        method="filter_submitted_to",
        empty_label=_("Anywhere"),
    )

    class Meta:
        model = Outcome
        fields = ()
        form = PeriodFilterForm

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        years = Outcome.objects.order_by("-year").values_list("year", flat=True).distinct()
        self.filters["year"].extra["choices"] = [(str(y), y) for y in years]

    def base_queryset(self):
        counted = Activity.objects.counted().values("pk")
        return Outcome.objects.filter(Q(activity__in=counted) | Q(activity__isnull=True))

    def in_period(self, queryset, start, end):
        return queryset.filter(year__gte=start.year, year__lte=end.year)

    def in_groups(self, queryset, group_ids, start, end):
        members = (
            obligation.memberships_during(start, end)
            .filter(group_id__in=group_ids)
            .values("member_id")
        )
        return queryset.filter(
            Q(activity__group_id__in=group_ids) | Q(activity__isnull=True, member__in=members)
        )

    def filter_key(self, queryset, name, value):
        return queryset.filter(is_key=value == KEY_YES)

    def filter_submitted_to(self, queryset, name, value):
        return queryset.filter(submitted_to="" if value == NOT_GIVEN else value)


class PublicityFilterSet(_ReportListFilterSet):
    """宣传报道一览: the publicity items of the activities the report counts (module doc)."""

    channel = django_filters.ChoiceFilter(
        label=_("channel"), choices=Publicity.Channel.choices, empty_label=_("All channels")
    )

    class Meta:
        model = Publicity
        fields = ()
        form = PeriodFilterForm

    def base_queryset(self):
        return Publicity.objects.filter(activity__in=Activity.objects.counted().values("pk"))

    def in_period(self, queryset, start, end):
        return queryset.filter(activity__date__gte=start, activity__date__lte=end)

    def in_groups(self, queryset, group_ids, start, end):
        return queryset.filter(activity__group_id__in=group_ids)


for _filterset in (OutcomeFilterSet, PublicityFilterSet):
    # ``from`` is a Python keyword: the day filters are added by name, as on the activity list.
    _filterset.base_filters = {
        "from": _date_filter(_("from")),
        "to": _date_filter(_("to")),
        **_filterset.base_filters,
    }
