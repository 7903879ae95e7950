"""The roster's search, filters and ordering (django-filter), on the query parameters
bookmarked links use: ``q``, ``role``, ``group``, ``industry``, ``township``, ``office``,
``status`` and ``order``.

Every parameter is optional. An invalid value is ignored rather than emptying the list, and
``status`` and ``order`` fall back to their defaults (active members, by role).
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import GroupMembership, RotationGroup
from activities.roster.mobiles import ContactVisibility
from members.models import FederationRole, Member, PublicOffice

NO_GROUP = "0"


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

    def extra_filters_used(self):
        """Whether a filter other than the search box is set (the phone layout shows them)."""
        return any(self.data.get(name) for name in self.filters if name != "q")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        chosen = self.form.cleaned_data
        if not chosen.get("status"):
            queryset = self.filter_status(queryset, "status", self.STATUS_ACTIVE)
        if not chosen.get("order"):
            queryset = self.order_members(queryset, "order", self.ORDER_ROLE)
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
