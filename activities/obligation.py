"""The yearly obligation (年度义务), defined once.

The rule (the federation's rotation-activity system): every standing executive (常执委) takes
part in at least one rotation activity each year. Decided here, and used by
/obligation/<year>/, 我的轮值组, the member page and the report (reports/tallies.py, which
also renders the workbook), so that every page gives the same figures:

* Bound: a standing executive (the member's role today; roles are not kept per year) who
  belonged to a rotation group at some time in the year (a membership that starts on or
  before 31 December and has not ended by 1 January; an end date is exclusive). A member
  who joined in 2026 is not bound in 2018; one who left or was archived during a year is
  bound in it.
* Met: attended at least one counted activity (held, approved, not archived) dated in the
  year, of any group.
* A period that is not one calendar year is judged by its whole calendar years; a period
  with no whole year (or a member bound in none of them) is judged as one span.

This module lives in activities because reports depends on activities, never the reverse.
"""

import datetime

from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.models import Activity, Attendance, GroupMembership
from fuan_rotation.paging import forgiving_page
from members.models import FederationRole, Member


def binds(role):
    """Whether a federation role carries the yearly obligation."""
    return role == FederationRole.STANDING


def year_span(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def spans(start, end, whole_years):
    """The spans a period is judged by: its whole years, or the period as one span."""
    if whole_years:
        return [year_span(year) for year in whole_years]
    return [(start, end)]


def memberships_during(start, end):
    """Group memberships in force at some time between two days (inclusive)."""
    return GroupMembership.objects.filter(start_date__lte=end).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=start)
    )


def overlaps(membership_start, membership_end, start, end):
    """The same test as memberships_during, for membership dates already in memory."""
    return membership_start <= end and (membership_end is None or membership_end > start)


def bound_members(year, *, groups=None):
    """Members bound by the obligation in `year` (see the module doc); `groups` limits them
    to those who belonged to one of these groups during the year."""
    memberships = memberships_during(*year_span(year))
    if groups is not None:
        memberships = memberships.filter(group__in=groups)
    return Member.objects.filter(
        role=FederationRole.STANDING, pk__in=memberships.values("member_id")
    )


def _attended_this_year(year):
    """Counted activities (held, approved, not archived) of `year` a member attended, as a
    correlated count per member: a member attends an activity once (attendance_once_per_member),
    so rows are activities. For a group's members (obligation_rows); the federation's page
    counts only its page's rows (obligation_page)."""
    per_member = (
        _counted_attendance(year)
        .filter(member=OuterRef("pk"))
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_member, output_field=IntegerField()), Value(0))


def _took_part_this_year(year):
    """True for a member who attended a counted activity of `year`: membership of one list
    of attendees, which PostgreSQL hashes once and SQLite reads once (a per-member EXISTS
    cost twice as much on PostgreSQL at 100x the seed, docs/benchmarks.md)."""
    attendees = Attendance.objects.filter(
        activity__in=Activity.objects.counted().in_year(year).values("pk")
    ).values("member_id")
    return ExpressionWrapper(Q(pk__in=attendees), output_field=BooleanField())


def _counted_attendance(year):
    """Attendance at the counted activities of `year`, tested row by row against the
    activity (a primary-key lookup) rather than as `activity IN (…)`: inside a per-member
    subquery SQLite evaluated that list again for every member (16 s at 100x the seed)."""
    counted = Activity.objects.counted().in_year(year).filter(pk=OuterRef("activity_id"))
    return Attendance.objects.filter(Exists(counted))


def obligation_queryset(year, *, groups=None, missing_only=False):
    """The bound members of `year` (a queryset), each with `took_part` (attended a counted
    activity that year, of any group), those who have not first, then in 姓氏笔画 order;
    ``missing_only`` keeps only those who have not."""
    members = bound_members(year, groups=groups).annotate(took_part=_took_part_this_year(year))
    if missing_only:
        members = members.filter(took_part=False)
    return members.order_by("took_part", "stroke_key", "pk")


def _with_year_memberships(members, year):
    """`members` with `year_memberships`: their groups during the year, in order."""
    first, last = year_span(year)
    return members.prefetch_related(
        Prefetch(
            "memberships",
            queryset=memberships_during(first, last)
            .select_related("group")
            .order_by("start_date", "pk"),
            to_attr="year_memberships",
        )
    )


def obligation_rows(year, *, groups=None):
    """The bound members of `year` as a list, each with `attended` (counted activities
    attended that year, of any group) and `year_memberships` (their groups during the year),
    the fewest activities first, then in 姓氏笔画 order. Two queries; one row per bound
    member, so for a group's page, not the federation's (obligation_page pages those)."""
    members = (
        bound_members(year, groups=groups)
        .annotate(attended=_attended_this_year(year))
        .order_by("attended", "stroke_key", "pk")
    )
    return list(_with_year_memberships(members, year))


def obligation_counts(year, *, groups=None):
    """{"bound": members the obligation binds in `year`, "missing": those of them who have
    not yet attended a counted activity that year}. One query."""
    return (
        bound_members(year, groups=groups)
        .annotate(took_part=_took_part_this_year(year))
        .aggregate(bound=Count("pk"), missing=Count("pk", filter=Q(took_part=False)))
    )


PAGE_SIZE = 50


def obligation_page(year, *, groups=None, missing_only=True, page=1, per_page=PAGE_SIZE):
    """(counts, page) for /obligation/<year>/: ``counts`` as obligation_counts; ``page`` a
    Django Page of obligation_queryset's rows, ``per_page`` a page, each with `attended`
    (counted activities that year) and `year_memberships`. ``page`` is whatever the query
    string said: a number past the end gives the last page, one below 1 or not a number the first,
    never an error. Four queries whatever the roster's size."""
    counts = obligation_counts(year, groups=groups)
    members = _with_year_memberships(
        obligation_queryset(year, groups=groups, missing_only=missing_only), year
    )
    paginator = Paginator(members, per_page)
    # The count is known already: the paginator need not ask for it again.
    paginator.count = counts["missing"] if missing_only else counts["bound"]
    page = forgiving_page(paginator, page)
    page.object_list = rows = list(page.object_list)
    # How many activities, for the page's rows only: one grouped read of their attendance.
    attended = dict(
        _counted_attendance(year)
        .filter(member__in=[m.pk for m in rows])
        .order_by()
        .values("member")
        .annotate(n=Count("pk"))
        .values_list("member", "n")
    )
    for member in rows:
        member.attended = attended.get(member.pk, 0)
    return counts, page


def member_years(member, *, until=None):
    """{year: met?} for every year `member` was bound, up to `until` (this year by default);
    empty for a member whose role carries no obligation. Two queries."""
    if not binds(member.role):
        return {}
    until = until or timezone.localdate().year
    memberships = list(member.memberships.values_list("start_date", "end_date"))
    if not memberships:
        return {}
    years = range(min(start.year for start, _end in memberships), until + 1)
    bound = [
        year
        for year in years
        if any(overlaps(start, end, *year_span(year)) for start, end in memberships)
    ]
    attended = {
        day.year
        for day in Activity.objects.counted()
        .filter(attendances__member=member)
        .dates("date", "year")
    }
    return {year: year in attended for year in bound}


def whole_years(start, end):
    """The calendar years lying entirely between two days."""
    return [
        year
        for year in range(start.year, end.year + 1)
        if start <= datetime.date(year, 1, 1) and datetime.date(year, 12, 31) <= end
    ]


def period_judgement(start, end, *, group_ids=None):
    """{member id: met?} for every member the obligation binds in a period (see the module
    doc): standing executives in a group (of ``group_ids``, when given) during the period,
    judged by its whole years, or as one span. The report's rule, for the roster's filter."""
    memberships = memberships_during(start, end).filter(member__role=FederationRole.STANDING)
    if group_ids is not None:
        memberships = memberships.filter(group_id__in=group_ids)
    years = set(whole_years(start, end))
    expected = {}
    for member_id, first, last in memberships.values_list("member_id", "start_date", "end_date"):
        bound = expected.setdefault(member_id, set())
        # Only the years the membership touches: a period of centuries costs no more.
        touched = range(max(first.year, start.year), min((last or end).year, end.year) + 1)
        bound.update(y for y in touched if y in years and overlaps(first, last, *year_span(y)))
    attended = {}
    counted = Activity.objects.counted().in_period(start, end)
    for member_id, day in (
        counted.filter(attendances__member__in=list(expected))
        .values_list("attendances__member", "date")
        .order_by()
        .distinct()
    ):
        attended.setdefault(member_id, set()).add(day.year)
    return {
        member_id: (years_bound <= attended.get(member_id, set()))
        if years_bound
        else bool(attended.get(member_id))
        for member_id, years_bound in expected.items()
    }
