"""The two forms of the public check-in page. Neither ever puts a typed mobile back into
the page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from activities.checkin.public import normalize_name
from members.validators import normalize_mobile


class NeverEchoedInput(forms.TextInput):
    """A telephone field that renders empty even after a failed submit."""

    input_type = "tel"

    def format_value(self, value):
        return None


class _PhoneForm(forms.Form):
    # Both forms share one page: distinct ids keep each label on its own field.
    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)

    def clean_name(self):
        name = normalize_name(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Enter your name."))
        return name


class MemberCheckInForm(_PhoneForm):
    id_prefix = "member"
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "class": "form-control"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        error_messages={"required": _("Enter the 11 digits of your mobile number.")},
        widget=NeverEchoedInput(
            attrs={"autocomplete": "tel", "inputmode": "numeric", "class": "form-control"}
        ),
    )

    def clean_mobile(self):
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        # normalize_mobile turned full-width digits into ASCII ones; other scripts' digits
        # (isdigit() accepts them) match no member's mobile.
        if not (mobile.isascii() and mobile.isdigit() and len(mobile) == 11):
            raise ValidationError(_("Enter the 11 digits of your mobile number."))
        return mobile


class GuestCheckInForm(_PhoneForm):
    id_prefix = "guest"
    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name", "class": "form-control"}),
    )
    company = forms.CharField(
        label=_("Company or organisation"),
        max_length=200,
        error_messages={"required": _("Enter your company or organisation.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization", "class": "form-control"}),
    )
    title = forms.CharField(
        label=_("Title (optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "organization-title", "class": "form-control"}
        ),
    )

    def clean_company(self):
        company = self.cleaned_data["company"].strip()
        if not company:
            raise ValidationError(_("Enter your company or organisation."))
        return company
