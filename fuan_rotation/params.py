"""Reading numbers from query strings and form fields: a bad value is None, never a 500."""

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
