from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from members.models import Member, PublicOffice, Role, User
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


class LoginCreateForm(forms.Form):
    """A login for a person on the roster; the password is generated (members.services)."""

    ROLE_CHOICES = [
        (Role.CONVENER, Role.CONVENER.label),
        (Role.MEMBER, Role.MEMBER.label),
        (Role.LEADERSHIP, Role.LEADERSHIP.label),
    ]

    username = forms.CharField(
        label=_("login name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_(
            "What they type to log in, e.g. their mobile number. Letters, digits and @.+-_ only."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    role = forms.ChoiceField(label=_("role"), choices=ROLE_CHOICES, widget=forms.RadioSelect)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("The login name “%(username)s” is taken; choose another."),
                params={"username": username},
                code="duplicate_username",
            )
        return username


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, with the old password checked like a login.

    The check goes through authenticate(), so django-axes counts a wrong old password as a
    failed login and locks the login out after the same number of failures (settings.AXES_*);
    while locked out, even the right old password is refused.
    """

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        authenticated = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if authenticated is None or authenticated.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
