import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.locking import VersionedSave
from members.models import FederationRole, Member

# The years a record's day may fall in: the years the reports cover (reports.tallies takes
# them from here), so that no held activity or publicity item is left out of every report.
FIRST_YEAR, LAST_YEAR = 2000, 2100
FIRST_DAY, LAST_DAY = datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31)


def day_range_error(day):
    """The message refusing `day` (a date, or None) when it lies outside FIRST_DAY..LAST_DAY
    (the reports' years), else None. A typo such as 0001-01-01 or 9999-12-31 is refused here
    rather than saved and then missing from every tally."""
    if day is None or FIRST_DAY <= day <= LAST_DAY:
        return None
    return _("Enter a date between %(first)s and %(last)s.") % {
        "first": date_format(FIRST_DAY, "DATE_FORMAT"),
        "last": date_format(LAST_DAY, "DATE_FORMAT"),
    }


class Theme(models.TextChoices):
    """The six themes of the rotation system, in the order the federation lists them."""

    PUBLICITY_TRAINING = "publicity_training", _("Publicity & training")
    SEMINAR = "seminar", _("Seminars & lectures")
    VISIT = "visit", _("Visits & study")
    RESEARCH = "research", _("Research & exchange")
    INDUSTRY = "industry", _("Serving industry")
    CHARITY = "charity", _("Charity")


class RotationGroupQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class RotationGroup(models.Model):
    """One of the twelve rotation groups (轮值组), formed by industry or by region."""

    class Basis(models.TextChoices):
        INDUSTRY = "industry", _("Industry")
        REGION = "region", _("Region")

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    basis = models.CharField(_("formed by"), max_length=10, choices=Basis.choices, blank=True)
    description = models.TextField(_("description"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = RotationGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("rotation group")
        verbose_name_plural = _("rotation groups")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=12),
                name="rotation_group_number_1_to_12",
                violation_error_message=_("Group numbers run from 1 to 12."),
            )
        ]

    def __str__(self):
        return _("Group %(number)s · %(name)s") % {"number": self.number, "name": self.name}

    @property
    def is_archived(self):
        return self.archived_at is not None

    def current_memberships(self):
        return self.memberships.current().select_related("member")

    def conveners(self):
        return Member.objects.filter(
            memberships__group=self,
            memberships__end_date__isnull=True,
            memberships__is_convener=True,
        )

    def members_on(self, day):
        """The group's members on ``day`` in 姓氏笔画 order: a QuerySet of Member.

        The one order of a group's paper sign-in sheet (签到表) and of the host group's block in
        the attendance checklist, so that ticking follows the signed sheet line by line.
        Conveners are not put first: the sheet lists people, not offices.
        """
        return Member.objects.filter(
            pk__in=GroupMembership.objects.on(day).filter(group=self).values("member_id")
        ).by_strokes()


class MembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(end_date__isnull=True)

    def on(self, day):
        """Memberships in force on a day."""
        return self.filter(start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gt=day)
        )


class GroupMembership(models.Model):
    """A member's place in a group for a span of time; the open span is the current group."""

    group = models.ForeignKey(
        RotationGroup,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("rotation group"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("member")
    )
    is_convener = models.BooleanField(_("convener"), default=False)
    start_date = models.DateField(_("from"), default=timezone.localdate)
    end_date = models.DateField(_("until"), null=True, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("group membership")
        verbose_name_plural = _("group memberships")
        ordering = ["group__number", "-is_convener", "member__stroke_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(end_date__isnull=True),
                name="membership_one_current_group_per_member",
                violation_error_message=_("This member already belongs to a group."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_it_starts",
                violation_error_message=_("A membership cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.group}"

    def clean(self):
        if (
            self.is_convener
            and self.member_id
            and self.member.role not in FederationRole.convener_roles()
        ):
            raise ValidationError(
                {
                    "is_convener": _(
                        "Only part-time vice-chairs and vice-presidents can convene a group; "
                        "%(name)s is %(role)s."
                    )
                    % {"name": self.member.name, "role": self.member.get_role_display()}
                }
            )


def attendee_count():
    """An expression for an Activity queryset: the activity's attendance rows (an int, 0 for
    none), as a correlated subquery per activity rather than a join and GROUP BY over every
    attendance row, so that it costs what the query returns (issue 18)."""
    per_activity = (
        Attendance.objects.filter(activity=OuterRef("pk"))
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(per_activity, output_field=models.IntegerField()), Value(0))


class ActivityQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status=Activity.Status.HELD, archived_at__isnull=True)

    def counted(self):
        """What the tallies count: held, approved and not archived."""
        return self.held().filter(review_status=Activity.Review.APPROVED)

    def in_period(self, start, end):
        return self.filter(date__gte=start, date__lte=end)

    def awaiting_review(self):
        """Records waiting for the staff's approval: not counted until approved. One with a
        number was approved before and changed since (a convener's change goes back to
        review); it leaves the tallies meanwhile."""
        return self.filter(review_status=Activity.Review.PENDING, archived_at__isnull=True)

    def in_year(self, year):
        return self.filter(date__year=year)

    def with_person_times(self):
        """Each activity with ``attendee_count`` (its attendance rows) and ``person_times``
        (those plus ``other_participants``), both ints. A correlated subquery per row, not a
        join and GROUP BY over every attendance row: a page of the list (LIMIT 25) and the
        paginator's COUNT(*) (which drops the unused annotation) then cost what the page
        shows, not the whole table (issue 18)."""
        return self.annotate(attendee_count=attendee_count()).annotate(
            person_times=models.F("attendee_count") + models.F("other_participants")
        )

    def person_times(self):
        """Σ attendees + other participants, computed in the database."""
        attendees = Attendance.objects.filter(activity__in=self.values("pk")).count()
        others = self.aggregate(total=Coalesce(Sum("other_participants"), 0))["total"]
        return attendees + others


class Activity(VersionedSave, models.Model):
    """A rotation activity (第N次轮值活动), planned, held or cancelled."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    class Review(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PENDING = "pending", _("Awaiting approval")
        RETURNED = "returned", _("Returned for changes")

    class OffDutyReason(models.TextChoices):
        """Why a group's activity is held outside the group's own duty month."""

        EARLY = "early", _("Held early")
        MAKEUP = "makeup", _("Held late (make-up)")
        SWAP = "swap", _("Swapped with another group")

    number = models.PositiveIntegerField(
        _("number"),
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text=_("第N次: assigned when the activity is recorded as held."),
    )
    group = models.ForeignKey(
        RotationGroup,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("rotation group"),
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    place = models.CharField(_("place"), max_length=200, blank=True)
    host_enterprise = models.CharField(_("host enterprise"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    off_duty_reason = models.CharField(
        _("outside the duty month"),
        max_length=10,
        choices=OffDutyReason.choices,
        blank=True,
        help_text=_("Required when the month is another group's duty month."),
    )
    off_duty_note = models.CharField(_("note on the month"), max_length=200, blank=True)
    other_participants = models.PositiveIntegerField(
        _("other participants"),
        default=0,
        # No activity has ten thousand guests; the bound keeps the tallies' sums in range.
        validators=[MaxValueValidator(9999)],
        help_text=_("Guests and others who are not committee members (leaders are listed apart)."),
    )
    guest_names = models.CharField(
        _("guests' names"),
        max_length=500,
        blank=True,
        help_text=_("Optional, separated by 、 or commas; they are counted in other participants."),
    )
    review_status = models.CharField(
        _("approval"), max_length=10, choices=Review.choices, default=Review.APPROVED
    )
    review_comment = models.TextField(_("approval comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    attendees = models.ManyToManyField(
        Member,
        through="Attendance",
        related_name="attended_activities",
        verbose_name=_("attendees"),
        blank=True,
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # The one-time token of the form that created the record: posting that form again
    # (double click, back and repost, a second tab) finds this record instead of a new one.
    submission_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["attendees"])
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="held", review_status="approved") | Q(number__isnull=False),
                name="activity_counted_has_number",
                violation_error_message=_("A held and approved activity must have its number."),
            ),
        ]

    def __str__(self):
        if self.shown_number:
            return _("No. %(number)s · %(title)s") % {"number": self.number, "title": self.title}
        return self.title

    @property
    def is_counted(self):
        """Held, approved and not archived: what the tallies and the month status count."""
        return (
            self.status == self.Status.HELD
            and self.review_status == self.Review.APPROVED
            and self.archived_at is None
        )

    @property
    def shown_number(self):
        """The 第N次 number as pages show it: only once the record is approved.

        A record sent back to review keeps the number it was given (numbers are never reused)
        but shows 待审核 instead until it is approved again.
        """
        if self.number and self.review_status == self.Review.APPROVED:
            return self.number
        return None

    @property
    def awaits_review(self):
        return self.review_status != self.Review.APPROVED

    @property
    def has_history(self):
        """A number once given, or anything recorded, is history that must not be deleted."""
        if self.pk is None:
            return False
        return bool(
            self.number
            or self.attendances.exists()
            or self.leaders.exists()
            or self.outcomes.exists()
            or self.publicity.exists()
        )

    def delete(self, *args, **kwargs):
        if self.has_history:
            raise models.ProtectedError(
                _("An activity with a number or records cannot be deleted; archive it instead."),
                {self},
            )
        return super().delete(*args, **kwargs)

    def month_entry(self):
        """The schedule entry of this activity's month, or None (no schedule for it)."""
        if not (self.date and self.group_id):
            return None
        return (
            ScheduleEntry.objects.filter(year=self.date.year, month=self.date.month)
            .select_related("group")
            .first()
        )

    def clean(self):
        errors = {}
        if out_of_range := day_range_error(self.date):
            # Checked first: a day no report covers has no duty month to ask about either.
            raise ValidationError({"date": out_of_range})
        if self.status == self.Status.HELD and self.date and self.date > timezone.localdate():
            errors["date"] = _("A held activity cannot be dated in the future.")
        if self.status == self.Status.CANCELLED and not self.cancel_reason.strip():
            errors["cancel_reason"] = _("Say why the activity was cancelled.")
        entry = self.month_entry()
        if entry is not None and entry.group_id == self.group_id and not entry.no_activity:
            # In its own duty month a reason means nothing.
            self.off_duty_reason, self.off_duty_note = "", ""
        elif entry is not None and self.status == self.Status.HELD and not self.off_duty_reason:
            errors["off_duty_reason"] = duty_month_message(self, entry)
        if errors:
            raise ValidationError(errors)


def duty_month_message(activity, entry):
    """The refusal of a record outside its group's duty month, naming the month's group."""
    month = date_format(datetime.date(entry.year, entry.month, 1), "YEAR_MONTH_FORMAT")
    if entry.group_id and not entry.no_activity:
        return _(
            "%(month)s is %(duty)s's duty month, not %(group)s's: say why the activity is "
            "held in this month (early, make-up or a swap)."
        ) % {"month": month, "duty": entry.group, "group": activity.group}
    return _(
        "%(month)s has no rotation activity in the schedule: say why %(group)s holds one in "
        "this month (early, make-up or a swap)."
    ) % {"month": month, "group": activity.group}


class Attendance(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("activity")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("member")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                name="attendance_once_per_member",
                violation_error_message=_("This member is already recorded as attending."),
            )
        ]

    def __str__(self):
        return f"{self.member} @ {self.activity}"


class LeaderPresence(models.Model):
    """A leader who came to an activity (guests; not counted in person-times)."""

    class Level(models.TextChoices):
        FOUR_BODIES = "four_bodies", _("Four leading bodies, division level")
        DEPARTMENT = "department", _("Department or township leader")
        OTHER = "other", _("Other")

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="leaders", verbose_name=_("activity")
    )
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leader present")
        verbose_name_plural = _("leaders present")
        ordering = ["activity", "level", "pk"]

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


class Outcome(models.Model):
    """What came of the work (履职成果); may stand alone, e.g. a member's own proposal."""

    class Kind(models.TextChoices):
        RESEARCH_REPORT = "research_report", _("Research report")
        COLLECTIVE_PROPOSAL = "collective_proposal", _("Collective proposal")
        PROPOSAL = "proposal", _("Proposal")
        SUGGESTION = "suggestion", _("Suggestion")
        OTHER = "other", _("Other")

    class SubmittedTo(models.TextChoices):
        CPPCC = "cppcc", _("CPPCC")
        NPC = "npc", _("People's congress")
        GOVERNMENT = "government", _("Government")
        OTHER = "other", _("Other")

    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("activity"),
    )
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("author"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    submitted_to = models.CharField(
        _("submitted to"), max_length=12, choices=SubmittedTo.choices, blank=True
    )
    year = models.PositiveSmallIntegerField(_("year"))
    is_key = models.BooleanField(_("key proposal"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-year", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="outcome_year_plausible",
                violation_error_message=_("Enter a year between 2000 and 2100."),
            )
        ]

    def __str__(self):
        return self.title


class Publicity(models.Model):
    class Channel(models.TextChoices):
        WEBSITE = "website", _("Portal website")
        WECHAT_GROUP = "wechat_group", _("WeChat group")
        MAGAZINE = "magazine", _("《福安工商联》 magazine")
        OFFICIAL_ACCOUNT = "official_account", _("WeChat official account")
        NEWSPAPER = "newspaper", _("Mindong Daily")
        TV = "tv", _("Fu'an TV")
        OTHER = "other", _("Other")

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="publicity", verbose_name=_("activity")
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("publicity")
        verbose_name_plural = _("publicity")
        ordering = ["activity", "date", "pk"]

    def __str__(self):
        return self.get_channel_display()

    def clean(self):
        if out_of_range := day_range_error(self.date):
            raise ValidationError({"date": out_of_range})


class ActivityCounter(models.Model):
    """The last 第N次 number given; one row, locked while a number is taken."""

    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("activity counter")
        verbose_name_plural = _("activity counter")

    def __str__(self):
        return str(self.last_number)


class ScheduleEntryQuerySet(models.QuerySet):
    def in_year(self, year):
        return self.filter(year=year)


class ScheduleEntry(models.Model):
    """The rotation plan (轮值安排): which group is on duty in a month. A plan, not a record."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    group = models.ForeignKey(
        RotationGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schedule_entries",
        verbose_name=_("on-duty group"),
    )
    no_activity = models.BooleanField(
        _("no activity this month"),
        default=False,
        help_text=_("For example the Spring Festival month."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = ScheduleEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("schedule month")
        verbose_name_plural = _("rotation schedule")
        ordering = ["year", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "month"],
                name="schedule_one_entry_per_month",
                violation_error_message=_("This month is already in the schedule."),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12),
                name="schedule_month_1_to_12",
                violation_error_message=_("Months run from 1 to 12."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="schedule_year_plausible",
                violation_error_message=_("Enter a year between 2000 and 2100."),
            ),
        ]

    def __str__(self):
        return _("%(year)s-%(month)02d") % {"year": self.year, "month": self.month}


class CalendarFeed(models.Model):
    """A secret address for subscribing to the schedule in a phone calendar; staff revoke it."""

    token = models.CharField(max_length=64, unique=True, editable=False)
    group = models.ForeignKey(
        RotationGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calendar_feeds",
        verbose_name=_("rotation group"),
        help_text=_("Empty: the whole schedule."),
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]

    def __str__(self):
        return self.label or (str(self.group) if self.group_id else str(_("Whole schedule")))

    @property
    def is_active(self):
        return self.revoked_at is None


class ReminderLog(models.Model):
    """One row per reminder sent, so a reminder goes out once however often cron runs."""

    kind = models.CharField(_("kind"), max_length=30)
    key = models.CharField(_("key"), max_length=100)
    recipients = models.TextField(_("recipients"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="reminder_sent_once"),
        ]

    def __str__(self):
        return f"{self.kind}:{self.key}"


# --- Group-chat robots (activities/schedule/webhooks.py) -----------------------------------


class ChatWebhook(models.Model):
    """A WeChat Work, DingTalk or Feishu group robot that reminders are posted to.

    The address and the signing secret let anyone post into the group: they stay out of the
    history table (only their masked forms are recorded) and are shown masked after saving.
    """

    class Platform(models.TextChoices):
        WECOM = "wecom", _("WeChat Work")
        DINGTALK = "dingtalk", _("DingTalk")
        FEISHU = "feishu", _("Feishu / Lark")

    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    name = models.CharField(_("robot name"), max_length=100)
    url = models.CharField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    url_masked = models.CharField(_("webhook address"), max_length=120, editable=False)
    secret_masked = models.CharField(_("signing secret"), max_length=20, blank=True, editable=False)
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The outcome of the latest attempt (a reminder or a test message); written with
    # queryset.update(), so sending does not add history lines.
    last_delivered_at = models.DateTimeField(_("last delivery"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    history = HistoricalRecords(
        excluded_fields=["url", "secret", "last_delivered_at", "last_error", "last_error_at"]
    )

    class Meta:
        verbose_name = _("group-chat robot")
        verbose_name_plural = _("group-chat robots")
        ordering = ["-is_active", "name", "pk"]

    def __str__(self):
        return f"{self.name} ({self.get_platform_display()})"


class ChatDelivery(models.Model):
    """One reminder for one robot: created once, attempted until delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        DELIVERED = "delivered", _("delivered")
        GAVE_UP = "gave_up", _("given up")

    webhook = models.ForeignKey(
        ChatWebhook,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("group-chat robot"),
    )
    kind = models.CharField(_("kind"), max_length=30)
    key = models.CharField(_("key"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group-chat delivery")
        verbose_name_plural = _("group-chat deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "kind", "key"], name="chat_delivery_once_per_robot"
            ),
        ]

    def __str__(self):
        return f"{self.webhook_id}:{self.kind}:{self.key}"


# --- QR self check-in (activities/checkin/) ------------------------------------------------


class CheckInSession(models.Model):
    """An activity's check-in: the secret link behind the QR code and the window it is open.

    The link works only while `closed_at` is empty and now lies in [opens_at, closes_at).
    """

    activity = models.OneToOneField(
        Activity,
        on_delete=models.PROTECT,
        related_name="checkin_session",
        verbose_name=_("activity"),
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="checkin_session_closes_after_it_opens",
                violation_error_message=_("Check-in must close after it opens."),
            )
        ]

    def __str__(self):
        return str(self.activity)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.closed_at is None and self.opens_at <= now < self.closes_at


class CheckInQuerySet(models.QuerySet):
    def members(self):
        return self.filter(kind=CheckIn.Kind.MEMBER)

    def guests(self):
        return self.filter(kind=CheckIn.Kind.GUEST)


class CheckIn(models.Model):
    """One person who checked in on their phone: a member (matched by name and mobile) or a
    guest (name and company). Once per person and activity; `applied_at` is set when the
    staff apply it to the record."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        GUEST = "guest", _("Guest")

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="checkins", verbose_name=_("activity")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkins",
        verbose_name=_("member"),
    )
    name = models.CharField(_("name"), max_length=50)
    company = models.CharField(_("company"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=100, blank=True)
    # Guests: name and company, normalised, so the same guest checking in twice is one row.
    guest_key = models.CharField(max_length=260, blank=True, editable=False)
    checked_in_at = models.DateTimeField(_("checked in at"), auto_now_add=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("checked-in person")
        verbose_name_plural = _("checked-in people")
        ordering = ["checked_in_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=Q(member__isnull=False),
                name="checkin_once_per_member",
            ),
            models.UniqueConstraint(
                fields=["activity", "guest_key"],
                condition=Q(kind="guest"),
                name="checkin_once_per_guest",
            ),
            models.CheckConstraint(
                condition=(Q(kind="member") & Q(member__isnull=False))
                | (Q(kind="guest") & Q(member__isnull=True)),
                name="checkin_member_row_has_member",
            ),
        ]

    def __str__(self):
        return self.name


class CheckInLog(models.Model):
    """Every request that tried to check in on the public page: when, from where, and what
    came of it. Never what was typed. Kept apart from the access log; join on address and
    time (see activities/checkin/__init__.py)."""

    class Outcome(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in")
        REPEATED = "repeated", _("Already checked in")
        MISMATCH = "mismatch", _("No match")
        INVALID = "invalid", _("Incomplete form")
        UNAVAILABLE = "unavailable", _("Closed, expired or unknown link")
        RATE_LIMITED = "rate_limited", _("Too many requests")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CheckIn.Kind.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    checkin = models.ForeignKey(
        CheckIn,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="log_entries",
        verbose_name=_("checked-in person"),
    )

    class Meta:
        verbose_name = _("check-in log entry")
        verbose_name_plural = _("check-in log")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.address} {self.outcome}"


# --- Attachments: photos and scans of an activity (activities/attachments/) ----------------


class AttachmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def photos(self):
        return self.filter(kind=Attachment.Kind.IMAGE)


class Attachment(models.Model):
    """A photo or a scan (signed sign-in sheet, programme) of an activity.

    The files live in the private "attachments" storage under generated names (`file_name`,
    `thumbnail_name`); what the user called the file is kept only for display
    (`original_name`, sanitised). Archived, never deleted: the files stay with the history.
    """

    class Kind(models.TextChoices):
        IMAGE = "image", _("Photo")
        PDF = "pdf", _("PDF document")

    # The storage names a backup copies (fuan_rotation/backup.py finds them by this attribute).
    stored_files = ("file_name", "thumbnail_name")

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("activity")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    original_name = models.CharField(_("file name"), max_length=150)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    file_name = models.CharField(max_length=200, unique=True, editable=False)
    thumbnail_name = models.CharField(max_length=200, blank=True, editable=False)
    content_type = models.CharField(max_length=50, editable=False)
    size = models.PositiveBigIntegerField(_("size"), editable=False)
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # SHA-256 of the bytes as uploaded: the same file sent twice (a double click, a repeated
    # upload) is recognised and kept once.
    upload_sha256 = models.CharField(max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("archived by"),
    )

    history = HistoricalRecords()
    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "upload_sha256"],
                condition=Q(archived_at__isnull=True),
                name="attachment_once_per_activity",
                violation_error_message=_("This file is already attached to the activity."),
            ),
        ]

    def __str__(self):
        return self.caption or self.original_name

    @property
    def is_image(self):
        return self.kind == self.Kind.IMAGE

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(
            _("Attachments are archived, never deleted."),
            {self},
        )
