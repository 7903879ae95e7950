from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from activities.models import (
    Activity,
    ActivityCounter,
    Attachment,
    Attendance,
    CheckInLog,
    GroupMembership,
    LeaderPresence,
    Outcome,
    Publicity,
    RotationGroup,
)
from activities.services import activity_save
from members.admin import ArchivedFilter, VersionCheckedAdminForm
from members.locking import version_bump


class HistoryKeepingAdmin(SimpleHistoryAdmin):
    """No bulk delete; a single delete only where nothing depends on the row."""

    actions = None


class ActivityPartAdmin(HistoryKeepingAdmin):
    """Rows recorded about an activity: changing one here is a change to the activity, so its
    version rises (an activity form opened before is then refused, members.locking)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        activities = {obj.activity_id, form.initial.get("activity")} - {None}
        for activity in Activity.objects.filter(pk__in=activities):
            version_bump(activity)

    def delete_model(self, request, obj):
        activity = obj.activity
        super().delete_model(request, obj)
        if activity is not None:
            version_bump(activity)


@admin.register(RotationGroup)
class RotationGroupAdmin(HistoryKeepingAdmin):
    """A group's page links to its memberships instead of listing them inline: at a province's
    size a group has a thousand members, and an inline would render (and query) every one.
    The membership list is paginated and searchable, its form picks a member by autocomplete."""

    list_display = ["number", "name", "basis", "archived_at"]
    list_filter = [ArchivedFilter, "basis"]
    search_fields = ["name", "description"]
    readonly_fields = ["memberships_link"]

    @admin.display(description=_("members"))
    def memberships_link(self, obj):
        if obj.pk is None:
            return "—"
        url = reverse("admin:activities_groupmembership_changelist")
        return format_html(
            '<a href="{}?group__id__exact={}">{}</a>',
            url,
            obj.pk,
            _("%(count)s memberships") % {"count": obj.memberships.count()},
        )

    def has_delete_permission(self, request, obj=None):
        # Archive, never delete: a group with members or activities keeps its history (and
        # the confirmation page would list every one of them).
        if obj is not None and (obj.memberships.exists() or obj.activities.exists()):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(GroupMembership)
class GroupMembershipAdmin(HistoryKeepingAdmin):
    list_display = ["member", "group", "is_convener", "start_date", "end_date"]
    list_filter = ["group", "is_convener", "end_date"]
    search_fields = ["member__name", "group__name"]
    autocomplete_fields = ["member", "group"]
    list_select_related = ["member", "group"]


class ChosenObjectAutocomplete(AutocompleteSelect):
    """An autocomplete select that labels the object its row already holds.

    Django's AutocompleteSelect reads its chosen object again to print the label: one query
    per row, so an activity with 40 attendance rows cost 40 queries more than one with none.
    `chosen` is the object the row was read with (set by ChosenObjectsInlineForm); a value
    that is not that object (a form sent back with another choice) is read as Django does.
    """

    chosen = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        chosen = self.chosen
        key = None if chosen is None else getattr(chosen, self.field.target_field.attname)
        if key is None or selected != {str(key)}:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, key, label, selected, len(options)))
        return [(None, options, 0)]


class ChosenObjectsInlineForm(forms.ModelForm):
    """Hands each ChosenObjectAutocomplete of the row the object the row was read with."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside the "+" links
            if isinstance(widget, ChosenObjectAutocomplete):
                model_field = self.instance._meta.get_field(name)
                if model_field.is_cached(self.instance):
                    widget.chosen = model_field.get_cached_value(self.instance)


class RowsInline(admin.TabularInline):
    """An inline whose queries do not grow with its rows: each row is read with the objects
    it shows (`row_related`: its name, its autocomplete choices) in the inline's one query,
    and its autocompletes label their choice from them."""

    extra = 0
    form = ChosenObjectsInlineForm
    row_related = ()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.row_related)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = ChosenObjectAutocomplete(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AttendanceInline(RowsInline):
    model = Attendance
    autocomplete_fields = ["member"]
    row_related = ["member", "activity"]  # the row's name is "member @ activity"


class LeaderInline(RowsInline):
    model = LeaderPresence


class OutcomeInline(RowsInline):
    model = Outcome
    autocomplete_fields = ["member"]
    row_related = ["member"]


# Links typed without a scheme are taken as https (Django 6 will do so by default).
URL_AS_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class PublicityInline(RowsInline):
    model = Publicity
    formfield_overrides = URL_AS_HTTPS


@admin.register(Activity)
class ActivityAdmin(HistoryKeepingAdmin):
    form = VersionCheckedAdminForm
    list_display = ["number", "date", "group", "theme", "title", "status", "review_status"]
    list_filter = [ArchivedFilter, "status", "review_status", "theme", "group", "date"]
    search_fields = ["title", "place", "host_enterprise", "summary"]
    date_hierarchy = "date"
    # The review workflow sets when a record was submitted and reviewed; the admin's split
    # date-time inputs would cut their seconds off on every save (a change nobody made).
    readonly_fields = ["number", "created_by", "submitted_at", "reviewed_at"]
    # A select of every login would grow with the logins (and name each through its member).
    autocomplete_fields = ["reviewed_by"]
    inlines = [AttendanceInline, LeaderInline, OutcomeInline, PublicityInline]

    def save_model(self, request, obj, form, change):
        activity_save(activity=obj, by=request.user)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.has_history:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Attendance)
class AttendanceAdmin(ActivityPartAdmin):
    list_display = ["activity", "member"]
    list_filter = ["activity__group", "activity__date"]
    search_fields = ["member__name", "activity__title"]
    autocomplete_fields = ["member", "activity"]


@admin.register(LeaderPresence)
class LeaderPresenceAdmin(ActivityPartAdmin):
    list_display = ["name", "title", "level", "activity"]
    list_filter = ["level", "activity__date"]
    search_fields = ["name", "title", "activity__title"]
    autocomplete_fields = ["activity"]


@admin.register(Outcome)
class OutcomeAdmin(ActivityPartAdmin):
    list_display = ["title", "kind", "submitted_to", "year", "is_key", "activity", "member"]
    list_filter = ["kind", "submitted_to", "year", "is_key"]
    search_fields = ["title", "member__name", "activity__title"]
    autocomplete_fields = ["activity", "member"]
    list_select_related = ["activity", "member"]


@admin.register(Publicity)
class PublicityAdmin(ActivityPartAdmin):
    formfield_overrides = URL_AS_HTTPS
    list_display = ["activity", "channel", "date", "title"]
    list_filter = ["channel", "date"]
    search_fields = ["title", "link", "activity__title"]
    autocomplete_fields = ["activity"]


@admin.register(ActivityCounter)
class ActivityCounterAdmin(admin.ModelAdmin):
    list_display = ["last_number"]
    search_fields = ["last_number"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CheckInLog)
class CheckInLogAdmin(admin.ModelAdmin):
    """The check-in log (issue 17), read-only: kept beside the access log, joined on address
    and time."""

    list_display = ["at", "address", "outcome", "kind", "activity", "checkin"]
    list_filter = ["outcome", "kind"]
    search_fields = ["address", "activity__title"]
    date_hierarchy = "at"
    list_select_related = ["activity", "checkin"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(HistoryKeepingAdmin):
    """Photos and scans, to look up: uploaded and archived on the activity's page, never
    added or deleted here (the files are checked and stored by activities/attachments/)."""

    list_display = [
        "original_name",
        "activity",
        "kind",
        "uploaded_by",
        "uploaded_at",
        "archived_at",
    ]
    list_filter = ["kind", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["original_name", "caption", "activity__title"]
    fields = [
        "activity",
        "kind",
        "original_name",
        "caption",
        "content_type",
        "size",
        "width",
        "height",
        "uploaded_by",
        "uploaded_at",
        "archived_at",
        "archived_by",
    ]
    readonly_fields = [f for f in fields if f != "caption"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
