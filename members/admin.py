from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from members.locking import MissingVersionError, StaleEditError
from members.masking import mask_mobile
from members.models import Member, PersonalDataAccess, PublicOffice, User


class VersionCheckedAdminForm(forms.ModelForm):
    """An admin change form that carries the version it was opened at (members.locking).

    The admin saves inside one transaction; clean() locks the row and compares, so a change
    saved elsewhere since the page was opened is refused with a message instead of
    overwritten, and the save itself raises the version (VersionedSave).
    """

    # Not named "version": the admin would take that for the model's (non-editable) field.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("opened_version", self.instance.version)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        expected = cleaned.get("opened_version")
        stored = (
            type(self.instance)
            .objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if expected is None:
            raise forms.ValidationError(str(MissingVersionError.message), code="no_version")
        if stored != expected:
            raise forms.ValidationError(str(StaleEditError.message), code="stale")
        return cleaned


class PublicOfficeInline(admin.TabularInline):
    model = PublicOffice
    extra = 0


class ArchivedFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("Active")), ("yes", _("Archived"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    """Full mobiles and e-mails only for logins that read everything (staff, leadership);
    for any other admin login they are masked, not searchable and not in the form."""

    form = VersionCheckedAdminForm
    list_display = ["name", "role", "company", "industry", "township", "mobile", "archived_at"]
    list_filter = [
        ArchivedFilter,
        "role",
        "gender",
        "term",
        "industry",
        "township",
        "offices__kind",
    ]
    search_fields = ["name", "company", "mobile", "pinyin_key"]
    inlines = [PublicOfficeInline]
    actions = None  # no bulk delete: people are archived, not deleted

    @admin.display(description=_("mobile"))
    def masked_mobile(self, obj):
        return mask_mobile(obj.mobile)

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        if request.user.can_read_all:
            return shown
        return ["masked_mobile" if name == "mobile" else name for name in shown]

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if request.user.can_read_all:
            return fields
        return [name for name in fields if name not in ("mobile", "email")]

    def get_exclude(self, request, obj=None):
        if request.user.can_read_all:
            return super().get_exclude(request, obj)
        return [*(super().get_exclude(request, obj) or []), "mobile", "email"]

    def history_view(self, request, object_id, extra_context=None):
        # Past values include full mobiles and e-mails.
        if not request.user.can_read_all:
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)


@admin.register(PersonalDataAccess)
class PersonalDataAccessAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the application and pruned by its retention rule."""

    list_display = ["at", "username", "kind", "what", "rows", "address"]
    list_filter = ["kind"]
    search_fields = ["username", "what"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicOffice)
class PublicOfficeAdmin(SimpleHistoryAdmin):
    list_display = ["member", "kind", "level", "term"]
    list_filter = ["kind", "level"]
    search_fields = ["member__name", "term"]
    autocomplete_fields = ["member"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "role", "member", "first_name", "is_active", "last_login"]
    # A nullable link: the changelist's own select_related() would leave it out and read each
    # login's member apart.
    list_select_related = ["member"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "member__name"]
    autocomplete_fields = ["member"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role"), {"fields": ["role", "member", "must_change_password"]}),
    )
    add_fieldsets = (*DjangoUserAdmin.add_fieldsets, (_("Role"), {"fields": ["role", "member"]}))
