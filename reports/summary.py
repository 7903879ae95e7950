"""The year-end written summary: the sentences of the report, from one ``tally()``.

``summary_blocks(report)`` turns a :class:`reports.tallies.Report` into a list of
:class:`Block` (a title, headings and paragraphs, in order); ``reports.document`` lays them
out as an official document (.docx). Every sentence is a template in the zh-Hans catalogue
(English msgid, named placeholders), filled only with figures and names the tally holds; the
summary is always written in Chinese, whatever the reader's language.

Rules the issue left open, decided here (modelled on the federation's July 2019 report):

* Sections and sentences whose figures are all zero are left out, and the remaining headings
  are numbered in order (一、二、… and （一）（二）…), so no heading says 0.
* Figures that are counted stay in Arabic numerals (17场, 519人次, 8次); a small part of a whole
  said in words (below ten: 「其中两件为重点提案」) and the span of the period (「一年半以来」)
  are in Chinese numerals (see ``reports.numerals``).
* Activities are named 「第N次轮值活动——“题目”」 when they have something the report tells:
  four-leading-bodies leaders present (section 三（一）), outcomes linked to them (三（二）),
  the theme 服务产业 (三（三）), or coverage by the public media, the newspaper or television
  (三（四）). A title that already holds quotation marks is not quoted again.
* Outcomes are those the tally dates in the period (by their year); proposals are summed per
  year and body (政协 or 人大), with their key proposals.
* The closing section 今后工作打算 is a marked placeholder for the staff to write.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from activities.models import Outcome, Publicity, Theme
from reports.numerals import chinese_numeral, span_in_words


@dataclass(frozen=True)
class Block:
    """One paragraph of the summary.

    kind: "title", "subtitle", "heading1" (一、), "heading2" (（一）), "body" or "placeholder"
    (text the staff must replace); text: the paragraph, with its heading number already in.
    """

    kind: str
    text: str


PUBLIC_MEDIA = (Publicity.Channel.NEWSPAPER, Publicity.Channel.TV)
PROPOSAL_KINDS = (Outcome.Kind.PROPOSAL, Outcome.Kind.COLLECTIVE_PROPOSAL, Outcome.Kind.SUGGESTION)


def period_in_words(period):
    """「2018年」 for a calendar year, 「2019年3月」 for a month, else 「2017年11月至2019年7月」.

    Months only: the days of the period are on the report page and in the workbook.
    """
    if period.year:
        return f"{period.year}年"
    start = f"{period.start.year}年{period.start.month}月"
    if (period.start.year, period.start.month) == (period.end.year, period.end.month):
        return start
    if period.start.year == period.end.year:
        return f"{start}至{period.end.month}月"
    return f"{start}至{period.end.year}年{period.end.month}月"


def part_in_words(count):
    """A part of a whole: Chinese numerals below ten (两), Arabic from ten (12)."""
    return chinese_numeral(count, measure=True) if count < 10 else str(count)


def quoted(title):
    """“题目”, unless the title already carries its own quotation marks."""
    return title if "“" in title or "”" in title else f"“{title}”"


def named_activity(row):
    """「第15次轮值活动——“银企协作发展座谈会”」"""
    return _("rotation activity no. %(number)s — %(title)s") % {
        "number": row.number,
        "title": quoted(row.title),
    }


def join_and(items):
    """A、B和C: 、 between items and 和 before the last."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return "、".join(items[:-1]) + "和" + items[-1]


def with_person_times(person_times):
    """「，519人次参与」, or nothing when no one was recorded (a figure of 0 is not written)."""
    if not person_times:
        return ""
    return _(", with %(person_times)s person-times taking part") % {"person_times": person_times}


def summary_blocks(report):
    """The summary of ``report`` as a list of Block, in Chinese (zh-hans is activated here)."""
    with translation.override("zh-hans"):
        return _Writer(report).blocks()


def summary_text(report):
    """The summary as plain text, one paragraph a line (for tests and the command's output)."""
    return "\n".join(block.text for block in summary_blocks(report))


class _Writer:
    def __init__(self, report):
        self.report = report
        self.period_words = period_in_words(report.period)
        self.months = len(list(report.period.months()))

    def blocks(self):
        blocks = [
            Block("title", _("Summary of the part-time vice-chairs' rotation activities")),
            Block("subtitle", self.subtitle()),
            Block("body", self.introduction()),
        ]
        sections = [
            (_("An activity every month, a theme for every activity"), self.organisation()),
            (_("Activities in many forms, spreading positive energy"), self.activities()),
            (
                _("Main results of the work"),
                [
                    (
                        _("Stronger political guidance and a growing pull to the centre"),
                        self.leaders(),
                    ),
                    (_("Research on common problems, better performance of duties"), self.duties()),
                    (_("Facing enterprises' difficulties, serving them better"), self.industry()),
                    (
                        _("More publicity: rotation and charity stand out"),
                        self.charity_and_publicity(),
                    ),
                ],
            ),
        ]
        number = 0
        for heading, content in sections:
            if content and isinstance(content[0], tuple):
                content = [(h, paragraphs) for h, paragraphs in content if paragraphs]
            if not content:
                continue
            number += 1
            blocks.append(Block("heading1", f"{chinese_numeral(number)}、{heading}"))
            if isinstance(content[0], tuple):
                for sub, (sub_heading, paragraphs) in enumerate(content, start=1):
                    blocks.append(Block("heading2", f"（{chinese_numeral(sub)}）{sub_heading}"))
                    blocks.extend(Block("body", p) for p in paragraphs)
            else:
                blocks.extend(Block("body", p) for p in content)
        number += 1
        plans = _("Plans for the work ahead")
        blocks.append(Block("heading1", f"{chinese_numeral(number)}、{plans}"))
        blocks.append(
            Block(
                "placeholder",
                _(
                    "[To be written by the staff: the plans for the work ahead. "
                    "Replace this paragraph before sending.]"
                ),
            )
        )
        return blocks

    # The opening ----------------------------------------------------------------------------

    def subtitle(self):
        if self.report.is_scoped:
            return _("(%(period)s · %(scope)s)") % {
                "period": self.period_words,
                "scope": self.report.scope_label,
            }
        return _("(%(period)s)") % {"period": self.period_words}

    def introduction(self):
        return _(
            "To give full play to the initiative of the part-time vice-chairs (vice-presidents) "
            "in the federation's work, the federation runs a rotation-activity system for its "
            "part-time vice-chairs (vice-presidents). The rotation activities of %(period)s are "
            "reported as follows:"
        ) % {"period": self.period_words}

    # 一、The committee, its groups and the yearly obligation ------------------------------------

    def organisation(self):
        c = self.report.committee
        paragraphs = []
        sentences = []
        if c.members:
            parts = [
                template % {"count": count}
                for template, count in (
                    (_("%(count)s part-time vice-chairs"), c.vice_chairs),
                    (_("%(count)s vice-presidents"), c.vice_presidents),
                    (_("%(count)s standing executives"), c.standing),
                )
                if count
            ]
            values = {"members": c.members, "parts": "，".join(parts), "scope": ""}
            if self.report.is_scoped:
                values["scope"] = self.report.scope_label
                template = (
                    _("%(scope)s has %(members)s members, of whom %(parts)s.")
                    if parts
                    else _("%(scope)s has %(members)s members.")
                )
            else:
                template = (
                    _("The executive committee has %(members)s members, of whom %(parts)s.")
                    if parts
                    else _("The executive committee has %(members)s members.")
                )
            sentences.append(template % values)
        groups = len(self.report.groups)
        if groups and not self.report.is_scoped:
            sentences.append(
                _(
                    "The rotation divides the part-time vice-chairs, vice-presidents and standing "
                    "executives into %(groups)s rotation groups, which take turns month by month "
                    "to organise an activity on a theme of their choosing."
                )
                % {"groups": groups}
            )
        # The tally's own obligation figure (standing executives expected in the period, which
        # may include one who left during it), so said apart from the committee at its end.
        obligation = self.report.standing_obligation
        if obligation.members:
            if obligation.participants == obligation.members:
                template = _(
                    "All %(standing)s standing executives bound by the yearly obligation (at "
                    "least one rotation activity a year) in the period met it."
                )
            elif obligation.participants:
                template = _(
                    "Of the %(standing)s standing executives bound by the yearly obligation (at "
                    "least one rotation activity a year) in the period, %(met)s met it."
                )
            else:
                template = _(
                    "None of the %(standing)s standing executives bound by the yearly "
                    "obligation (at least one rotation activity a year) in the period has met "
                    "it yet."
                )
            sentences.append(
                template % {"standing": obligation.members, "met": obligation.participants}
            )
        if sentences:
            paragraphs.append("".join(sentences))
        return paragraphs

    # 二、Activities, person-times and themes --------------------------------------------------

    def activities(self):
        r = self.report
        if not r.activity_count:
            return []
        values = {
            "period": self.period_words,
            "span": span_in_words(self.months),
            "activities": r.activity_count,
            "person_times": r.person_times,
        }
        if r.period.year or self.months < 12:
            sentence = _("In %(period)s, %(activities)s activities were held")
        else:
            sentence = _(
                "In %(period)s, over the %(span)s the rotation has run, %(activities)s "
                "activities were held"
            )
        text = sentence % values + with_person_times(r.person_times) + "。"
        themes = [
            _("%(theme)s %(count)s times") % {"theme": t.label, "count": t.activities}
            for t in r.themes
            if t.activities
        ]
        if themes:
            text += _("By theme: %(themes)s.") % {"themes": "，".join(themes)}
        return [text]

    # 三（一）Leaders present ----------------------------------------------------------------

    def leaders(self):
        r = self.report
        if not (r.with_four_bodies or r.with_department):
            return []
        sentences = []
        for row in r.four_bodies_activities:
            sentences.append(
                _("At %(activity)s, %(leaders)s took part.")
                % {
                    "activity": named_activity(row),
                    "leaders": "、".join(str(x) for x in row.four_bodies_leaders),
                }
            )
        clauses = []
        if r.with_four_bodies:
            clauses.append(
                _(
                    "of the %(activities)s rotation activities, %(count)s invited "
                    "four-leading-bodies leaders at division level"
                )
                % {"activities": r.activity_count, "count": r.with_four_bodies}
            )
        if r.with_department == r.activity_count:
            clauses.append(_("every activity had department or township leaders taking part"))
        elif r.with_department:
            clauses.append(
                _("%(count)s had department or township leaders taking part")
                % {"count": r.with_department}
            )
        sentences.append("，".join(clauses) + "。")
        return ["".join(sentences)]

    # 三（二）Offices, outcomes, proposals --------------------------------------------------

    def duties(self):
        r = self.report
        c = r.committee
        sentences = []
        offices = [
            template % {"count": count}
            for template, count in (
                (_("%(count)s are people's congress deputies at all levels"), c.deputies),
                (_("%(count)s are CPPCC members at all levels"), c.cppcc),
            )
            if count
        ]
        if offices:
            sentences.append(
                _("Among the federation's members, %(offices)s.") % {"offices": "，".join(offices)}
            )
        by_activity = {}
        for outcome in r.outcomes:
            if outcome.activity_number is not None:
                by_activity.setdefault(outcome.activity_number, []).append(outcome)
        for row in r.activities:
            outcomes = by_activity.get(row.number)
            if not outcomes:
                continue
            place = row.host_enterprise or row.place
            if place:
                template = _(
                    "In %(month)s, group %(group)s held %(activity)s at %(place)s and produced "
                    "%(outcomes)s."
                )
            else:
                template = _(
                    "In %(month)s, group %(group)s held %(activity)s and produced %(outcomes)s."
                )
            sentences.append(
                template
                % {
                    "month": f"{row.date.year}年{row.date.month}月",
                    "group": row.group_number,
                    "activity": named_activity(row),
                    "place": place,
                    "outcomes": "、".join(
                        _("the %(kind)s entitled %(title)s")
                        % {"kind": o.kind_label, "title": quoted(o.title)}
                        for o in outcomes
                    ),
                }
            )
        units = {
            Outcome.Kind.RESEARCH_REPORT: _("%(count)s research reports"),
            Outcome.Kind.COLLECTIVE_PROPOSAL: _("%(count)s collective proposals"),
            Outcome.Kind.PROPOSAL: _("%(count)s proposals"),
            Outcome.Kind.SUGGESTION: _("%(count)s suggestions"),
            Outcome.Kind.OTHER: _("%(count)s other outcomes"),
        }
        kinds = [
            units[kind] % {"count": count} for kind, _label, count, _key in r.outcome_kinds if count
        ]
        if kinds:
            sentences.append(
                _("In the period, %(outcomes)s were produced.") % {"outcomes": "、".join(kinds)}
            )
        for (year, body), (count, key) in self._proposals().items():
            if body == Outcome.SubmittedTo.CPPCC:
                template = _(
                    "At the %(year)s CPPCC session, the business community's CPPCC members "
                    "submitted %(count)s proposals"
                )
            else:
                template = _(
                    "At the %(year)s people's congress, the business community's deputies "
                    "submitted %(count)s proposals and suggestions"
                )
            sentence = template % {"year": year, "count": count}
            if key:
                sentence += _(", %(key)s of them key proposals") % {"key": part_in_words(key)}
            sentences.append(sentence + "。")
        return ["".join(sentences)] if sentences else []

    def _proposals(self):
        """{(year, body): [count, key]} for proposals and suggestions to the CPPCC and NPC."""
        found = {}
        for row in self.report.outcome_summary:
            if row.kind in PROPOSAL_KINDS and row.submitted_to in (
                Outcome.SubmittedTo.CPPCC,
                Outcome.SubmittedTo.NPC,
            ):
                counts = found.setdefault((row.year, row.submitted_to), [0, 0])
                counts[0] += row.count
                counts[1] += row.key_count
        return found

    # 三（三）Serving industry ---------------------------------------------------------------

    def industry(self):
        r = self.report
        theme = next((t for t in r.themes if t.key == Theme.INDUSTRY), None)
        if theme is None or not theme.activities:
            return []
        named = [named_activity(a) for a in r.activities if a.theme == Theme.INDUSTRY]
        return [
            _("On serving industry, %(count)s activities were held") % {"count": theme.activities}
            + with_person_times(theme.person_times)
            + _(": %(activities)s.") % {"activities": join_and(named)}
        ]

    # 三（四）Charity and publicity ---------------------------------------------------------

    def charity_and_publicity(self):
        r = self.report
        sentences = []
        charity = next((t for t in r.themes if t.key == Theme.CHARITY), None)
        if charity is not None and charity.activities:
            sentences.append(
                _("%(count)s charity activities were held") % {"count": charity.activities}
                + with_person_times(charity.person_times)
                + "。"
            )
        channels = [c for c in r.channels if c.items]
        if channels:
            sentences.append(
                _("The rotation activities were reported %(items)s times: %(channels)s.")
                % {
                    "items": sum(c.items for c in channels),
                    "channels": "，".join(
                        _("%(channel)s %(count)s times") % {"channel": c.label, "count": c.items}
                        for c in channels
                    ),
                }
            )
        for row in r.activities:
            media = [Publicity.Channel(c).label for c in row.channels if c in PUBLIC_MEDIA]
            if media:
                sentences.append(
                    _("%(activity)s was also reported by %(media)s.")
                    % {"activity": named_activity(row), "media": "、".join(str(m) for m in media)}
                )
        return ["".join(sentences)] if sentences else []
