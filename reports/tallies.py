"""The year-end tallies, computed once: a period in, plain data out.

Every figure comes from SQL aggregates over ``Activity.objects.counted()`` (held, approved, not
archived) in the period, so the number of queries is the same for ten activities or ten
thousand. The web page, the workbook and the ``export_report`` command only render a
:class:`Report`; they never count anything themselves.

Rules the issue left open, decided here:

* Person-times (参与人次) = attendance rows + ``other_participants``; leaders present are guests
  and are listed apart, not counted.
* The members a period expects (应参与成员) are, for the whole federation, those who belonged to
  a rotation group at some time in the period, plus anyone who attended a counted activity (the
  chair and executives in no group, when they came); a member archived before the period starts
  is therefore not expected, one archived during it is.
* In a group scope (a convener's report, or any report or list restricted to groups) the members
  expected are the scope's own: those who belonged to a group in scope at some time in the
  period; they took part when they attended a counted activity of the scope. Members from
  outside the scope who attended its activities (组外成员: other groups' members, or members in
  no group) are counted apart, in people (``visitors``) and person-times (``visits``), and are
  in neither the rate's numerator nor its base; otherwise a group's visitors would swell both
  (24 of 24 for a group of 11).
* A member who moved groups counts in each group they belonged to during the period; in the
  by-group participation a member took part "for" a group when they attended an activity held
  while they were in that group.
* The yearly obligation (年度义务) is defined once, in ``activities/obligation.py`` (used by
  /obligation/<year>/ and the member page too): it binds standing executives (常执委) in each
  whole calendar year inside the period in which they belonged to a group (in scope); they
  meet it by attending at least one counted activity (of any group) that year. Part-years are
  not judged (November–December 2017, when the system began, would be unfair); a period with
  no whole year (or a member bound in none of them) is judged as one span: at least one
  activity in it. A standing member who belonged to no group in the period is not bound.
* Outcomes are dated by their ``year`` (the year they were submitted: the collective proposal
  of an August 2018 seminar belongs to the 2019 CPPCC session), so an outcome counts in every
  period that overlaps its year, and the calendar years add up to any period made of whole
  years. One linked to an activity counts only if that activity is counted; the activity's
  own row lists what came of it whatever the year.
* A convener's report covers the groups they convene: those groups' activities, members and
  outcomes (linked to their activities, or standalone by a member of theirs in the period).
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Greatest, Least
from django.utils.translation import gettext_lazy as _

from activities import obligation
from activities.models import (
    FIRST_YEAR,
    LAST_YEAR,
    Activity,
    Attendance,
    LeaderPresence,
    Outcome,
    Publicity,
    RotationGroup,
    Theme,
    attendee_count,
)
from members.models import FederationRole, Member, PublicOffice


class PeriodError(ValueError):
    """A period that cannot be reported on; the message is for the user."""


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        for day in (self.start, self.end):
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise PeriodError(
                    _("Choose dates between %(first)s and %(last)s.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                )
        if self.start > self.end:
            raise PeriodError(_("The start of the period must not be after its end."))

    @classmethod
    def for_year(cls, year):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(
                _("Choose a year between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @property
    def year(self):
        """The calendar year when the period is exactly one, else None."""
        if (
            self.start.year == self.end.year
            and (self.start.month, self.start.day) == (1, 1)
            and (self.end.month, self.end.day) == (12, 31)
        ):
            return self.start.year
        return None

    @property
    def years(self):
        return range(self.start.year, self.end.year + 1)

    @property
    def whole_years(self):
        """The calendar years lying entirely inside the period."""
        return [
            y
            for y in self.years
            if self.start <= datetime.date(y, 1, 1) and datetime.date(y, 12, 31) <= self.end
        ]

    def months(self):
        """(year, month) for every month the period touches, in order."""
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            yield year, month
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    @property
    def label(self):
        if self.year:
            return _("%(year)s (whole year)") % {"year": self.year}
        return _("%(start)s to %(end)s") % {
            "start": chinese_date(self.start),
            "end": chinese_date(self.end),
        }

    @property
    def slug(self):
        """For file names: 2018, or 2017-11-01_2019-07-31."""
        if self.year:
            return str(self.year)
        return f"{self.start.isoformat()}_{self.end.isoformat()}"


def group_label(number, name):
    return _("Group %(number)s · %(name)s") % {"number": number, "name": name}


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def rate(part, whole):
    """A share between 0 and 1, or None when there is nothing to divide by."""
    return part / whole if whole else None


@dataclass(frozen=True)
class Tally:
    """Activities and person-times under one heading (a theme, a group, a month)."""

    key: object
    label: str
    activities: int = 0
    person_times: int = 0
    share: float | None = None


@dataclass(frozen=True)
class GroupTally:
    number: int
    name: str
    activities: int = 0
    person_times: int = 0
    members: int = 0
    participants: int = 0

    @property
    def label(self):
        return group_label(self.number, self.name)

    @property
    def participation(self):
        return rate(self.participants, self.members)


@dataclass(frozen=True)
class LeaderRow:
    activity_id: int
    name: str
    title: str
    level: str

    @property
    def level_label(self):
        return LeaderPresence.Level(self.level).label

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


@dataclass(frozen=True)
class ActivityRow:
    pk: int
    number: int
    date: datetime.date
    group_number: int
    group_name: str
    theme: str
    title: str
    place: str
    host_enterprise: str
    attendees: int
    other_participants: int
    leaders: tuple = ()
    outcomes: tuple = ()
    channels: tuple = ()

    @property
    def person_times(self):
        return self.attendees + self.other_participants

    @property
    def theme_label(self):
        return Theme(self.theme).label

    @property
    def group_label(self):
        return group_label(self.group_number, self.group_name)

    @property
    def four_bodies_leaders(self):
        return [x for x in self.leaders if x.level == LeaderPresence.Level.FOUR_BODIES]

    @property
    def department_leaders(self):
        return [x for x in self.leaders if x.level == LeaderPresence.Level.DEPARTMENT]

    @property
    def other_leaders(self):
        return [x for x in self.leaders if x.level == LeaderPresence.Level.OTHER]

    @property
    def channel_labels(self):
        return [Publicity.Channel(c).label for c in self.channels]


@dataclass(frozen=True)
class MemberRow:
    pk: int
    name: str
    role: str
    groups: tuple
    is_deputy: bool
    is_cppcc: bool
    is_archived: bool
    attended: int
    activity_ids: frozenset
    obligation_met: bool | None
    group_numbers: tuple = ()  # the numbers of ``groups``, for a visitor's short label

    @property
    def role_label(self):
        return FederationRole(self.role).label

    @property
    def offices_label(self):
        labels = []
        if self.is_deputy:
            labels.append(str(PublicOffice.Kind.DEPUTY.label))
        if self.is_cppcc:
            labels.append(str(PublicOffice.Kind.CPPCC.label))
        return "、".join(labels)

    @property
    def groups_label(self):
        return " → ".join(self.groups)


@dataclass(frozen=True)
class Participation:
    """How many of some members took part at least once."""

    key: object
    label: str
    members: int
    participants: int

    @property
    def rate(self):
        return rate(self.participants, self.members)


class OutcomeLabels:
    """Display labels for rows that carry an outcome's kind and where it was submitted."""

    @property
    def kind_label(self):
        return Outcome.Kind(self.kind).label

    @property
    def submitted_to_label(self):
        return Outcome.SubmittedTo(self.submitted_to).label if self.submitted_to else ""


@dataclass(frozen=True)
class OutcomeRow(OutcomeLabels):
    year: int
    kind: str
    submitted_to: str
    is_key: bool
    title: str
    activity_number: int | None
    author: str


@dataclass(frozen=True)
class OutcomeSummaryRow(OutcomeLabels):
    year: int
    submitted_to: str
    kind: str
    count: int
    key_count: int


@dataclass(frozen=True)
class ChannelTally:
    channel: str
    items: int
    activities: int

    @property
    def label(self):
        return Publicity.Channel(self.channel).label


@dataclass(frozen=True)
class Committee:
    """The executive committee (执委会) during the period, as the federation counts it.

    ``members``: everyone on the committee at some time in the period (not archived before it
    began; for a convener's report, those in the groups in scope); ``by_role``: (role, label,
    count) in the federation's order; ``deputies``/``cppcc``: members holding that office;
    ``groups``: rotation groups with members in the period; ``ungrouped``: (label, count) of the
    members in no group, the reason the participation base (应参与成员) is smaller than
    ``members``. Counts are people.
    """

    members: int
    by_role: tuple
    deputies: int
    cppcc: int
    groups: int
    ungrouped: tuple

    @property
    def ungrouped_count(self):
        return sum(n for _label, n in self.ungrouped)

    def of_role(self, role):
        """How many members hold `role` (a FederationRole value)."""
        return next((n for value, _label, n in self.by_role if value == role), 0)

    @property
    def chair(self):
        return self.of_role(FederationRole.CHAIR)

    @property
    def vice_chairs(self):
        return self.of_role(FederationRole.VICE_CHAIR)

    @property
    def vice_presidents(self):
        return self.of_role(FederationRole.VICE_PRESIDENT)

    @property
    def standing(self):
        return self.of_role(FederationRole.STANDING)

    @property
    def executives(self):
        return self.of_role(FederationRole.EXECUTIVE)


@dataclass(frozen=True)
class MissingMember:
    """A standing executive who has not met the yearly obligation in the period, with the
    labels of their groups (in scope) during it, in order."""

    pk: int
    name: str
    groups: tuple

    @property
    def groups_label(self):
        return " → ".join(self.groups)


class LazyRows(Sequence):
    """A sequence whose length is known and whose rows are read only when asked for:
    ``load(limit)`` returns the first ``limit`` rows (all of them for None). A slice from the
    start (``rows[:100]``, as templates take it) reads only those rows; anything else reads
    them all, once."""

    def __init__(self, count, load):
        self._count = count
        self._load = load
        self._head = []
        self._all = None

    def __len__(self):
        return self._count

    def _rows(self, stop=None):
        if self._all is not None:
            return self._all
        if stop is not None and stop <= len(self._head):
            return self._head
        if stop is not None and stop < self._count:
            self._head = self._load(stop)
            return self._head
        self._all = self._load(None)
        return self._all

    def __getitem__(self, index):
        if (
            isinstance(index, slice)
            and index.stop is not None
            and index.stop >= 0
            and (index.start or 0) >= 0
            and (index.step or 1) > 0
        ):
            return self._rows(index.stop)[index]
        return self._rows()[index]

    def __iter__(self):
        return iter(self._rows())


@dataclass(frozen=True)
class MemberFigures:
    """The participation figures of the members a period expects (see the module doc),
    counted in SQL so that a page need not read a row per member.

    ``members``/``participants``: people expected, and those who attended a counted activity;
    ``by_role``/``by_office``: :class:`Participation` rows in the federation's order;
    ``bound``/``met``: standing executives bound by the yearly obligation, and those who met
    it; ``missing``: a :class:`LazyRows` of :class:`MissingMember`, the bound who have not, in
    the federation's order; ``visitors``: in a group scope, the people from outside it who
    attended its counted activities (not among ``members``; always 0 for the federation)."""

    members: int
    participants: int
    by_role: tuple
    by_office: tuple
    bound: int
    met: int
    missing: Sequence
    visitors: int = 0


@dataclass
class Report:
    """The tallies of a period. ``members`` (a :class:`MemberRow` per member the period
    expects, for the workbook) and ``visitor_rows`` (one per member from outside a group scope
    who attended its activities) are read on first use only: the page shows figures, which come
    from :class:`MemberFigures`, and agree with the rows (tests/reports/test_member_figures.py).
    ``visits``: the person-times of those visitors (attendance rows; 0 for the federation).
    """

    period: Period
    scope: tuple  # the (number, name) of each group a convener's report covers; () means all
    activity_count: int
    person_times: int
    attendances: int
    other_participants: int
    with_four_bodies: int
    with_department: int
    department_presences: int
    themes: list
    groups: list
    months: list
    activities: list
    leaders: list
    outcomes: list
    outcome_summary: list
    member_figures: MemberFigures
    load_members: Callable = field(repr=False, compare=False)
    channels: list = field(default_factory=list)
    visits: int = 0
    generated_at: datetime.datetime | None = None
    committee: Committee | None = None

    @property
    def is_scoped(self):
        return bool(self.scope)

    @property
    def scope_label(self):
        if not self.scope:
            return _("All rotation groups")
        return "、".join(str(group_label(n, name)) for n, name in self.scope)

    @cached_property
    def four_bodies_activities(self):
        return [a for a in self.activities if a.four_bodies_leaders]

    @cached_property
    def _member_rows(self):
        return self.load_members()

    @property
    def members(self):
        """A :class:`MemberRow` for every member the period expects, in the federation's
        order; three queries, read on first use (with :attr:`visitor_rows`)."""
        return self._member_rows[0]

    @property
    def visitor_rows(self):
        """In a group scope, a :class:`MemberRow` for each member from outside it who attended
        its counted activities (their ``groups``: those they belonged to in the period, any
        group), in the federation's order; empty for the federation."""
        return self._member_rows[1]

    @property
    def visitors(self):
        """People from outside a group scope who attended its activities (组外成员参加)."""
        return self.member_figures.visitors

    @property
    def member_count(self):
        """How many members the period expects (应参与成员): ``len(members)`` without them."""
        return self.member_figures.members

    @property
    def participants(self):
        return self.member_figures.participants

    @property
    def participation(self):
        return rate(self.participants, self.member_count)

    @property
    def by_role(self):
        return list(self.member_figures.by_role)

    @property
    def by_office(self):
        return list(self.member_figures.by_office)

    @cached_property
    def standing_obligation(self):
        """Standing executives expected, and how many met the yearly obligation."""
        return Participation(
            FederationRole.STANDING.value,
            _("Standing executives who met the yearly obligation"),
            self.member_figures.bound,
            self.member_figures.met,
        )

    @property
    def standing_missing(self):
        """:class:`MissingMember` rows (a :class:`LazyRows`: its length is known, its first
        rows are read on their own)."""
        return self.member_figures.missing

    @cached_property
    def outcome_kinds(self):
        """Outcomes by kind (all kinds, zeros shown) with their key proposals."""
        counts = defaultdict(lambda: [0, 0])
        for row in self.outcome_summary:
            counts[row.kind][0] += row.count
            counts[row.kind][1] += row.key_count
        return [(kind, kind.label, *counts[kind.value]) for kind in Outcome.Kind]

    @property
    def key_outcomes(self):
        return sum(row.key_count for row in self.outcome_summary)


def _person_times():
    return Sum(F("attendee_count") + F("other_participants"))


def _choice_rank(field_name, choices):
    """Order by the choices' own order (four leading bodies first), not alphabetically."""
    return Case(
        *[When(**{field_name: v}, then=Value(i)) for i, v in enumerate(choices.values)],
        default=Value(len(choices.values)),
        output_field=IntegerField(),
    )


def _leaders_of(level):
    return Exists(LeaderPresence.objects.filter(activity=OuterRef("pk"), level=level))


def _visits(memberships):
    """An expression for an Activity queryset: its attendance rows by members who belonged to
    none of ``memberships``' groups in the period (a group scope's visitors), an int."""
    per_activity = (
        Attendance.objects.filter(activity=OuterRef("pk"))
        .exclude(member_id__in=memberships.values("member_id"))
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_activity, output_field=IntegerField()), Value(0))


def tally(period, groups=None, *, now=None):
    """Everything the report shows for a period; ``groups`` limits it to those groups (a group
    scope: see the module doc for whom it expects)."""
    group_ids = None if groups is None else [g.pk for g in groups]

    counted = Activity.objects.counted().in_period(period.start, period.end)
    if group_ids is not None:
        counted = counted.filter(group_id__in=group_ids)
    counted = counted.order_by()
    counted_ids = counted.values("pk")
    with_counts = counted.annotate(attendee_count=attendee_count())
    memberships = _memberships_in(period, group_ids)

    overview = with_counts.annotate(
        has_four_bodies=_leaders_of(LeaderPresence.Level.FOUR_BODIES),
        has_department=_leaders_of(LeaderPresence.Level.DEPARTMENT),
        visit_count=Value(0) if group_ids is None else _visits(memberships),
    ).aggregate(
        activities=Count("pk"),
        person_times=Coalesce(_person_times(), 0),
        attendances=Coalesce(Sum("attendee_count"), 0),
        others=Coalesce(Sum("other_participants"), 0),
        with_four_bodies=Count("pk", filter=Q(has_four_bodies=True)),
        with_department=Count("pk", filter=Q(has_department=True)),
        visits=Coalesce(Sum("visit_count"), 0),
    )
    department_presences = LeaderPresence.objects.filter(
        activity__in=counted_ids, level=LeaderPresence.Level.DEPARTMENT
    ).count()

    themes = _by_theme(with_counts, overview["activities"])
    months = _by_month(with_counts, period)
    activities, leaders = _activities(with_counts, counted_ids)
    member_figures = _member_figures(period, counted_ids, memberships, group_ids)
    groups_rows = _by_group(with_counts, counted_ids, memberships, period, group_ids)
    outcomes, outcome_summary = _outcomes(period, group_ids)
    channels = _channels(counted_ids)

    scope = ()
    if group_ids is not None:
        scope = tuple((g.number, g.name) for g in sorted(groups, key=lambda g: g.number))
    return Report(
        period=period,
        scope=scope,
        activity_count=overview["activities"],
        person_times=overview["person_times"],
        attendances=overview["attendances"],
        other_participants=overview["others"],
        with_four_bodies=overview["with_four_bodies"],
        with_department=overview["with_department"],
        department_presences=department_presences,
        themes=themes,
        groups=groups_rows,
        months=months,
        activities=activities,
        leaders=leaders,
        member_figures=member_figures,
        load_members=lambda: _members(period, counted_ids, memberships, group_ids),
        outcomes=outcomes,
        outcome_summary=outcome_summary,
        channels=channels,
        visits=overview["visits"],
        generated_at=now,
        committee=_committee(period, group_ids, memberships),
    )


def _committee(period, group_ids, memberships):
    """The committee's make-up in the period (see :class:`Committee`); two queries, each
    grouped in SQL."""
    on_committee = Member.objects.filter(
        Q(archived_at__isnull=True) | Q(archived_at__date__gte=period.start)
    )
    grouped = Q(pk__in=memberships.values("member_id"))
    if group_ids is not None:
        on_committee = on_committee.filter(grouped)
    kinds = (PublicOffice.Kind.DEPUTY, PublicOffice.Kind.CPPCC)
    holding = {
        kind: Count(
            "pk", filter=Q(pk__in=PublicOffice.objects.filter(kind=kind).values("member_id"))
        )
        for kind in kinds
    }
    roles = defaultdict(int)
    ungrouped = defaultdict(int)
    offices = defaultdict(int)
    for row in (
        on_committee.order_by()
        .values("role")
        .annotate(n=Count("pk"), ungrouped=Count("pk", filter=~grouped), **holding)
    ):
        roles[row["role"]] += row["n"]
        ungrouped[row["role"]] += row["ungrouped"]
        for kind in kinds:
            offices[kind.value] += row[kind]
    return Committee(
        members=sum(roles.values()),
        by_role=tuple((r.value, r.label, roles[r.value]) for r in FederationRole),
        deputies=offices.get(PublicOffice.Kind.DEPUTY.value, 0),
        cppcc=offices.get(PublicOffice.Kind.CPPCC.value, 0),
        groups=memberships.values("group_id").distinct().count(),
        ungrouped=tuple(
            (r.label, ungrouped[r.value]) for r in FederationRole if ungrouped[r.value]
        ),
    )


def _by_theme(with_counts, total):
    found = {
        row["theme"]: row
        for row in with_counts.values("theme").annotate(
            activities=Count("pk"), person_times=Coalesce(_person_times(), 0)
        )
    }
    rows = []
    for theme in Theme:
        row = found.get(theme.value, {"activities": 0, "person_times": 0})
        rows.append(
            Tally(
                theme.value,
                theme.label,
                row["activities"],
                row["person_times"],
                rate(row["activities"], total),
            )
        )
    return rows


def _by_month(with_counts, period):
    found = {
        (row["y"], row["m"]): row
        for row in with_counts.annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
        .values("y", "m")
        .annotate(activities=Count("pk"), person_times=Coalesce(_person_times(), 0))
    }
    rows = []
    for year, month in period.months():
        row = found.get((year, month), {"activities": 0, "person_times": 0})
        rows.append(
            Tally(
                (year, month),
                f"{year}年{month}月",
                row["activities"],
                row["person_times"],
            )
        )
    return rows


def _activities(with_counts, counted_ids):
    leaders_by_activity = defaultdict(list)
    leaders = []
    for row in (
        LeaderPresence.objects.filter(activity__in=counted_ids)
        .annotate(level_rank=_choice_rank("level", LeaderPresence.Level))
        .order_by("activity__date", "activity__number", "level_rank", "pk")
        .values_list("activity_id", "name", "title", "level")
    ):
        leader = LeaderRow(*row)
        leaders.append(leader)
        leaders_by_activity[leader.activity_id].append(leader)

    outcomes_by_activity = defaultdict(list)
    for activity_id, title in (
        Outcome.objects.filter(activity__in=counted_ids)
        .order_by("pk")
        .values_list("activity_id", "title")
    ):
        outcomes_by_activity[activity_id].append(title)

    channels_by_activity = defaultdict(list)
    order = {c: i for i, c in enumerate(Publicity.Channel.values)}
    for activity_id, channel in (
        Publicity.objects.filter(activity__in=counted_ids)
        .order_by()
        .values_list("activity_id", "channel")
        .distinct()
    ):
        channels_by_activity[activity_id].append(channel)

    rows = []
    for a in with_counts.order_by("date", "number").values(
        "pk",
        "number",
        "date",
        "group__number",
        "group__name",
        "theme",
        "title",
        "place",
        "host_enterprise",
        "attendee_count",
        "other_participants",
    ):
        rows.append(
            ActivityRow(
                pk=a["pk"],
                number=a["number"],
                date=a["date"],
                group_number=a["group__number"],
                group_name=a["group__name"],
                theme=a["theme"],
                title=a["title"],
                place=a["place"],
                host_enterprise=a["host_enterprise"],
                attendees=a["attendee_count"],
                other_participants=a["other_participants"],
                leaders=tuple(leaders_by_activity[a["pk"]]),
                outcomes=tuple(outcomes_by_activity[a["pk"]]),
                channels=tuple(sorted(channels_by_activity[a["pk"]], key=order.get)),
            )
        )
    return rows, leaders


def _memberships_in(period, group_ids):
    """Group memberships in force at some time in the period (an end date is exclusive)."""
    memberships = obligation.memberships_during(period.start, period.end)
    if group_ids is not None:
        memberships = memberships.filter(group_id__in=group_ids)
    return memberships.order_by()


def _with_attendees(counted_ids, memberships):
    """The members a period expects for the federation (see the module doc); in a group scope,
    the scope's members and its visitors together. A queryset."""
    return Member.objects.filter(
        Q(pk__in=memberships.values("member_id"))
        | Q(pk__in=Attendance.objects.filter(activity__in=counted_ids).values("member_id"))
    )


# Up to this many whole years, the obligation is tested year by year (two lists a year, each
# read once); a longer period tests each membership's run of years in a correlated subquery.
YEAR_BY_YEAR = 4


def _obligation_met(period, memberships, attended_in_period=None):
    """A condition on Member: met the yearly obligation in the period, for a member it binds
    (see the module doc; the same rule as the rows' in :func:`_members`, and as
    ``obligation.period_judgement`` for the roster's filter). Its size depends on the period,
    never on the data. ``attended_in_period``: the condition "attended a counted activity of
    any group in the period", when the caller has it already."""
    counted = Activity.objects.counted()
    if attended_in_period is None:
        attended_in_period = Q(
            pk__in=Attendance.objects.filter(
                activity__in=counted.in_period(period.start, period.end).values("pk")
            ).values("member_id")
        )
    whole_years = period.whole_years
    if not whole_years or period.year:
        # No whole year: one span. Exactly one calendar year: every member bound in the
        # period is bound in that year, and it is the span.
        return attended_in_period
    if len(whole_years) <= YEAR_BY_YEAR:
        # Per whole year: bound in it (a membership touching it) and no counted activity
        # attended in it is a miss. Each list is independent of the member: read once.
        missed, expected = Q(), Q()
        for year in whole_years:
            first, last = obligation.year_span(year)
            bound = Q(
                pk__in=memberships.filter(start_date__lte=last)
                .filter(Q(end_date__isnull=True) | Q(end_date__gt=first))
                .values("member_id")
            )
            attended = Q(
                pk__in=Attendance.objects.filter(
                    activity__in=counted.in_period(first, last).values("pk")
                ).values("member_id")
            )
            missed |= bound & ~attended
            expected |= bound
        return ~missed & (expected | attended_in_period)
    return _obligation_met_by_runs(period, memberships, attended_in_period)


def _obligation_met_by_runs(period, memberships, attended_in_period):
    """:func:`_obligation_met` for a period of many whole years, in a size that does not
    grow with them: each membership expects the whole years it touches, years a..b, and
    misses when its member attended counted activities (of any group) in fewer than
    b - a + 1 distinct years of them; a member with no such membership is judged by the
    period as one span."""
    counted = Activity.objects.counted().in_period(period.start, period.end)
    attended = Attendance.objects.filter(Exists(counted.filter(pk=OuterRef("activity_id"))))
    first_year, last_year = period.whole_years[0], period.whole_years[-1]
    # The last year a membership touches: an end date is exclusive, so one ending on
    # 1 January last touched the year before.
    last_touched = Case(
        When(end_date__isnull=True, then=Value(last_year)),
        When(end_date__month=1, end_date__day=1, then=ExtractYear("end_date") - 1),
        default=ExtractYear("end_date"),
        output_field=IntegerField(),
    )
    expecting = (
        memberships.annotate(
            a=Greatest(ExtractYear("start_date"), Value(first_year)),
            b=Least(last_touched, Value(last_year)),
        )
        .filter(a__lte=F("b"))
        .filter(member=OuterRef("pk"))
    )
    years_attended = (
        attended.filter(member=OuterRef("member_id"))
        .annotate(y=ExtractYear("activity__date"))
        .filter(y__gte=OuterRef("a"), y__lte=OuterRef("b"))
        .order_by()
        .values("member")
        .annotate(n=Count("y", distinct=True))
        .values("n")
    )
    failing = expecting.annotate(
        n=Coalesce(Subquery(years_attended, output_field=IntegerField()), Value(0))
    ).filter(n__lt=F("b") - F("a") + 1)
    return ~Q(Exists(failing)) & (Q(Exists(expecting)) | attended_in_period)


OFFICES = (PublicOffice.Kind.DEPUTY, PublicOffice.Kind.CPPCC)


def _member_flags(period, counted_ids, memberships, group_ids):
    """(flags, met, met_flag): ``flags`` maps a name to a condition on Member, each a list
    read once (took_part: attended a counted activity in scope; in_a_group: belonged to a group
    in scope in the period; an office's kind: holds it; met_obligation, when it is not
    took_part: met the yearly obligation, meaningful for the members it binds); ``met`` is that
    last condition and ``met_flag`` the flag's name that holds it."""
    took_part = Q(pk__in=Attendance.objects.filter(activity__in=counted_ids).values("member_id"))
    # For every group, the counted activities are those of the obligation (any group's).
    met = _obligation_met(period, memberships, took_part if group_ids is None else None)
    flags = {
        "took_part": took_part,
        "in_a_group": Q(pk__in=memberships.values("member_id")),
        **{
            kind: Q(pk__in=PublicOffice.objects.filter(kind=kind).values("member_id"))
            for kind in OFFICES
        },
    }
    met_flag = "took_part"
    if met is not took_part:
        flags[met_flag := "met_obligation"] = met
    return flags, met, met_flag


def _flagged(members, flags):
    return members.annotate(
        **{name: ExpressionWrapper(q, output_field=BooleanField()) for name, q in flags.items()}
    )


def _member_figures(period, counted_ids, memberships, group_ids):
    """:class:`MemberFigures` in one query (two more when the names of those who missed the
    obligation are read), whatever the number of members: a flag per member for each list it
    may be in, each list read once, counted by role outside."""
    flags, met, met_name = _member_flags(period, counted_ids, memberships, group_ids)
    met_flag = Q(**{met_name: True})
    flagged = _flagged(Member.objects.order_by().values("pk", "role"), flags)
    # The module doc: the federation expects its groups' members and whoever came; a group
    # scope, its own members only, and those from outside it who came are its visitors.
    if group_ids is None:
        expected = Q(in_a_group=True) | Q(took_part=True)
    else:
        expected = Q(in_a_group=True)
    took = Q(took_part=True) & expected
    # The obligation binds standing executives who belonged to a group in the period.
    bound = Q(role=FederationRole.STANDING, in_a_group=True)
    counts = {
        "members": Count("pk", filter=expected),
        "participants": Count("pk", filter=took),
        "bound": Count("pk", filter=bound),
        "met": Count("pk", filter=bound & met_flag),
    }
    if group_ids is not None:
        counts["visitors"] = Count("pk", filter=Q(took_part=True, in_a_group=False))
    for kind in OFFICES:
        counts[f"{kind}_members"] = Count("pk", filter=expected & Q(**{kind: True}))
        counts[f"{kind}_participants"] = Count("pk", filter=took & Q(**{kind: True}))
    for role in FederationRole:
        counts[f"{role}_members"] = Count("pk", filter=expected & Q(role=role))
        counts[f"{role}_participants"] = Count("pk", filter=took & Q(role=role))
    # distinct() (a no-op: rows are members) makes Django count over a subquery of the flags,
    # so that each list is read once, not once for every count that tests it.
    figures = flagged.distinct().aggregate(**counts)
    missing = Member.objects.filter(role=FederationRole.STANDING).filter(flags["in_a_group"] & ~met)

    def load_missing(limit):
        members = list(missing.by_role().values_list("pk", "name")[:limit])
        groups_of = defaultdict(list)
        for member_id, number, name in (
            memberships.filter(member_id__in=[pk for pk, _name in members])
            .order_by("start_date", "group__number")
            .values_list("member_id", "group__number", "group__name")
        ):
            label = str(group_label(number, name))
            if label not in groups_of[member_id]:
                groups_of[member_id].append(label)
        return [MissingMember(pk, name, tuple(groups_of[pk])) for pk, name in members]

    def participation(key, label):
        return Participation(key, label, figures[f"{key}_members"], figures[f"{key}_participants"])

    return MemberFigures(
        members=figures["members"],
        participants=figures["participants"],
        by_role=tuple(participation(role.value, role.label) for role in FederationRole),
        by_office=tuple(
            participation(kind.value, kind.label)
            for kind in (PublicOffice.Kind.DEPUTY, PublicOffice.Kind.CPPCC)
        ),
        bound=figures["bound"],
        met=figures["met"],
        missing=LazyRows(figures["bound"] - figures["met"], load_missing),
        visitors=figures.get("visitors", 0),
    )


def _members(period, counted_ids, memberships, group_ids):
    """(members, visitors): a MemberRow for every member the period expects (see the module
    doc), and in a group scope one for each visitor from outside it, each in the federation's
    order. Three queries: the members with their offices and obligation as flags (the
    figures' own, :func:`_member_flags`), who attended what, and the groups (a visitor's: any
    group they belonged to in the period); the per-member work in Python is one pass over each
    (at 100x the seed: 13,200 members, 21,000 attendance rows, 13,800 memberships)."""
    # Who attended what, read once: a member's count is the size of their set (a member
    # attends an activity once, attendance_once_per_member). Counting it per member in a
    # correlated subquery instead took 14 s for a year at 100x the seed on SQLite.
    pairs = defaultdict(set)
    for member_id, activity_id in Attendance.objects.filter(activity__in=counted_ids).values_list(
        "member_id", "activity_id"
    ):
        pairs[member_id].add(activity_id)

    groups_of = defaultdict(list)  # the groups in scope a member belonged to in the period
    elsewhere = defaultdict(list)  # in a group scope, any group: a visitor's are named
    numbers_elsewhere = defaultdict(list)
    labels = {}
    labelled = memberships
    if group_ids is not None:
        came = Attendance.objects.filter(activity__in=counted_ids).values("member_id")
        labelled = _memberships_in(period, None).filter(
            Q(group_id__in=group_ids) | Q(member_id__in=came)
        )
    in_scope = None if group_ids is None else set(group_ids)
    for member_id, group_id, number, name in labelled.order_by(
        "start_date", "group__number"
    ).values_list("member_id", "group_id", "group__number", "group__name"):
        label = labels.get((number, name))
        if label is None:
            label = labels[number, name] = str(group_label(number, name))
        if in_scope is None or group_id in in_scope:
            member_groups = groups_of[member_id]
            if label not in member_groups:
                member_groups.append(label)
        if in_scope is not None:
            member_groups = elsewhere[member_id]
            if label not in member_groups:
                member_groups.append(label)
                numbers_elsewhere[member_id].append(number)

    flags, _met, met_flag = _member_flags(period, counted_ids, memberships, group_ids)
    deputy, cppcc = OFFICES
    # Archived or not, as a flag: 13,200 timestamps parsed only to be tested cost more.
    flags["is_archived"] = Q(archived_at__isnull=False)
    members = _flagged(_with_attendees(counted_ids, memberships).by_role(), flags).values_list(
        "pk", "name", "role", "is_archived", deputy, cppcc, "in_a_group", met_flag
    )
    no_activities = frozenset()
    rows, visitors = [], []
    for pk, name, role, is_archived, is_deputy, is_cppcc, in_a_group, met in members:
        activity_ids = frozenset(pairs.get(pk, no_activities))
        # In a group scope, a member outside it who came is a visitor, not expected.
        visitor = group_ids is not None and not in_a_group
        (visitors if visitor else rows).append(
            MemberRow(
                pk=pk,
                name=name,
                role=role,
                groups=tuple((elsewhere if visitor else groups_of).get(pk, ())),
                is_deputy=bool(is_deputy),
                is_cppcc=bool(is_cppcc),
                is_archived=bool(is_archived),
                attended=len(activity_ids),
                activity_ids=activity_ids,
                # The obligation binds standing executives who belonged to a group.
                obligation_met=bool(met) if obligation.binds(role) and in_a_group else None,
                group_numbers=tuple(numbers_elsewhere.get(pk, ())) if visitor else (),
            )
        )
    return rows, visitors


def _by_group(with_counts, counted_ids, memberships, period, group_ids):
    held = {
        row["group_id"]: row
        for row in with_counts.values("group_id").annotate(
            activities=Count("pk"), person_times=Coalesce(_person_times(), 0)
        )
    }
    members = {
        row["group_id"]: row["members"]
        for row in memberships.values("group_id").annotate(
            members=Count("member_id", distinct=True)
        )
    }
    # From the attendance side, each row matched to the membership in force on the activity's
    # day (one filter() call, so all conditions apply to the same membership row).
    in_force = Q(
        member__memberships__start_date__lte=F("activity__date"),
    ) & (
        Q(member__memberships__end_date__isnull=True)
        | Q(member__memberships__end_date__gt=F("activity__date"))
    )
    if group_ids is not None:
        in_force &= Q(member__memberships__group_id__in=group_ids)
    participants = {
        row["member__memberships__group_id"]: row["participants"]
        for row in Attendance.objects.filter(Q(activity__in=counted_ids) & in_force)
        .order_by()
        .values("member__memberships__group_id")
        .annotate(participants=Count("member_id", distinct=True))
    }
    groups = RotationGroup.objects.filter(
        Q(archived_at__isnull=True)
        | Q(archived_at__date__gte=period.start)
        | Q(pk__in=with_counts.values("group_id"))
    )
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    rows = []
    for group in groups.order_by("number").values("pk", "number", "name"):
        h = held.get(group["pk"], {})
        rows.append(
            GroupTally(
                number=group["number"],
                name=group["name"],
                activities=h.get("activities", 0),
                person_times=h.get("person_times", 0),
                members=members.get(group["pk"], 0),
                participants=participants.get(group["pk"], 0),
            )
        )
    return rows


def _outcomes(period, group_ids):
    counted = Activity.objects.counted()
    standalone = Q(activity__isnull=True)
    if group_ids is not None:
        counted = counted.filter(group_id__in=group_ids)
        standalone &= Q(member__in=_memberships_in(period, group_ids).values("member_id"))
    outcomes = (
        Outcome.objects.filter(year__gte=period.start.year, year__lte=period.end.year)
        .filter(Q(activity__in=counted.values("pk")) | standalone)
        .order_by()
    )
    summary = [
        OutcomeSummaryRow(
            row["year"], row["submitted_to"], row["kind"], row["count"], row["key_count"]
        )
        for row in outcomes.values("year", "submitted_to", "kind")
        .annotate(
            count=Count("pk"),
            key_count=Count("pk", filter=Q(is_key=True)),
            to_rank=_choice_rank("submitted_to", Outcome.SubmittedTo),
            kind_rank=_choice_rank("kind", Outcome.Kind),
        )
        .order_by("year", "to_rank", "kind_rank")
    ]
    rows = [
        OutcomeRow(
            year=o["year"],
            kind=o["kind"],
            submitted_to=o["submitted_to"],
            is_key=o["is_key"],
            title=o["title"],
            activity_number=o["activity__number"],
            author=o["member__name"] or "",
        )
        for o in outcomes.annotate(kind_rank=_choice_rank("kind", Outcome.Kind))
        .order_by("year", "kind_rank", "-is_key", "pk")
        .values(
            "year", "kind", "submitted_to", "is_key", "title", "activity__number", "member__name"
        )
    ]
    return rows, summary


def _channels(counted_ids):
    found = {
        row["channel"]: row
        for row in Publicity.objects.filter(activity__in=counted_ids)
        .order_by()
        .values("channel")
        .annotate(items=Count("pk"), activities=Count("activity", distinct=True))
    }
    return [
        ChannelTally(
            channel.value,
            found.get(channel.value, {}).get("items", 0),
            found.get(channel.value, {}).get("activities", 0),
        )
        for channel in Publicity.Channel
    ]
