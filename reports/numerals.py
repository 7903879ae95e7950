"""Chinese numerals as an official report writes them (两件, 一年半, 十二个).

Rule of use, from GB/T 15835-2011 (出版物上数字的用法) and the federation's own report:
figures that are counted or measured stay in Arabic numerals (17场, 519人次); Chinese numerals
are for a small part of a whole said in words (「其中两件为重点提案」) and for spans of time
said in words (「一年半以来」). Before a measure word, 2 is 两 (两件, 两年), elsewhere 二.
"""

import math

DIGITS = "零一二三四五六七八九"
UNITS = ("", "十", "百", "千")


def chinese_numeral(number, *, measure=False):
    """0 ≤ number < 100000 in Chinese numerals: 10 → 十, 12 → 十二, 105 → 一百零五, 2000 → 二千.

    ``measure=True`` when a measure word follows (两件 rather than 二件): 2 is then 两, as is a
    leading 2 before 百/千/万 (两百件, 两千人). Raises ValueError for a negative, non-integer or
    too large number.
    """
    if not isinstance(number, int) or isinstance(number, bool):
        raise ValueError(f"not an integer: {number!r}")
    if not 0 <= number < 100000:
        raise ValueError(f"out of range 0–99999: {number}")
    if number == 0:
        return DIGITS[0]
    if number == 2 and measure:
        return "两"
    ten_thousands, rest = divmod(number, 10000)
    text = ""
    if ten_thousands:
        text = ("两" if ten_thousands == 2 and measure else DIGITS[ten_thousands]) + "万"
        if rest and rest < 1000:
            text += DIGITS[0]
    if rest:
        text += _below_ten_thousand(rest, leading=not ten_thousands, measure=measure)
    return text


def _below_ten_thousand(number, *, leading, measure):
    digits = [int(d) for d in f"{number:04d}"]  # thousands, hundreds, tens, ones
    parts = []
    zero_pending = False
    started = False
    for position, digit in enumerate(digits):
        unit = UNITS[3 - position]
        if digit == 0:
            zero_pending = started
            continue
        if zero_pending:
            parts.append(DIGITS[0])
            zero_pending = False
        if unit == "十" and digit == 1 and not started and leading:
            parts.append("十")  # 十二, not 一十二, at the start of a number
        elif digit == 2 and unit in ("百", "千") and not started and measure:
            parts.append("两" + unit)
        else:
            parts.append(DIGITS[digit] + unit)
        started = True
    return "".join(parts)


def span_in_words(months):
    """A span of whole months as a report says it: 8 → 八个月, 12 → 一年, 21 → 一年半, 24 → 两年.

    Spans of a year or more are rounded down to whole half-years (18–23 months are 一年半,
    30–35 两年半), as the federation's July 2019 report called November 2017 – July 2019
    「一年半」. Raises ValueError for fewer than one month.
    """
    if months < 1:
        raise ValueError(f"a span needs at least one month: {months}")
    if months < 12:
        return f"{chinese_numeral(months, measure=True)}个月"
    years, rest = divmod(months, 12)
    text = f"{chinese_numeral(years, measure=True)}年"
    return text + "半" if rest >= 6 else text


def percent(share):
    """A share (0 ≤ share ≤ 1, or None) as the report prints a rate: a percentage to one
    decimal, rounded half up, without a trailing .0 (0.7273 → "72.7%", 1 → "100%", 0.0915 →
    "9.2%"), or "—" when there is nothing to divide by. The workbook's cells hold the same
    rates with the number format 0.0 (reports/excel.py), so the page, its charts and the
    workbook say the same figure."""
    if share is None:
        return "—"
    return f"{math.floor(share * 1000 + 0.5) / 10:g}%"
