"""Bar charts as plain geometry for inline SVG: no script, no CDN, prints as drawn.

The template ``reports/_partials/chart.html`` draws what these functions measure; labels stay
text, so Django escapes them like any other.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

LABEL_WIDTH = 190
VALUE_WIDTH = 120
WIDTH = 720
ROW_HEIGHT = 26
BAR_HEIGHT = 16


@dataclass
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float = 0
    label_y: float = 0
    text_x: float = 0
    text_y: float = 0


@dataclass
class Chart:
    title: str
    kind: str  # "bars" (horizontal) or "columns"
    width: int
    height: int
    bars: list
    axis_labels: list = field(default_factory=list)  # (x, y, text) under the columns
    baseline_y: float = 0
    empty: bool = False


def horizontal_bars(title, items, *, scale=None, width=WIDTH, label_width=LABEL_WIDTH):
    """items: (label, value, text) rows; a bar of ``scale`` (default: the largest) is full."""
    top = scale or max((value for _label, value, _text in items), default=0)
    span = width - label_width - VALUE_WIDTH
    bars = []
    for i, (label, value, text) in enumerate(items):
        y = i * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        bar_width = round(span * value / top, 1) if top else 0
        bars.append(
            Bar(
                label=str(label),
                value=value,
                text=text,
                x=label_width,
                y=y,
                width=bar_width,
                height=BAR_HEIGHT,
                label_x=label_width - 8,
                label_y=y + BAR_HEIGHT - 3,
                text_x=label_width + bar_width + 6,
                text_y=y + BAR_HEIGHT - 3,
            )
        )
    return Chart(
        title=str(title),
        kind="bars",
        width=width,
        height=max(len(items), 1) * ROW_HEIGHT,
        bars=bars,
        empty=not any(value for _label, value, _text in items),
    )


def columns(title, items, *, height=220, width=480):
    """items: ((year, month), value, text); the x axis names the months (or years if many)."""
    n = max(len(items), 1)
    plot_height = height - 40
    step = width / n
    column_width = max(step * 0.7, 1)
    top = max((value for _key, value, _text in items), default=0)
    show_values = n <= 24
    bars, axis = [], []
    for i, ((year, month), value, text) in enumerate(items):
        h = round(plot_height * value / top, 1) if top else 0
        x = i * step + (step - column_width) / 2
        y = 16 + plot_height - h
        bars.append(
            Bar(
                label=f"{year}年{month}月",
                value=value,
                text=text if show_values and value else "",
                x=round(x, 1),
                y=y,
                width=round(column_width, 1),
                height=h,
                text_x=round(x + column_width / 2, 1),
                text_y=y - 4,
            )
        )
        centre = round(i * step + step / 2, 1)
        if n <= 12:
            axis.append((centre, height - 18, f"{month}月"))
        elif n <= 24:
            axis.append((centre, height - 18, str(month)))
        # The year under its January, and under the first month unless a January is too near.
        if month == 1 or (i == 0 and (month <= 10 or n <= 2)):
            axis.append((round(i * step + 2, 1), height - 2, f"{year}年"))
    return Chart(
        title=str(title),
        kind="columns",
        width=width,
        height=height,
        bars=bars,
        axis_labels=axis,
        baseline_y=16 + plot_height,
        empty=not top,
    )


def theme_chart(report):
    return horizontal_bars(
        _("Activities by theme"),
        [
            (
                t.label,
                t.activities,
                _("%(count)s, %(pt)s person-times") % {"count": t.activities, "pt": t.person_times},
            )
            for t in report.themes
        ],
        width=420,
        label_width=80,
    )


def month_chart(report):
    """Person-times by month (one activity a month by design: their count says nothing)."""
    return columns(
        _("Person-times by month"),
        [(m.key, m.person_times, str(m.person_times)) for m in report.months],
    )


def group_chart(report):
    rows = []
    for g in report.groups:
        share = g.participation
        percent = "—" if share is None else f"{math.floor(share * 1000 + 0.5) / 10:g}%"
        rows.append(
            (g.label, share or 0, f"{g.participants}/{g.members} · {percent}"),
        )
    return horizontal_bars(_("Members who took part, by group"), rows, scale=1)
