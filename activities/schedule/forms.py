import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.forms import RECORD_DATE_INPUT, expired_form_message, summary_field
from activities.models import Activity, ChatWebhook, RotationGroup

MONTH_CHOICES = [(m, _("Month %(month)s") % {"month": m}) for m in range(1, 13)]


class ScheduleGenerateForm(forms.Form):
    no_activity_months = forms.TypedMultipleChoiceField(
        label=_("Months with no activity"),
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For example the Spring Festival month; the rotation carries on after it."),
    )


class ScheduleSwapForm(forms.Form):
    """Two months to swap; both start empty, and months that cannot change are not offered
    (`locked` is {month: reason}, see activities.schedule.services.locked_months)."""

    month_a = forms.TypedChoiceField(label=_("Month"), choices=MONTH_CHOICES, coerce=int)
    month_b = forms.TypedChoiceField(label=_("swap with month"), choices=MONTH_CHOICES, coerce=int)

    def __init__(self, *args, locked=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.locked = locked or {}
        open_months = [(m, label) for m, label in MONTH_CHOICES if m not in self.locked]
        for name in ("month_a", "month_b"):
            # Every month validates (a locked one gets its reason below); only open ones
            # are offered.
            self.fields[name].choices = [("", "—"), *MONTH_CHOICES]
            self.fields[name].widget.choices = [("", "—"), *open_months]

    @property
    def offers_a_swap(self):
        return 12 - len(self.locked) >= 2

    def clean(self):
        data = super().clean()
        if data.get("month_a") and data.get("month_a") == data.get("month_b"):
            raise forms.ValidationError(_("Choose two different months."))
        for name in ("month_a", "month_b"):
            if data.get(name) in self.locked:
                self.add_error(name, self.locked[data[name]])
        return data


class ScheduleMonthForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("On-duty group"),
        queryset=RotationGroup.objects.active().order_by("number"),
        required=False,
    )
    no_activity = forms.BooleanField(label=_("No activity this month"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, backfill=False, **kwargs):
        super().__init__(*args, **kwargs)
        if backfill:
            # A past month is written down from the office's records, and says which.
            note = self.fields["note"]
            note.required = True
            note.label = _("Where this comes from")
            note.help_text = _("For example: 据2017年度轮值安排表补录.")

    def clean(self):
        data = super().clean()
        if not data.get("no_activity") and not data.get("group"):
            self.add_error(
                "group", _("Choose the on-duty group, or mark the month as having no activity.")
            )
        return data


class ActivityPlanForm(forms.ModelForm):
    """What a convener plans for the group's month: theme, date, place, plan."""

    # The version the plan was opened at (members.locking): a save over a newer one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    # A new plan's one-time token: posting the same form again returns the plan already made.
    submission_token = forms.RegexField(
        regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput, required=False
    )

    summary = summary_field(
        _("Plan"),
        _(
            "Keep the plan to %(limit_value)s characters (this one has %(show_value)s): "
            "shorten it, or attach the full text as a PDF."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)
        else:
            self.initial.setdefault("submission_token", uuid.uuid4().hex)

    class Meta:
        model = Activity
        fields = ["date", "start_time", "theme", "title", "place", "host_enterprise", "summary"]
        widgets = {
            "date": RECORD_DATE_INPUT,
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and not cleaned.get("submission_token"):
            self.add_error(None, expired_form_message())
        return cleaned

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date < timezone.localdate().replace(day=1):
            raise forms.ValidationError(_("A plan is for this month or later."))
        return date


class CalendarFeedForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Rotation group"),
        queryset=RotationGroup.objects.active().order_by("number"),
        required=False,
        empty_label=_("Whole schedule"),
    )
    label = forms.CharField(
        label=_("Label"),
        max_length=100,
        required=False,
        help_text=_("Who the address is for, e.g. 第1组召集人."),
    )


class ChatWebhookForm(forms.Form):
    """A group-chat robot. Editing, the address and secret are never sent back to the page:
    left empty they keep their saved value."""

    platform = forms.ChoiceField(label=_("Platform"), choices=ChatWebhook.Platform.choices)
    name = forms.CharField(
        label=_("Robot name"),
        max_length=100,
        help_text=_("For example the group chat's name: 福安工商联执委群."),
    )
    url = forms.CharField(
        label=_("Webhook address"),
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "Copied from the robot's settings in the group, e.g. "
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        ),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "DingTalk 加签 (starts with SEC) or Feishu 签名校验; "
            "empty when the robot has none. WeChat Work robots have none."
        ),
    )
    is_active = forms.BooleanField(
        label=_("Active: reminders go to this group"), required=False, initial=True
    )

    def __init__(self, *args, webhook=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.webhook = webhook
        if webhook is not None:
            self.fields["url"].required = False
            self.fields["url"].help_text = _(
                "Saved: %(masked)s. Leave empty to keep it; paste a new address to replace it."
            ) % {"masked": webhook.url_masked}
            if webhook.secret_masked:
                self.fields["secret"].help_text = _(
                    "Saved: %(masked)s. Leave empty to keep it."
                ) % {"masked": webhook.secret_masked}
                self.fields["remove_secret"] = forms.BooleanField(
                    label=_("Remove the signing secret"), required=False
                )
