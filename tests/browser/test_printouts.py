"""The sign-in sheet and the filing copy print from Chromium on A4 as they are: pages counted in
the PDF Chromium makes (PyMuPDF reads it), the header repeated, rows whole, no site chrome."""

import datetime
import os

import pymupdf
import pytest

from activities.models import Activity, LeaderPresence, Outcome, Publicity
from activities.printouts.sheets import MIN_BLANK_ROWS, ONE_PAGE_ROWS, rows_on
from members.models import Role
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    LeaderFactory,
    MemberFactory,
    MembershipFactory,
    OutcomeFactory,
    PublicityFactory,
    RotationGroupFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A4 = (595, 842)  # points, portrait
SURNAMES = "丁王毛叶田刘陈李吴张林郑郭黄谢缪魏"
COMPANIES = ["福安市闽东电机电器制造有限公司", "福建省福安市海洋渔业科技开发有限公司", "福安茶业"]


def _group(number, size, *, day):
    group = RotationGroupFactory(number=number, name="商贸物流组")
    members = []
    for i in range(size):
        member = MemberFactory(
            name=f"{SURNAMES[i % len(SURNAMES)]}测{i:02d}",
            company=COMPANIES[i % len(COMPANIES)],
            mobile=f"1385{number:03d}{i:04d}",
            email=f"m{i}@example.com",
        )
        MembershipFactory(member=member, group=group, start_date=day - datetime.timedelta(days=400))
        members.append(member)
    return group, members


def _pdf(context, url, tmp_path, name):
    page = context.new_page()
    page.goto(url)
    content = page.pdf(prefer_css_page_size=True)
    page.close()
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    # PRINTOUT_PNG_DIR=/some/dir keeps a PNG of every page to look at.
    keep = os.environ.get("PRINTOUT_PNG_DIR")
    doc = pymupdf.open(path)
    if keep:
        for page_number, pdf_page in enumerate(doc, start=1):
            pdf_page.get_pixmap(dpi=60).save(f"{keep}/{name}-{page_number}.png")
    return doc


def _texts(doc):
    return [
        "".join(
            span["text"]
            for b in p.get_text("dict")["blocks"]
            for line in b.get("lines", [])
            for span in line["spans"]
        )
        for p in doc
    ]


@pytest.fixture
def staff_context(browser, login_as):
    context = browser.new_context(locale="zh-CN")
    login_as(context, UserFactory(username="staff", role=Role.STAFF))
    yield context
    context.close()


def test_sheet_for_fourteen_members_prints_on_one_a4_page(staff_context, live_server, tmp_path):
    day = datetime.date(2018, 8, 15)
    group, _members = _group(2, 14, day=day)
    activity = ActivityFactory(
        group=group,
        date=day,
        title="健康产业座谈会",
        place="福安市工商联三楼会议室",
        start_time=datetime.time(14, 30),
    )
    doc = _pdf(
        staff_context,
        f"{live_server.url}/activities/{activity.pk}/sign-in-sheet/",
        tmp_path,
        "sheet-14",
    )

    assert doc.page_count == 1
    assert tuple(round(v) for v in doc[0].rect[2:]) == A4
    text = _texts(doc)[0]
    assert "福安市工商联（总商会）轮值活动签到表" in text
    assert f"第{activity.number}次 健康产业座谈会" in text
    assert "2018年8月15日 14:30" in text and "福安市工商联三楼会议室" in text
    ordered = [m.name for m in group.members_on(day)]
    positions = [text.index(name) for name in ordered]
    assert positions == sorted(positions), "the sheet's order is members_on's"
    assert "第 1 页 共 1 页" in text
    # No site menu, no buttons, no contact details.
    for absent in ("打印", "返回", "退出", "1385", "example.com"):
        assert absent not in text
    # The blank lines fill the page: 序号 goes on to the last row.
    assert str(ONE_PAGE_ROWS) in text


def test_sheet_for_forty_members_takes_two_pages_header_repeated(
    staff_context, live_server, tmp_path
):
    day = datetime.date(2018, 8, 15)
    group, _members = _group(3, 40, day=day)
    activity = ActivityFactory(group=group, date=day, title="银企对接会")
    doc = _pdf(
        staff_context,
        f"{live_server.url}/activities/{activity.pk}/sign-in-sheet/",
        tmp_path,
        "sheet-40",
    )

    assert doc.page_count == 2
    first, second = _texts(doc)
    for text in (first, second):
        assert "签名" in text and "姓名" in text and "工作单位" in text  # the header on both pages
    assert "第 2 页 共 2 页" in second
    assert "出席领导" in second
    # Every member once, and whole: the row's 序号 printed on the same line of the same page.
    for number, member in enumerate(group.members_on(day), start=1):
        hits = [(page, rect) for page in doc for rect in page.search_for(member.name)]
        assert len(hits) == 1, member.name
        page, rect = hits[0]
        numbers = [w for w in page.get_text("words") if w[4] == str(number)]
        assert any(abs((w[1] + w[3]) / 2 - (rect.y0 + rect.y1) / 2) < 4 for w in numbers)


@pytest.mark.parametrize(
    ("size", "pages"),
    [
        (ONE_PAGE_ROWS - MIN_BLANK_ROWS, 1),
        (ONE_PAGE_ROWS - MIN_BLANK_ROWS + 1, 2),
        (rows_on(2) - MIN_BLANK_ROWS, 2),
        (rows_on(2) - MIN_BLANK_ROWS + 1, 3),
    ],
)
def test_page_count_at_the_edges(staff_context, live_server, tmp_path, size, pages):
    day = datetime.date(2019, 3, 12)
    group, _members = _group(4, size, day=day)
    plan = ActivityFactory(
        group=group, date=day, title="计划中的调研", status=Activity.Status.PLANNED
    )
    doc = _pdf(
        staff_context,
        f"{live_server.url}/activities/{plan.pk}/sign-in-sheet/",
        tmp_path,
        f"sheet-{size}",
    )
    assert doc.page_count == pages
    last = _texts(doc)[-1]
    assert "出席领导" in last
    assert f"第 {pages} 页 共 {pages} 页" in last


def test_print_button_on_screen_only_and_the_page_fits_a_phone(
    staff_context, live_server, tmp_path
):
    day = datetime.date(2018, 8, 15)
    group, _members = _group(6, 14, day=day)
    activity = ActivityFactory(group=group, date=day, title="法治教育讲座", place="会议室")
    page = staff_context.new_page()
    keep = os.environ.get("PRINTOUT_PNG_DIR")
    # From the activity's page, one click to each printout.
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/activities/{activity.pk}/")
        if keep:
            page.screenshot(path=f"{keep}/detail-{width}.png")
    page.get_by_role("link", name="打印签到表").click()
    assert page.url.endswith(f"/activities/{activity.pk}/sign-in-sheet/")
    page.get_by_role("link", name="返回活动").click()
    page.get_by_role("link", name="打印登记表").click()
    assert page.url.endswith(f"/activities/{activity.pk}/print/")
    for path in ("sign-in-sheet", "print"):
        for width in (1366, 375):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"{live_server.url}/activities/{activity.pk}/{path}/")
            page.emulate_media(media="screen")
            assert page.get_by_role("button", name="打印").is_visible()
            # Nothing wider than the screen: no sideways scrolling on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            if keep:
                page.screenshot(path=f"{keep}/{path}-{width}.png", full_page=True)
            page.emulate_media(media="print")
            assert not page.get_by_role("button", name="打印").is_visible()
            assert not page.get_by_text("返回活动").is_visible()
    page.close()


def test_filing_copy_prints_on_a4_without_menus(staff_context, live_server, tmp_path):
    day = datetime.date(2018, 8, 15)
    group, members = _group(9, 14, day=day)
    _other, guests = _group(5, 4, day=day)
    activity = ActivityFactory(
        group=group,
        date=day,
        title="健康产业发展座谈会",
        place="福安市医院会议室",
        host_enterprise="福安市闽东电机电器制造有限公司",
        other_participants=3,
        summary="围绕健康产业发展开展座谈，形成调研报告并转化为集体提案。" * 6,
    )
    for member in members[:10] + guests:
        AttendanceFactory(activity=activity, member=member)
    LeaderFactory(activity=activity, name="郑领导", title="市政协副主席")
    LeaderFactory(
        activity=activity,
        name="林局长",
        title="市卫健局局长",
        level=LeaderPresence.Level.DEPARTMENT,
    )
    OutcomeFactory(
        activity=activity,
        title="关于加快发展健康产业的集体提案",
        kind=Outcome.Kind.COLLECTIVE_PROPOSAL,
    )
    PublicityFactory(
        activity=activity,
        channel=Publicity.Channel.OFFICIAL_ACCOUNT,
        date=day,
        title="第九组开展健康产业座谈",
        link="https://example.org/news/2018/08/15/health",
    )

    doc = _pdf(
        staff_context, f"{live_server.url}/activities/{activity.pk}/print/", tmp_path, "filing"
    )
    assert doc.page_count == 1
    assert tuple(round(v) for v in doc[0].rect[2:]) == A4
    text = _texts(doc)[0]
    assert "福安市工商联（总商会）轮值活动登记表" in text
    assert f"第{activity.number}次" in text and "2018年8月15日" in text
    host_names = "、".join(m.name for m in group.members_on(day) if m in members[:10])
    assert host_names in text
    assert text.index("商贸物流组（10）") < text.index("第5组")
    assert "郑领导（市政协副主席）" in text and "林局长（市卫健局局长）" in text
    assert "关于加快发展健康产业的集体提案" in text
    assert text.count("打印") == 1  # 「… 2026年11月30日打印」 under the table, not the button
    for absent in ("返回", "退出", "修改记录", "编辑", "1385"):
        assert absent not in text
