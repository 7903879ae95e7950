"""Bar charts for the report page: one row per bar, its label and number as HTML text beside a
bar drawn in SVG. No script, no CDN, no inline style (the CSP forbids it), prints as drawn.

The labels and data labels are page text, so they keep the page's size (at least 11 px, about
14 here) on a 375-px phone as on a desktop: only the bar itself stretches with the width
(``reports/_partials/chart.html``, ``static/css/reports.css``). An earlier SVG drawing scaled
everything, text included, down to about 5 px on a phone.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from reports.numerals import percent


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the data label printed beside the bar
    percent: float  # the bar's length, 0-100, of the chart's scale
    url: str = ""  # the list behind the bar, if it has one


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list
    empty: bool = False


def bars(title, items, *, scale=None, urls=None):
    """items: (label, value, text) rows; a bar of ``scale`` (default: the largest) is full.
    ``urls``: one address per row, the list behind that bar (its label and number link)."""
    top = scale or max((value for _label, value, _text in items), default=0)
    urls = urls or [""] * len(items)
    rows = [
        Bar(
            label=str(label),
            value=value,
            text=str(text),
            percent=round(100 * value / top, 1) if top else 0,
            url=url,
        )
        for (label, value, text), url in zip(items, urls, strict=True)
    ]
    return Chart(title=str(title), bars=rows, empty=not any(value for _l, value, _t in items))


def theme_chart(report):
    return bars(
        _("Activities by theme"),
        [
            (
                t.label,
                t.activities,
                _("%(count)s, %(pt)s person-times") % {"count": t.activities, "pt": t.person_times},
            )
            for t in report.themes
        ],
    )


def month_chart(report, *, month_url=None):
    """Person-times by month, each month with its year (one activity a month by design: their
    count says nothing). ``month_url(year, month)``, if given, is the activity list behind a
    month's bar (reports.views.FigureLinks.month)."""
    return bars(
        _("Person-times by month"),
        [
            (m.label, m.person_times, _("%(count)s person-times") % {"count": m.person_times})
            for m in report.months
        ],
        urls=[month_url(*m.key) for m in report.months] if month_url else None,
    )


def group_chart(report):
    rows = []
    for g in report.groups:
        share = g.participation
        rows.append(
            (g.label, share or 0, f"{g.participants}/{g.members} · {percent(share)}"),
        )
    return bars(_("Members who took part, by group"), rows, scale=1)
