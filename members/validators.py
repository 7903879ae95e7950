import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"1[3-9]\d{9}")


def normalize_mobile(value):
    """Strip spaces, dashes and a +86 prefix that offices often type.

    Full-width characters from a Chinese keyboard (１３９…, ＋８６) become ordinary ones first
    (Unicode NFKC), so they count as the digits they show."""
    if value is None:
        return ""
    digits = re.sub(r"[\s\-\u3000()（）]", "", unicodedata.normalize("NFKC", str(value)))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def validate_mainland_mobile(value):
    if not value:
        return
    if not value.isdigit() or len(value) != 11:
        raise ValidationError(
            _("A mobile number has 11 digits; “%(value)s” does not."),
            code="mobile_length",
            params={"value": value},
        )
    parsed = phonenumbers.parse(value, "CN")
    if not _MOBILE.fullmatch(value) or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("“%(value)s” is not a mainland China mobile number."),
            code="mobile_invalid",
            params={"value": value},
        )
    if phonenumbers.number_type(parsed) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise ValidationError(
            _("“%(value)s” is not a mainland China mobile number."),
            code="mobile_invalid",
            params={"value": value},
        )
