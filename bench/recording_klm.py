"""Recording a paper sign-in sheet, measured: clicks, keys, Chinese characters, page heights
and a keystroke-level-model estimate of a person's time (issue 14, item 10).

    .venv/bin/python bench/recording_klm.py                      # both runs, figures printed
    .venv/bin/python bench/recording_klm.py --screenshots /tmp/klm  # and full-page screenshots
    .venv/bin/python bench/recording_klm.py --json               # the figures as JSON too

It builds a scratch SQLite database in a temporary folder (migrate, ``seed_demo``), serves it
with ``manage.py runserver`` on a free port and drives Debian's Chromium with Playwright:

* **staff on a desktop** (1366 x 768): the sign-in sheet of 第2组 (this month is put on group
  2's duty first): 14 members present, 4 of them from other groups, 3 guests, 2 leaders, 1
  outcome, 1 publicity link;
* **a convener on a phone** (375 x 667, touch): the same sheet for the demo convener's own group
  (第1组, this month's group in the demo; a convener records only their own group).

Both start from the home page: its 登记本月活动 button when the page has one (it opens the form
with the group, the month's plan and the status filled in), else ``/activities/new/?month=…``
(counted as the one click on the menu's 登记活动) and the group picked from the list. Only what
is still empty is typed. The user moves between fields with Tab on a desktop (a key) and taps
every field on the phone; a <select> chosen with the mouse or a finger is two clicks (open,
choose), with the keyboard it is one arrow key per step.

Operators of the keystroke-level model, as the issue sets them: a click or tap 1.2 s, a key
0.28 s, a Chinese character typed with a pinyin IME 1.5 s. Goal: staff at most 20 clicks and
2 minutes; the phone form's 出席领导 within 3 screens (3 x 667 px).
"""

import argparse
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "rotation-demo-2019"
CLICK, KEY, HANZI = 1.2, 0.28, 1.5
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 667}
CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")

SHEET = {
    "title": "民营企业健康发展座谈会",
    "theme": "seminar",
    "place": "福安市工商联三楼会议室",
    "guests": "3",
    "leaders": [
        ("陈立新", "市政协副主席", "four_bodies"),
        ("吴海波", "城阳镇党委书记", "department"),
    ],
    "outcome": ("research_report", "关于民营企业融资难的调研报告"),
    "publicity": ("official_account", "mp.weixin.qq.com/s/Fa2019Rz"),
}


@dataclass
class Figures:
    run: str
    viewport: str
    clicks: int = 0
    keys: int = 0
    hanzi: int = 0
    form_height_opened: int = 0
    form_height_filled: int = 0
    leaders_top_opened: int = 0
    leaders_top_filled: int = 0
    started_from: str = ""
    notes: list = field(default_factory=list)
    steps: dict = field(default_factory=dict)  # step -> [clicks, keys, hanzi]
    step: str = "open"

    def count(self, kind, n=1):
        setattr(self, kind, getattr(self, kind) + n)
        row = self.steps.setdefault(self.step, [0, 0, 0])
        row[("clicks", "keys", "hanzi").index(kind)] += n

    @property
    def seconds(self):
        return self.clicks * CLICK + self.keys * KEY + self.hanzi * HANZI

    def screens(self, top, height):
        return top / height


class Person:
    """Drives the page as a person would and counts what they do."""

    def __init__(self, page, figures, *, touch):
        self.page, self.figures, self.touch = page, figures, touch

    def click(self, locator):
        locator.scroll_into_view_if_needed()
        locator.tap() if self.touch else locator.click()
        self.figures.count("clicks")

    def key(self, name, times=1):
        for _ in range(times):
            self.page.keyboard.press(name)
        self.figures.count("keys", times)

    def type(self, text):
        """Latin keys one by one; Chinese characters through the IME (inserted as committed)."""
        for char in text:
            if CJK.match(char):
                self.page.keyboard.insert_text(char)
                self.figures.count("hanzi")
            else:
                self.page.keyboard.type(char)
                self.figures.count("keys")

    def select(self, locator, value):
        """A <select>: by arrow keys when it has the focus (desktop), else open and choose."""
        if not self.touch and locator.evaluate("e => e === document.activeElement"):
            options = locator.evaluate("e => Array.from(e.options).map(o => o.value)")
            steps = options.index(value) - locator.evaluate("e => e.selectedIndex")
            if steps >= 0:
                self.key("ArrowDown", steps)
            else:
                self.key("ArrowUp", -steps)
            if locator.input_value() == value:
                return
            self.figures.notes.append(f"arrow keys missed {value}; chosen by mouse")
        locator.scroll_into_view_if_needed()
        locator.select_option(value)
        locator.focus()  # a select chosen with the mouse keeps the focus: Tab goes on from it
        self.figures.count("clicks", 2)

    def next_field(self, locator, most=3):
        """Go to the next field: Tab on a desktop (twice out of a date: its picker button
        takes one), a tap on the phone."""
        if self.touch:
            self.click(locator)
            return
        for _ in range(most):
            self.key("Tab")
            if locator.evaluate("e => e === document.activeElement"):
                return
        self.figures.notes.append(f"Tab did not reach {locator}; clicked")
        self.click(locator)

    def type_date(self, day):
        """The eight digits, in the order this browser's date field shows its parts (found
        out beforehand on a scratch field, as a person knows their own browser)."""
        parts = {"year": f"{day:%Y}", "month": f"{day:%m}", "day": f"{day:%d}"}
        self.type("".join(parts[name] for name in self.date_order()))

    def date_order(self):
        active = self.page.evaluate("document.activeElement && document.activeElement.id")
        for order in (("year", "month", "day"), ("month", "day", "year"), ("day", "month", "year")):
            self.page.evaluate(
                "() => { const i = document.createElement('input'); i.type = 'date';"
                " i.id = 'klm-probe'; document.body.appendChild(i); i.focus(); }"
            )
            sample = {"year": "2026", "month": "11", "day": "27"}
            self.page.keyboard.type("".join(sample[name] for name in order))
            value = self.page.evaluate(
                "() => { const i = document.getElementById('klm-probe'); const v = i.value;"
                " i.remove(); return v; }"
            )
            if value == "2026-11-27":
                break
        if active:
            self.page.locator(f"#{active}").focus()
        return order


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(folder):
    """A scratch database with the demo, and the scenario's people, read from it."""
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        DJANGO_SETTINGS_MODULE="fuan_rotation.settings",
        DEBUG="true",
        SECRET_KEY="bench-recording-klm-" + "x" * 40,
        CACHE_DIR=f"{folder}/cache",
        DJANGO_ALLOW_ASYNC_UNSAFE="true",
        ATTENDEE_SEARCH_LIMIT="0",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fresh_demo():
    """The demo as seed_demo makes it, for each run (a record locks its month's schedule)."""
    import io

    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def sheet_people(group_number, day):
    """The sheet's 14 names: the host group's first ten in sheet order, and one member of each
    of four other groups; plus the host group's absentees."""
    from activities.models import RotationGroup

    host = RotationGroup.objects.get(number=group_number)
    members = list(host.members_on(day))
    present, absent = members[:10], members[10:]
    others = []
    for number in (3, 5, 7, 9):
        if number == group_number:
            number = 11
        group = RotationGroup.objects.get(number=number)
        others.append(list(group.members_on(day))[1])
    return host, present, absent, others


def make_plan(group_number, day):
    """The month's plan, as the convener entered it beforehand on the plan page: the form
    opened from the home page's button starts from it (date, title, theme, place)."""
    from activities.models import Activity, RotationGroup
    from activities.services import activity_save

    plan = Activity(
        group=RotationGroup.objects.get(number=group_number),
        date=day,
        title=SHEET["title"],
        theme=SHEET["theme"],
        place=SHEET["place"],
        status=Activity.Status.PLANNED,
    )
    activity_save(activity=plan, by=None)


def set_duty(group_number, day):
    from activities.models import RotationGroup, ScheduleEntry
    from activities.schedule.services import schedule_set_month

    entry = ScheduleEntry.objects.filter(year=day.year, month=day.month).first()
    if entry and entry.group and entry.group.number == group_number:
        return
    group = RotationGroup.objects.get(number=group_number)
    schedule_set_month(year=day.year, month=day.month, group=group, by=None)


def serve(port, folder):
    log = open(Path(folder) / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not start; see {folder}/server.log")


def log_in(context, base, username):
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")
    return page


def leaders_top(page):
    return page.evaluate(
        """() => {
          const legend = Array.from(document.querySelectorAll('legend'))
            .find(l => l.textContent.trim() === '出席领导');
          return legend ? Math.round(legend.getBoundingClientRect().top + window.scrollY) : -1;
        }"""
    )


def page_height(page):
    return page.evaluate("document.documentElement.scrollHeight")


def pinyin_of(name):
    from members.sorting import pinyin_search_keys

    return pinyin_search_keys(name)


def record(page, person, base, *, group, present, absent, others, day, shots, label):
    figures = person.figures
    month = f"{day:%Y-%m}"
    button = page.locator("a, button", has_text="登记本月活动")
    if button.count():
        figures.started_from = "home page button 登记本月活动"
        person.click(button.first)
    else:
        figures.started_from = f"/activities/new/?month={month} (the menu's 登记活动)"
        page.goto(f"{base}/activities/new/?month={month}")
        figures.count("clicks")
    page.wait_for_selector("[data-activity-form]")
    page.wait_for_load_state("networkidle")
    figures.form_height_opened = page_height(page)
    figures.leaders_top_opened = leaders_top(page)
    if shots:
        page.screenshot(path=f"{shots}/{label}-opened.png", full_page=True)

    figures.step = "details"
    group_select = page.locator("#id_group")
    if group_select.input_value() != str(group.pk):
        person.select(group_select, str(group.pk))
        page.wait_for_function(
            "n => document.querySelectorAll('[data-host-list] input').length >= n", arg=10
        )
    date = page.locator("#id_date")
    if not date.input_value():
        person.next_field(date)
        if person.touch:
            date.fill(day.isoformat())  # the phone's date picker: a tap on the day
            figures.count("clicks")
        else:
            person.type_date(day)
            if date.input_value() != day.isoformat():
                figures.notes.append(f"typed date read {date.input_value()!r}; filled")
                date.fill(day.isoformat())
        date.dispatch_event("change")
    title = page.locator("#id_title")
    if not title.input_value():
        person.next_field(title)
        person.type(SHEET["title"])
    theme = page.locator("#id_theme")
    if not theme.input_value():
        person.next_field(theme)
        person.select(theme, SHEET["theme"])
    status = page.locator("#id_status")
    if status.input_value() != "held":
        person.next_field(status)
        person.select(status, "held")
    place = page.locator("#id_place")
    if not place.input_value():
        if person.touch or page.evaluate("document.activeElement === document.body"):
            person.click(place)
        else:
            person.next_field(place)
        person.type(SHEET["place"])

    # The sheet: the host group's members, tick all, untick the absent.
    figures.step = "host group"
    person.click(page.locator("[data-select-all]"))
    for member in absent:
        person.click(page.locator("[data-host-list] label", has_text=member.name))
    # Four from other groups: initials first, the full pinyin when the initials are not enough.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    figures.step = "other groups"
    search = page.locator("[data-attendee-search]")
    person.click(search)
    for member in others:
        compact, initials = pinyin_of(member.name)
        person.type(initials)
        result = page.locator("[data-search-results] button", has_text=member.name)
        try:
            result.wait_for(timeout=3000)
        except PlaywrightTimeout:  # not among the first results: type the whole pinyin
            person.key("Control+A")
            person.type(compact)
            result.wait_for(timeout=3000)
        person.click(result)
    figures.step = "guests"
    person.click(page.locator("#id_other_participants"))
    person.key("Control+A")
    person.type(SHEET["guests"])

    figures.step = "leaders"
    # Leaders: the first row is there; 添加领导 makes the second and puts the cursor in it.
    for index, (name, post, level) in enumerate(SHEET["leaders"]):
        if index:
            person.click(page.get_by_role("button", name="添加领导"))
        else:
            person.click(page.locator("#id_leaders-0-name"))
        person.type(name)
        person.next_field(page.locator(f"#id_leaders-{index}-title"))
        person.type(post)
        level_select = page.locator(f"#id_leaders-{index}-level")
        person.next_field(level_select)
        person.select(level_select, level)

    figures.step = "outcome"
    kind, outcome_title = SHEET["outcome"]
    person.click(page.get_by_role("button", name="添加成果"))
    person.select(page.locator("#id_outcomes-0-kind"), kind)  # 添加成果 put the focus on it
    person.next_field(page.locator("#id_outcomes-0-title"))
    person.type(outcome_title)

    figures.step = "publicity"
    channel, link = SHEET["publicity"]
    person.select(page.locator("#id_publicity-0-channel"), channel)
    person.click(page.locator("#id_publicity-0-link"))
    person.type(link)

    figures.form_height_filled = page_height(page)
    figures.leaders_top_filled = leaders_top(page)
    if shots:
        page.screenshot(path=f"{shots}/{label}-filled.png", full_page=True)
    figures.step = "save"
    person.click(page.locator(".save-bar [type=submit]"))
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    if shots:
        page.screenshot(path=f"{shots}/{label}-saved.png", full_page=True)
    return int(re.search(r"/activities/(\d+)/$", page.url).group(1))


def check_saved(pk, *, host, present, others):
    from activities.models import Activity

    activity = Activity.objects.get(pk=pk)
    attendees = set(activity.attendees.values_list("pk", flat=True))
    expected = {m.pk for m in present} | {m.pk for m in others}
    problems = []
    if attendees != expected:
        problems.append(f"attendees {len(attendees)} instead of {len(expected)}")
    if activity.group_id != host.pk:
        problems.append("wrong group")
    if activity.status != Activity.Status.HELD:
        problems.append(f"status {activity.status}")
    if activity.other_participants != int(SHEET["guests"]):
        problems.append(f"other participants {activity.other_participants}")
    if activity.leaders.count() != 2 or activity.outcomes.count() != 1:
        problems.append("leaders or outcome missing")
    if activity.publicity.filter(link__contains="mp.weixin.qq.com").count() != 1:
        problems.append("publicity link missing")
    return problems


def run(shots, as_json):
    from playwright.sync_api import sync_playwright

    folder = tempfile.mkdtemp(prefix="recording-klm-")
    prepare(folder)
    from django.utils import timezone

    today = timezone.localdate()
    day = today - datetime.timedelta(days=3) if today.day > 3 else today
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(port, folder)
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            runs = [
                ("staff-desktop", "staff", 2, DESKTOP, False),
                ("convener-phone", "convener", 1, PHONE, True),
            ]
            for label, username, number, viewport, touch in runs:
                fresh_demo()
                set_duty(number, today)
                make_plan(number, day)
                host, present, absent, others = sheet_people(number, day)
                context = browser.new_context(
                    viewport=viewport, locale="zh-CN", has_touch=touch, is_mobile=touch
                )
                page = log_in(context, base, username)
                figures = Figures(run=label, viewport=f"{viewport['width']}x{viewport['height']}")
                person = Person(page, figures, touch=touch)
                pk = record(
                    page,
                    person,
                    base,
                    group=host,
                    present=present,
                    absent=absent,
                    others=others,
                    day=day,
                    shots=shots,
                    label=label,
                )
                figures.notes += check_saved(pk, host=host, present=present, others=others)
                results.append((figures, viewport))
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    report(results, as_json)
    return 0 if all(not f.notes or "missing" not in " ".join(f.notes) for f, _v in results) else 1


def report(results, as_json):
    print("Recording the sign-in sheet (14 members, 4 from other groups, 3 guests, 2 leaders,")
    print("1 outcome, 1 publicity link); KLM: 1.2 s a click, 0.28 s a key, 1.5 s a hanzi\n")
    header = f"{'run':<16}{'clicks':>7}{'keys':>6}{'hanzi':>6}{'KLM s':>8}"
    header += f"{'height opened':>15}{'filled':>8}{'出席领导 at':>12}{'screens':>9}"
    print(header)
    for figures, viewport in results:
        screens = figures.leaders_top_filled / viewport["height"]
        print(
            f"{figures.run:<16}{figures.clicks:>7}{figures.keys:>6}{figures.hanzi:>6}"
            f"{figures.seconds:>8.1f}{figures.form_height_opened:>15}"
            f"{figures.form_height_filled:>8}{figures.leaders_top_filled:>12}{screens:>9.2f}"
        )
    for figures, _viewport in results:
        print(f"\n{figures.run}: started from {figures.started_from}")
        print(
            f"  出席领导 at {figures.leaders_top_opened} px when opened, "
            f"{figures.leaders_top_filled} px when filled"
        )
        for step, (clicks, keys, hanzi) in figures.steps.items():
            print(f"  {step:<14} {clicks:>3} clicks {keys:>3} keys {hanzi:>3} hanzi")
        for note in figures.notes:
            print(f"  note: {note}")
    staff = results[0][0]
    phone, phone_view = results[1]
    print(
        f"\nGoals: staff ≤ 20 clicks ({staff.clicks}) and ≤ 120 s ({staff.seconds:.0f} s); "
        f"phone 出席领导 ≤ 3 screens "
        f"({max(phone.leaders_top_opened, phone.leaders_top_filled) / phone_view['height']:.2f})"
    )
    if as_json:
        print(json.dumps([{**asdict(f), "seconds": round(f.seconds, 1)} for f, _ in results]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screenshots", metavar="DIR", help="save full-page screenshots here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    if args.screenshots:
        Path(args.screenshots).mkdir(parents=True, exist_ok=True)
    return run(args.screenshots, args.json)


if __name__ == "__main__":
    sys.exit(main())
