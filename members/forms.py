from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import FederationRole, Member, PublicOffice
from members.validators import normalize_mobile


def _office_choices():
    return [
        (f"{kind}:{level}", f"{level_label}{kind_label}")
        for kind, kind_label in PublicOffice.Kind.choices
        for level, level_label in PublicOffice.Level.choices
    ]


def _duplicate_mobile_message():
    for constraint in Member._meta.constraints:
        if constraint.name == "member_mobile_unique_when_given":
            return constraint.violation_error_message
    raise LookupError("member_mobile_unique_when_given")


class MemberForm(forms.ModelForm):
    # The version the form was opened at: a save is refused if someone saved since.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Wider than the model's 11 characters: offices type "+86 139 1234 5678"; clean_mobile
    # normalises before the model's validator sees it.
    mobile = forms.CharField(
        label=_("mobile"),
        max_length=20,
        required=False,
        help_text=_("Mainland China mobile, 11 digits."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    offices = forms.MultipleChoiceField(
        label=_("Public offices"),
        required=False,
        choices=_office_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People's congress deputy or CPPCC member, at each level held."),
    )

    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "mobile",
            "role",
            "company",
            "position",
            "industry",
            "township",
            "email",
            "term",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["offices"] = [f"{o.kind}:{o.level}" for o in self.instance.offices.all()]
        if self.instance.pk:
            self.initial.setdefault("version", self.instance.version)

    def clean_mobile(self):
        mobile = normalize_mobile(self.cleaned_data.get("mobile"))
        if mobile and Member.objects.exclude(pk=self.instance.pk).filter(mobile=mobile).exists():
            # The database constraint would say the same, but as an error for the whole form;
            # here it stands next to the field.
            raise forms.ValidationError(_duplicate_mobile_message(), code="duplicate_mobile")
        return mobile

    def office_pairs(self):
        return [tuple(value.split(":", 1)) for value in self.cleaned_data.get("offices", [])]

    def member_fields(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def add_duplicate_mobile_error(self):
        self.add_error("mobile", forms.ValidationError(_duplicate_mobile_message()))


class MemberFilterForm(forms.Form):
    """The roster's search, filters and ordering (GET parameters; every one optional)."""

    ORDER_ROLE = "role"
    ORDER_PINYIN = "pinyin"
    ORDER_STROKES = "strokes"
    STATUS_ACTIVE = "active"
    STATUS_ARCHIVED = "archived"
    STATUS_ALL = "all"

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, company or mobile"), "type": "search"}
        ),
    )
    role = forms.ChoiceField(
        label=_("federation role"),
        required=False,
        choices=[("", _("All roles")), *FederationRole.choices],
    )
    group = forms.TypedChoiceField(label=_("rotation group"), required=False, coerce=int)
    industry = forms.ChoiceField(label=_("industry"), required=False)
    township = forms.ChoiceField(label=_("township / region"), required=False)
    office = forms.ChoiceField(
        label=_("Public office"),
        required=False,
        choices=[("", _("Any or none")), *PublicOffice.Kind.choices],
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[
            (STATUS_ACTIVE, _("Active")),
            (STATUS_ARCHIVED, _("Archived")),
            (STATUS_ALL, _("All")),
        ],
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            (ORDER_ROLE, _("By role, then surname strokes")),
            (ORDER_STROKES, _("By surname strokes")),
            (ORDER_PINYIN, _("By pinyin")),
        ],
    )

    def __init__(self, *args, groups=(), industries=(), townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [
            ("", _("All groups")),
            ("0", _("No group")),
            *[(g.pk, str(g)) for g in groups],
        ]
        self.fields["industry"].choices = [("", _("All industries")), *[(i, i) for i in industries]]
        self.fields["township"].choices = [("", _("All regions")), *[(t, t) for t in townships]]

    def extra_filters_used(self):
        """Whether a filter other than the search box is set (the phone layout shows them)."""
        return any(self.data.get(name) for name in self.fields if name != "q")

    def filter(self, queryset):
        """Apply the valid filters; an invalid one is ignored rather than emptying the list."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or self.STATUS_ACTIVE
        if status == self.STATUS_ACTIVE:
            queryset = queryset.active()
        elif status == self.STATUS_ARCHIVED:
            queryset = queryset.archived()
        if data.get("q"):
            queryset = queryset.search(data["q"])
        if data.get("role"):
            queryset = queryset.filter(role=data["role"])
        group = data.get("group")
        if group == 0:
            queryset = queryset.exclude(memberships__end_date__isnull=True)
        elif group:
            queryset = queryset.filter(
                memberships__group_id=group, memberships__end_date__isnull=True
            )
        if data.get("industry"):
            queryset = queryset.filter(industry=data["industry"])
        if data.get("township"):
            queryset = queryset.filter(township=data["township"])
        if data.get("office"):
            queryset = queryset.filter(offices__kind=data["office"]).distinct()
        order = data.get("order") or self.ORDER_ROLE
        if order == self.ORDER_PINYIN:
            return queryset.by_pinyin()
        if order == self.ORDER_STROKES:
            return queryset.by_strokes()
        return queryset.by_role()
