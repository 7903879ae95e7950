"""Reading numbers from query strings and form fields: a bad value is None, never a 500."""

import datetime
import re

# PostgreSQL's integer column; bigger numbers cannot name a row (and SQLite cannot bind them).
LARGEST_ID = 2**31 - 1


def positive_int(value, *, maximum=LARGEST_ID):
    """``value`` as an int in 1..maximum when it is written in ASCII digits, else None.

    ``"abc"``, ``""``, ``"-1"``, ``"١٢"`` (str.isdigit accepts other scripts' digits), ``"1e3"``
    and numbers beyond ``maximum`` all give None.
    """
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > len(str(maximum)):
        return None
    number = int(value)
    return number if 1 <= number <= maximum else None


MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_param(value, *, first_year=2000, last_year=2100):
    """``"YYYY-MM"`` as the first day of that month, or None for anything else.

    ``"2026-13"``, ``"2026-1"``, ``"１９９９-01"`` (full-width digits), a year outside
    first_year..last_year and a value given twice as a list all give None.
    """
    if not isinstance(value, str):
        return None
    match = MONTH.fullmatch(value) if value.isascii() else None
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not (first_year <= year <= last_year and 1 <= month <= 12):
        return None
    return datetime.date(year, month, 1)
