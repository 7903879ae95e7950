"""The roster's search, filters and ordering (django-filter), on the query parameters
bookmarked links use: ``q``, ``role``, ``group``, ``industry``, ``township``, ``office``,
``status`` and ``order``.

The report's figures link here with the period they count (``from`` and ``to``, days
inclusive); then the list holds the members that period expects, as reports/tallies.py counts
them: for the federation, in a group at some time in the period or present at a counted
activity; with ``scope`` (the groups of a convener's report), the scope's own members only (in
one of its groups at some time in the period). ``in_group`` (belonged to that group during
the period), ``took_part`` (``yes``/``no``: present at a counted activity in the period, of
the scope's groups with ``scope``; with ``in_group``, while in that group) and ``obligation``
(``bound``/``met``/``missing``: the yearly obligation, activities/obligation.py) narrow it.
``visitor=yes`` lists instead the scope's visitors (组外成员): members outside its groups who
attended its counted activities (none without ``scope``: the federation has no outside).
These travel as hidden fields; the page says in words what they select. They are a report's
lists, so they follow the report's rule of who may read what (reports.views.ReportAccessMixin):
staff and leadership every group, a convener their own groups whatever ``scope`` asks, anyone
else none (the parameters are ignored and the plain roster shows).

Every parameter is optional. An invalid value is ignored rather than emptying the list, and
``status`` and ``order`` fall back to their defaults (active members, by role).
"""

from functools import cached_property

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from activities import obligation
from activities.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Activity,
    Attendance,
    GroupMembership,
    RotationGroup,
)
from activities.roster.mobiles import ContactVisibility
from activities.services import convened_groups
from members.models import FederationRole, Member, PublicOffice, Role

NO_GROUP = "0"
TOOK_PART, DID_NOT_TAKE_PART = "yes", "no"
VISITOR = "yes"
OBLIGATION_BOUND, OBLIGATION_MET, OBLIGATION_MISSING = "bound", "met", "missing"
PERIOD_FILTERS = ("from", "to", "scope", "in_group", "took_part", "obligation", "visitor")


class MemberFilterSet(django_filters.FilterSet):
    ORDER_ROLE = "role"
    ORDER_PINYIN = "pinyin"
    ORDER_STROKES = "strokes"
    STATUS_ACTIVE = "active"
    STATUS_ARCHIVED = "archived"
    STATUS_ALL = "all"

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, company or mobile"), "type": "search"}
        ),
    )
    role = django_filters.ChoiceFilter(
        label=_("federation role"), choices=FederationRole.choices, empty_label=_("All roles")
    )
    group = django_filters.ChoiceFilter(
        label=_("rotation group"), method="filter_group", empty_label=_("All groups")
    )
    industry = django_filters.ChoiceFilter(label=_("industry"), empty_label=_("All industries"))
    township = django_filters.ChoiceFilter(
        label=_("township / region"), empty_label=_("All regions")
    )
    office = django_filters.ChoiceFilter(
        label=_("Public office"),
        choices=PublicOffice.Kind.choices,
        method="filter_office",
        empty_label=_("Any or none"),
    )
    status = django_filters.ChoiceFilter(
        label=_("status"),
        choices=[
            (STATUS_ACTIVE, _("Active")),
            (STATUS_ARCHIVED, _("Archived")),
            (STATUS_ALL, _("All")),
        ],
        method="filter_status",
        empty_label=None,
    )
    order = django_filters.ChoiceFilter(
        label=_("Order"),
        choices=[
            (ORDER_ROLE, _("By role, then surname strokes")),
            (ORDER_STROKES, _("By surname strokes")),
            (ORDER_PINYIN, _("By pinyin")),
        ],
        method="order_members",
        empty_label=None,
    )

    scope = django_filters.ModelMultipleChoiceFilter(
        queryset=RotationGroup.objects.all(), method="in_period", widget=forms.MultipleHiddenInput
    )
    in_group = django_filters.ModelChoiceFilter(
        queryset=RotationGroup.objects.all(), method="in_period", widget=forms.HiddenInput
    )
    took_part = django_filters.ChoiceFilter(
        choices=[(TOOK_PART, _("took part")), (DID_NOT_TAKE_PART, _("did not take part"))],
        method="in_period",
        widget=forms.HiddenInput,
    )
    obligation = django_filters.ChoiceFilter(
        choices=[
            (OBLIGATION_BOUND, _("bound by the yearly obligation")),
            (OBLIGATION_MET, _("met the yearly obligation")),
            (OBLIGATION_MISSING, _("did not meet the yearly obligation")),
        ],
        method="in_period",
        widget=forms.HiddenInput,
    )
    visitor = django_filters.ChoiceFilter(
        choices=[(VISITOR, _("members from outside the groups who took part"))],
        method="in_period",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Member
        fields = ()

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset if queryset is not None else Member.objects.all(), **kwargs)
        groups = RotationGroup.objects.active().order_by("number")
        self.filters["group"].extra["choices"] = [
            (NO_GROUP, _("No group")),
            *[(str(g.pk), str(g)) for g in groups],
        ]
        active = Member.objects.active()
        for name in ("industry", "township"):
            values = active.exclude(**{name: ""}).order_by(name).values_list(name, flat=True)
            self.filters[name].extra["choices"] = [(v, v) for v in values.distinct()]

    @cached_property
    def report_groups(self):
        """None when this login reads every group's figures; else the groups whose figures
        it may list (a convener's own; empty: none, and without a request none either)."""
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        if user.can_read_all:
            return None
        if user.is_active and user.role == Role.CONVENER:
            return list(convened_groups(user).order_by("number"))
        return []

    def scope_groups(self, chosen):
        """The groups a report figure's list covers, as [RotationGroup] (None: every group):
        ``scope`` as asked, held to :attr:`report_groups` (a convener asking for other groups
        gets their own)."""
        asked = list(chosen.get("scope") or [])
        allowed = self.report_groups
        if allowed is None:
            return asked or None
        allowed_ids = {g.pk for g in allowed}
        return [g for g in asked if g.pk in allowed_ids] or allowed

    def extra_filters_used(self):
        """Whether a filter other than the search box is set (the phone layout shows them)."""
        return any(
            self.data.get(name) for name in self.filters if name not in ("q", *PERIOD_FILTERS)
        )

    def period(self):
        """(start, end) when the list is a report figure's, else None."""
        if not self.is_bound:
            return None
        self.form.is_valid()  # an invalid value elsewhere leaves the valid ones in use
        chosen = self.form.cleaned_data
        start, end = chosen.get("from"), chosen.get("to")
        if not (start and end and start <= end):
            return None
        if not FIRST_YEAR <= start.year <= end.year <= LAST_YEAR:
            return None
        if self.report_groups == []:
            return None  # not this login's to read (a committee member)
        return start, end

    def description(self):
        """The filters in use, in words, for an export's subtitle (empty when none is)."""
        self.form.is_valid()
        chosen = self.form.cleaned_data
        parts = []
        if chosen.get("q"):
            parts.append(f"“{chosen['q']}”")
        for name in ("role", "group", "industry", "township", "office"):
            if chosen.get(name):
                choices = dict(self.form.fields[name].choices)
                parts.append(str(choices.get(chosen[name], chosen[name])))
        if chosen.get("status") and chosen["status"] != self.STATUS_ACTIVE:
            parts.append(str(dict(self.form.fields["status"].choices)[chosen["status"]]))
        period = self.period_description()
        if period:
            parts.append(period)
        return "；".join(parts)

    def period_description(self):
        """What the report figure's parameters select, in words (None without a period)."""
        period = self.period()
        if period is None:
            return None
        chosen = self.form.cleaned_data
        parts = [_("%(start)s to %(end)s") % {"start": _day(period[0]), "end": _day(period[1])}]
        if scope := self.scope_groups(chosen):
            parts.append("、".join(str(g) for g in scope))
        if chosen.get("in_group"):
            parts.append(_("in %(group)s during the period") % {"group": chosen["in_group"]})
        for name in ("took_part", "obligation", "visitor"):
            if chosen.get(name):
                parts.append(dict(self.filters[name].extra["choices"])[chosen[name]])
        return "；".join(str(p) for p in parts)

    def in_period(self, queryset, name, value):
        # Applied together, in filter_queryset: they only mean something with the period.
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        chosen = self.form.cleaned_data
        if not chosen.get("status"):
            queryset = self.filter_status(queryset, "status", self.STATUS_ACTIVE)
        if not chosen.get("order"):
            queryset = self.order_members(queryset, "order", self.ORDER_ROLE)
        period = self.period()
        if period is not None:
            queryset = self.filter_period(queryset, *period, chosen)
        return queryset

    def filter_period(self, queryset, start, end, chosen):
        """The members a report figure counts (reports/tallies.py, the same rules)."""
        scope = self.scope_groups(chosen)
        group_ids = None if scope is None else [g.pk for g in scope]
        counted = Activity.objects.counted().in_period(start, end)
        memberships = obligation.memberships_during(start, end)
        if group_ids is not None:
            counted = counted.filter(group_id__in=group_ids)
            memberships = memberships.filter(group_id__in=group_ids)
        attendances = Attendance.objects.filter(activity__in=counted.values("pk"))
        if chosen.get("visitor"):
            if group_ids is None:
                return queryset.none()  # the federation expects everyone who came
            return queryset.filter(pk__in=attendances.values("member_id")).exclude(
                pk__in=memberships.values("member_id")
            )
        expected = Q(pk__in=memberships.values("member_id"))
        if group_ids is None:
            # The federation expects whoever came too; a group scope only its own members.
            expected |= Q(pk__in=attendances.values("member_id"))
        queryset = queryset.filter(expected)
        in_group = chosen.get("in_group")
        if in_group:
            queryset = queryset.filter(
                pk__in=memberships.filter(group=in_group).values("member_id")
            )
        took_part = chosen.get("took_part")
        if took_part:
            if in_group:
                # Present on a day they were in that group: one filter() call, so every
                # condition applies to the same membership row.
                attendances = attendances.filter(
                    Q(member__memberships__group=in_group)
                    & Q(member__memberships__start_date__lte=F("activity__date"))
                    & (
                        Q(member__memberships__end_date__isnull=True)
                        | Q(member__memberships__end_date__gt=F("activity__date"))
                    )
                )
            present = attendances.values("member_id")
            if took_part == TOOK_PART:
                queryset = queryset.filter(pk__in=present)
            else:
                queryset = queryset.exclude(pk__in=present)
        wanted = chosen.get("obligation")
        if wanted:
            judged = obligation.period_judgement(start, end, group_ids=group_ids)
            if wanted == OBLIGATION_MET:
                judged = [pk for pk, met in judged.items() if met]
            elif wanted == OBLIGATION_MISSING:
                judged = [pk for pk, met in judged.items() if not met]
            queryset = queryset.filter(pk__in=list(judged))
        return queryset

    def filter_search(self, queryset, name, value):
        # Digits match only the numbers this login may see (activities/roster/mobiles.py);
        # without a request to say who is searching, no number matches.
        user = getattr(self.request, "user", None)
        mobiles_of = ContactVisibility(user).searchable_mobiles() if user else []
        return queryset.search(value, mobiles_of=mobiles_of)

    def filter_group(self, queryset, name, value):
        current = GroupMembership.objects.current()
        if value == NO_GROUP:
            # Members with no membership rows at all have no group too.
            return queryset.exclude(pk__in=current.values("member_id"))
        return queryset.filter(pk__in=current.filter(group_id=value).values("member_id"))

    def filter_office(self, queryset, name, value):
        return queryset.filter(offices__kind=value).distinct()

    def filter_status(self, queryset, name, value):
        if value == self.STATUS_ACTIVE:
            return queryset.active()
        if value == self.STATUS_ARCHIVED:
            return queryset.archived()
        return queryset

    def order_members(self, queryset, name, value):
        if value == self.ORDER_PINYIN:
            return queryset.by_pinyin()
        if value == self.ORDER_STROKES:
            return queryset.by_strokes()
        return queryset.by_role()


def _day(day):
    return f"{day.year}年{day.month}月{day.day}日"


def _roster_date_filter():
    return django_filters.DateFilter(method="in_period", widget=forms.HiddenInput)


# ``from`` is a Python keyword: the period's filters are added by name (the report's own
# query parameters).
MemberFilterSet.base_filters["from"] = _roster_date_filter()
MemberFilterSet.base_filters["to"] = _roster_date_filter()
