import datetime
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, Subquery
from django.forms import inlineformset_factory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from activities.attendance import attendance_board
from activities.models import (
    FIRST_DAY,
    LAST_DAY,
    Activity,
    GroupMembership,
    LeaderPresence,
    Outcome,
    Publicity,
    RotationGroup,
)
from fuan_rotation.formal import chinese_date
from fuan_rotation.params import positive_int
from members.models import FederationRole, Member

DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
# A record's day: the browser's picker offers only the years the reports cover; the model
# refuses any other (activities.models.day_range_error), whatever the browser sent.
RECORD_DATE_INPUT = forms.DateInput(
    format="%Y-%m-%d",
    attrs={"type": "date", "min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()},
)
# A summary is a few paragraphs (the seed's run to a few hundred characters); 5,000 is about
# three printed A4 pages, as much as the filing copy and the year-end report can carry. A
# longer text (a full speech, a research report) belongs in an attachment or an outcome.
SUMMARY_MAX_LENGTH = 5000


def summary_field(label, too_long):
    """The summary (or plan) text of an activity form: at most SUMMARY_MAX_LENGTH characters,
    refused with `too_long` (a message with %(limit_value)s and %(show_value)s, the limit and
    the text's length) that says what to do with a longer text."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": too_long},
    )


def members_with_current_group(queryset):
    current = GroupMembership.objects.filter(member=OuterRef("pk"), end_date__isnull=True)
    return queryset.annotate(
        current_group_id=Subquery(current.values("group_id")[:1]),
        current_group_number=Subquery(current.values("group__number")[:1]),
        current_group_start=Subquery(current.values("start_date")[:1]),
    )


class AttendeeChoiceField(forms.ModelMultipleChoiceField):
    """Member ids from the checklist; a forged id is "not a choice", never a database error."""

    largest_id = 2**63 - 1

    @classmethod
    def is_id(cls, value):
        text = str(value)
        return text.isascii() and text.isdigit() and int(text) <= cls.largest_id

    def _check_values(self, value):
        for pk in value:
            if not self.is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def expired_form_message():
    """The refusal of a new record's form posted without its one-time token."""
    return _(
        "This form was not opened from the page or has expired: open it again and re-enter "
        "the record."
    )


# The status question (ActivityForm._check_status) and the answers its buttons send.
QUESTION_PLANNED_WITH_ATTENDEES = "planned_with_attendees"
QUESTION_HELD_WITHOUT_ATTENDEES = "held_without_attendees"
DECISION_HELD = "held"  # change a plan with attendees to held, and save
DECISION_KEEP_PLANNED = "keep_planned"  # it is still a plan: save as planned
DECISION_KEEP_HELD_EMPTY = "keep_held_empty"  # held, and nobody from the committee came
# Which answers answer which question (an answer kept across a re-render must still fit).
ANSWERS = {
    QUESTION_PLANNED_WITH_ATTENDEES: (DECISION_HELD, DECISION_KEEP_PLANNED),
    QUESTION_HELD_WITHOUT_ATTENDEES: (DECISION_KEEP_HELD_EMPTY,),
}

GUEST_NAME_SEPARATORS = re.compile(r"[、,，;；\s]+")


def guest_name_list(text):
    return [name for name in GUEST_NAME_SEPARATORS.split(text or "") if name]


# The refusal of an edit form whose version is not a number any record has (an altered page).
EDIT_VERSION_INVALID = _(
    "This form's version number is not valid (the page may have been altered), so nothing "
    "was saved: reload the page and make your changes again."
)
VERSION_LARGEST = 2**31 - 1  # a PositiveIntegerField holds no more

# The refusal of a new record whose hidden plan is no plan of a group the user records for.
PLAN_NOT_YOURS = _(
    "The plan this form was opened from is not a plan of your group (the page may have been "
    "altered), so nothing was saved. Your entries are kept below: press Save again to save "
    "them as a record of their own."
)


def plan_recorded_message(plan):
    """The refusal of a new record started from `plan` (an Activity), which was recorded as
    held (or cancelled) or replaced by another record since the form was opened: who did it,
    when, and a link to the record, so the user checks it before saving a second one.

    Costs two or three queries (the plan's history, the month's record).
    """
    record = plan
    if plan.status == Activity.Status.PLANNED or plan.archived_at is not None:
        # Replaced: the month's record of the group that archived it, if one is there.
        record = (
            Activity.objects.filter(
                group_id=plan.group_id,
                date__year=plan.date.year,
                date__month=plan.date.month,
                archived_at__isnull=True,
            )
            .exclude(status=Activity.Status.PLANNED)
            .order_by("-pk")
            .first()
        )
    change = (
        plan.history.exclude(status=Activity.Status.PLANNED, archived_at__isnull=True)
        .select_related("history_user")
        .order_by("history_date", "history_id")
        .first()
    )
    who = str(change.history_user) if change and change.history_user else _("someone")
    when = timezone.localtime(change.history_date) if change else None
    said = _(
        "Meanwhile %(who)s recorded this month's plan “%(title)s”%(when)s, so nothing was "
        "saved, to keep the month from having two records."
    ) % {
        "who": who,
        "title": plan.title,
        "when": _(" on %(day)s at %(time)s") % {"day": chinese_date(when), "time": f"{when:%H:%M}"}
        if when
        else "",
    }
    if record is None:
        return format_html(
            "{} {}",
            said,
            _(
                "Your entries are kept below: if this is another activity, press Save again "
                "to save it as a record of its own."
            ),
        )
    return format_html(
        '{} <a href="{}">{}</a> {}',
        said,
        reverse("activities:activity_detail", args=[record.pk]),
        _("See that record “%(title)s”.") % {"title": record.title},
        _(
            "Your entries are kept below: check that record first, and press Save again only "
            "if this is another activity."
        ),
    )


class ActivityForm(forms.ModelForm):
    # The version the form was opened at: a save is refused if someone saved since, and an
    # edit without it is refused too (activities.services.activity_record). It is hidden, so
    # a bad value is reported above the form (clean), not on a field nobody sees.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        max_value=VERSION_LARGEST,
        error_messages={
            "invalid": EDIT_VERSION_INVALID,
            "min_value": EDIT_VERSION_INVALID,
            "max_value": EDIT_VERSION_INVALID,
        },
    )
    # A one-time token of a new record's form: posting it twice returns the first record.
    submission_token = forms.RegexField(
        regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput, required=False
    )
    # The month's plan a record started from (?month=YYYY-MM): once the record is saved as
    # held, the plan it replaces is archived (activities.services.activity_record).
    # Its id is checked in clean (_check_plan), so a plan recorded meanwhile is said above the
    # form, not refused on this field nobody sees.
    plan = forms.CharField(widget=forms.HiddenInput, required=False)
    summary = summary_field(
        _("summary"),
        _(
            "Keep the summary to %(limit_value)s characters (this one has %(show_value)s): "
            "shorten it, or attach the full text as a PDF."
        ),
    )
    attendees = AttendeeChoiceField(
        label=_("Attendance"),
        queryset=Member.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = [
            "group",
            "date",
            "start_time",
            "title",
            "theme",
            "status",
            "cancel_reason",
            "off_duty_reason",
            "off_duty_note",
            "place",
            "host_enterprise",
            "summary",
            "other_participants",
            "guest_names",
        ]
        widgets = {
            "date": RECORD_DATE_INPUT,
            "start_time": forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
            "other_participants": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if instance is None or instance.pk is None:
            # The form records what happened; a plan has its own page. A future date turns
            # it back to planned in the browser, and the server refuses a future "held".
            kwargs["initial"] = {"status": Activity.Status.HELD, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.status_question = None
        groups = RotationGroup.objects.active()
        if self.instance.group_id:
            groups = groups | RotationGroup.objects.filter(pk=self.instance.group_id)
        self.fields["group"].queryset = groups.order_by("number")
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        else:
            self.initial.setdefault("submission_token", uuid.uuid4().hex)
        self.fields["status"].widget.attrs["data-status-select"] = ""
        self.fields["other_participants"].widget.attrs["data-other-participants"] = ""
        if self.instance.pk and not self.is_bound:
            self.initial["attendees"] = list(
                self.instance.attendances.values_list("member_id", flat=True)
            )

    def clean(self):
        cleaned = super().clean()
        # An altered version is said above the form, where the user sees it.
        self.version_refused = "version" in self._errors
        if self.version_refused:
            self.add_error(None, self._errors.pop("version"))
        if self._errors.pop("plan", None):
            self._drop_plan(PLAN_NOT_YOURS)  # say, a null character: no page sends that
        cleaned["plan"] = self._check_plan(cleaned.get("plan"), cleaned.get("group"))
        if self.instance.pk is None and not cleaned.get("submission_token"):
            # Without its one-time token a repost could not be recognised: refuse it.
            self.add_error(None, expired_form_message())
        self._check_status(cleaned)
        self._check_guests(cleaned)
        return cleaned

    def _check_plan(self, plan_id, group):
        """The month's plan (an Activity) this new record replaces, from the hidden ``plan``
        id, or None.

        A plan recorded or replaced since the form was opened, or one that is not a plan of a
        group the user records for (a stale or altered page), refuses the save with a message
        above the form saying so (PlanRefusal), and the form comes back without the plan: the
        next save is a record of its own, or the user goes to the record already made. A
        plan of another group than the one chosen is simply kept (the user changed group).
        """
        if not plan_id or self.instance.pk is not None:
            return None
        pk = positive_int(plan_id)
        plan = Activity.objects.select_related("group").filter(pk=pk).first() if pk else None
        if plan is None or not self.fields["group"].queryset.filter(pk=plan.group_id).exists():
            self._drop_plan(PLAN_NOT_YOURS)
            return None
        if plan.status != Activity.Status.PLANNED or plan.archived_at is not None:
            self._drop_plan(plan_recorded_message(plan))
            return None
        if group is None or plan.group_id != group.pk:
            return None
        return plan

    def _drop_plan(self, message):
        self.add_error(None, message)
        self.plan_refused = True
        self.data = self.data.copy()
        self.data[self.add_prefix("plan")] = ""

    @property
    def asks_off_duty_reason(self):
        """Show the duty-month question: it was refused without a reason, or one is given."""
        return bool(self["off_duty_reason"].value() or self.errors.get("off_duty_reason"))

    def status_decision(self, question=None):
        """The answer the user gave to the status question `question` (QUESTION_*).

        A button of the form sends it; when the form came back for another reason (say the
        duty-month reason was missing), the answer given then travels in the hidden field
        ``status_answer`` as "<question>:<answer>" (kept_status_answer) and still counts, but
        only for the same question: a changed case (say, members ticked since) asks again.
        """
        if not self.is_bound:
            return ""
        decision = self.data.get("status_decision", "")
        if decision:
            return decision
        kept_question, _sep, kept = str(self.data.get("status_answer", "")).partition(":")
        if question is not None and kept_question == question and kept in ANSWERS[question]:
            return kept
        return ""

    @property
    def kept_status_answer(self):
        """ "<question>:<answer>" for the hidden field ``status_answer`` of a re-rendered
        form: the answer the user gave to the question the current data asks, else ""."""
        question = self._status_case()
        if question is None:
            return ""
        decision = self.status_decision(question)
        return f"{question}:{decision}" if decision in ANSWERS[question] else ""

    def _status_case(self):
        """The question the posted status and attendance ask (QUESTION_*), or None."""
        cleaned = getattr(self, "cleaned_data", None) or {}
        status = self.data.get(self.add_prefix("status"))
        attendees = cleaned.get("attendees")
        ticked = bool(attendees) if attendees is not None else bool(self._checked_ids())
        if status == Activity.Status.PLANNED and ticked:
            return QUESTION_PLANNED_WITH_ATTENDEES
        if status == Activity.Status.HELD and not ticked:
            return QUESTION_HELD_WITHOUT_ATTENDEES
        return None

    def _check_status(self, cleaned):
        """No silent status: a plan with attendees, or a held record with none, is saved only
        when the user answered the question (STATUS_DECISIONS), else the form asks."""
        status, attendees = cleaned.get("status"), cleaned.get("attendees")
        if status is None or attendees is None:
            return
        if status == Activity.Status.PLANNED and attendees:
            decision = self.status_decision(QUESTION_PLANNED_WITH_ATTENDEES)
            if decision == DECISION_HELD:
                cleaned["status"] = Activity.Status.HELD
            elif decision != DECISION_KEEP_PLANNED:
                self.status_question = QUESTION_PLANNED_WITH_ATTENDEES
                count = len(attendees)
                self.add_error(
                    "status",
                    ngettext(
                        "The status is “planned” but %(count)s member is ticked as present. "
                        "A planned activity has no number and is left out of every tally: "
                        "choose “held”, or confirm below that it is still a plan.",
                        "The status is “planned” but %(count)s members are ticked as present. "
                        "A planned activity has no number and is left out of every tally: "
                        "choose “held”, or confirm below that it is still a plan.",
                        count,
                    )
                    % {"count": count},
                )
        elif status == Activity.Status.HELD and not attendees:
            if self.status_decision(QUESTION_HELD_WITHOUT_ATTENDEES) != DECISION_KEEP_HELD_EMPTY:
                self.status_question = QUESTION_HELD_WITHOUT_ATTENDEES
                self.add_error(
                    "status",
                    _(
                        "The status is “held” but no member is ticked as present: tick the "
                        "members on the sign-in sheet, or confirm below that nobody from the "
                        "committee came."
                    ),
                )

    def _check_guests(self, cleaned):
        names = guest_name_list(cleaned.get("guest_names", ""))
        count = cleaned.get("other_participants")
        if count is not None and len(names) > count:
            self.add_error(
                "other_participants",
                _(
                    "%(names)s guests are named but other participants is %(count)s: the number "
                    "must be at least the number of names."
                )
                % {"names": len(names), "count": count},
            )

    def _checked_ids(self):
        if self.is_bound:
            values = self.data.getlist(self.add_prefix("attendees"))
        else:
            values = self.initial.get("attendees") or []
        return {str(value) for value in values}

    def _host_group_id(self):
        value = self["group"].value()
        return int(value) if AttendeeChoiceField.is_id(value) else None

    def attendance_day(self):
        """The day whose group memberships decide the sheet: the activity's date, else today."""
        value = self["date"].value()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value or ""))
        except ValueError:
            return timezone.localdate()

    def attendance_board(self, *, search_text=""):
        """The attendance checklist (activities.attendance): host group first, in the order
        of the sign-in sheet; a fixed number of queries whatever the roster's size."""
        host_id = self._host_group_id()
        host = self.fields["group"].queryset.filter(pk=host_id).first() if host_id else None
        checked = {int(pk) for pk in self._checked_ids() if AttendeeChoiceField.is_id(pk)}
        return attendance_board(
            host=host, day=self.attendance_day(), checked_ids=checked, search_text=search_text
        )


class LeaderForm(forms.ModelForm):
    class Meta:
        model = LeaderPresence
        fields = ["name", "title", "level"]
        labels = {"title": _("Position")}


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["kind", "title", "submitted_to", "year", "is_key"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As a field default, not form initial data: an untouched extra row stays empty.
        self.fields["year"].initial = timezone.localdate().year


class PublicityForm(forms.ModelForm):
    link = forms.URLField(label=_("link"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Publicity
        fields = ["channel", "date", "title", "link"]
        widgets = {"date": RECORD_DATE_INPUT}


LeaderFormSet = inlineformset_factory(
    Activity, LeaderPresence, form=LeaderForm, extra=1, can_delete=True
)
OutcomeFormSet = inlineformset_factory(
    Activity, Outcome, form=OutcomeForm, extra=0, can_delete=True
)
PublicityFormSet = inlineformset_factory(
    Activity, Publicity, form=PublicityForm, extra=1, can_delete=True
)


def kept_rows(formset):
    """The rows a valid formset asks to keep: changed or existing, and not marked deleted."""
    rows = []
    for form in formset.forms:
        if form.instance.pk is None and not form.has_changed():
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        rows.append(form.instance)
    return rows


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.current_group_number:
            return _("%(name)s · %(company)s · now in group %(group)s") % {
                "name": obj.name,
                "company": obj.company or "—",
                "group": obj.current_group_number,
            }
        return _("%(name)s · %(company)s · no group") % {
            "name": obj.name,
            "company": obj.company or "—",
        }


class MembershipAddForm(forms.Form):
    """Put a member in this group; a member of another group moves, keeping their history.

    The member is picked among the few that match a search (`search`, by name, pinyin,
    company or mobile), never from a list of the whole roster: at a province's size that
    list is ten thousand options. A posted member is checked against every active member.
    """

    SHOWN = 30

    member = MemberChoiceField(label=_("member"), queryset=Member.objects.none())
    start_date = forms.DateField(label=_("from"), widget=DATE_INPUT, initial=timezone.localdate)

    def __init__(self, *args, group, search="", **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.search = search.strip()[:50]
        field = self.fields["member"]
        active = members_with_current_group(Member.objects.active())
        field.queryset = active
        if self.is_bound:  # the member posted, shown again if the form comes back
            posted = str(self.data.get(self.add_prefix("member"), ""))
            shown = active.filter(pk=posted) if posted.isdigit() else active.none()
        elif self.search:
            found = active.filter(
                Q(name__contains=self.search)
                | Q(pinyin_key__startswith=self.search.lower())
                | Q(company__contains=self.search)
                | Q(mobile__startswith=self.search)
            ).exclude(pk__in=GroupMembership.objects.current().filter(group=group).values("member"))
            shown = found.order_by("stroke_key", "pk")[: self.SHOWN + 1]
        else:
            shown = active.none()
        shown = list(shown)
        self.more_found = len(shown) > self.SHOWN
        field.widget.choices = [("", "---------")] + [
            (member.pk, field.label_from_instance(member)) for member in shown[: self.SHOWN]
        ]

    def clean_member(self):
        member = self.cleaned_data["member"]
        if member.current_group_id == self.group.pk:
            raise forms.ValidationError(
                _("%(name)s is already in this group."), params={"name": member.name}
            )
        return member

    def clean_start_date(self):
        start = self.cleaned_data["start_date"]
        if start > timezone.localdate():
            raise forms.ValidationError(_("A move is recorded when it happens, not ahead."))
        return start

    def clean(self):
        cleaned = super().clean()
        member, start = cleaned.get("member"), cleaned.get("start_date")
        if member and start and member.current_group_start and start < member.current_group_start:
            self.add_error(
                "start_date",
                forms.ValidationError(
                    _("%(name)s joined group %(group)s on %(day)s; the move cannot be earlier."),
                    params={
                        "name": member.name,
                        "group": member.current_group_number,
                        "day": member.current_group_start.isoformat(),
                    },
                ),
            )
        return cleaned


class ConvenersForm(forms.Form):
    conveners = forms.ModelMultipleChoiceField(
        label=_("Conveners"),
        queryset=Member.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only part-time vice-chairs and vice-presidents; 2 or 3 per group."),
    )

    def __init__(self, *args, group, memberships, current_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.current_ids = (
            {m.member_id for m in memberships} if current_ids is None else set(current_ids)
        )
        field = self.fields["conveners"]
        # Offer the group's current members who may convene (and any convener already
        # appointed); validation still sees the whole roster so that a convener from another
        # group, or of another role, gets a message that says so.
        field.choices = [
            (m.member_id, f"{m.member.name}（{m.member.get_role_display()}）")
            for m in memberships
            if m.is_convener or m.member.role in FederationRole.convener_roles()
        ]
        field.initial = [m.member_id for m in memberships if m.is_convener]

    def clean_conveners(self):
        conveners = self.cleaned_data["conveners"]
        errors = []
        for member in members_with_current_group(conveners.model.objects.filter(pk__in=conveners)):
            if member.pk not in self.current_ids:
                errors.append(
                    forms.ValidationError(
                        _(
                            "%(name)s is not a member of this group; move them here before "
                            "appointing them convener."
                        ),
                        params={"name": member.name},
                        code="other_group",
                    )
                )
            elif member.role not in FederationRole.convener_roles():
                errors.append(
                    forms.ValidationError(
                        _(
                            "Only part-time vice-chairs and vice-presidents can convene a group; "
                            "%(name)s is %(role)s."
                        ),
                        params={"name": member.name, "role": member.get_role_display()},
                        code="convener_role",
                    )
                )
        if errors:
            raise forms.ValidationError(errors)
        return conveners


# The refusals of an approval or a return whose page showed another version of the record.
REVIEW_VERSION_MISSING = _(
    "This approval form does not say which version of the record you looked at, so nothing "
    "was approved or returned. Open the record again, check it, then decide."
)
REVIEW_VERSION_INVALID = _(
    "This approval form's version number is not one the record has had (the page may have "
    "been altered), so nothing was approved or returned. Open the record again, check it, "
    "then decide."
)
REVIEW_STALE = _(
    "This record was changed after you opened it, so nothing was approved or returned. Check "
    "the current content below, then approve or return it again."
)


class ReviewForm(forms.Form):
    """An approval: the version of the record the page showed (members.locking), so that
    what is approved is what the staff looked at, never a later edit."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": REVIEW_VERSION_MISSING,
            "invalid": REVIEW_VERSION_INVALID,
            "min_value": REVIEW_VERSION_INVALID,
            "max_value": REVIEW_VERSION_INVALID,
        },
    )


class ReturnForm(ReviewForm):
    """A return to the convener: the version the page showed, and what to change."""

    comment = forms.CharField(
        label=_("What should the convener change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={
            "required": _("Write what the convener should change: a return needs a comment."),
            "max_length": _(
                "The return comment can be at most %(limit_value)s characters (this one has "
                "%(show_value)s): shorten it."
            ),
        },
    )
