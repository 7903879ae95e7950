"""The demo data: a fictional committee that reproduces every figure of the 2019 report.

From November 2017 to July 2019: 132 members (1 chair, 9 part-time vice-chairs, 27
vice-presidents, 93 standing executives, 2 executives), 23 people's-congress deputies and
57 CPPCC members, 12 groups of 10–11 with three conveners each, 17 activities with 519
person-times (座谈讲座 3, 参观学习 2, 服务产业 2, 调研交流 3, 热心公益 7, 宣传培训 0), 8 of them
with four-leading-bodies leaders and every one with department or township leaders, and the
24 proposals (2 key) of the 2019 CPPCC session. Every person and company here is invented.

Loading is idempotent: each row is looked up by a stable key before it is created.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from activities.models import (
    Activity,
    GroupMembership,
    LeaderPresence,
    Outcome,
    Publicity,
    RotationGroup,
    ScheduleEntry,
    Theme,
)
from activities.services import activity_save, attendance_set
from members.history import authored_by
from members.models import FederationRole, Gender, Member, PublicOffice, Role, User

SYSTEM_START = datetime.date(2017, 11, 1)
DEFAULT_PASSWORD = "rotation-demo-2019"
STAFF_GROUP_NAME = "机关工作人员"

SURNAMES = "陈林黄郑刘吴王李张缪郭杨钟雷周薛谢阮詹蔡许苏叶江游彭"
GIVEN = "建国明华志强文海辉晓丽芳伟庆荣德福安春秋永兴宏炳金玉清泉振英佳思远航"

# (number, name, basis, industry or region, township)
GROUPS = [
    (1, "电机电器一组", "industry", "电机电器", "城阳镇"),
    (2, "电机电器二组", "industry", "电机电器", "湾坞镇"),
    (3, "船舶修造组", "industry", "船舶修造", "下白石镇"),
    (4, "茶业组", "industry", "茶业", "社口镇"),
    (5, "食品加工组", "industry", "食品加工", "溪尾镇"),
    (6, "建筑建材组", "industry", "建筑建材", "阳头街道"),
    (7, "商贸物流组", "industry", "商贸物流", "罗江街道"),
    (8, "房地产组", "industry", "房地产", "城北街道"),
    (9, "大健康产业组", "industry", "大健康", "城南街道"),
    (10, "赛岐甘棠片区组", "region", "综合", "赛岐镇"),
    (11, "穆阳溪柄片区组", "region", "综合", "穆阳镇"),
    (12, "上白石晓阳片区组", "region", "综合", "上白石镇"),
]

COMPANY_WORDS = "恒丰泰瑞盛宏鑫源隆昌达信华通正安福兴嘉诚"


@dataclass
class DemoActivity:
    date: datetime.date
    group: int
    theme: str
    title: str
    place: str
    host: str
    attendees: int
    others: int
    summary: str
    four_bodies: list = field(default_factory=list)  # (name, title)
    department: list = field(default_factory=list)  # (name, title)
    channels: list = field(default_factory=list)


LEADER_UNITED_FRONT = ("林晓东", "市委常委、统战部部长")
LEADER_CPPCC = ("郑立群", "市政协副主席")
LEADER_VICE_MAYOR = ("吴清远", "副市长")
LEADER_NPC = ("黄振宏", "市人大常委会副主任")

W, G, M, OA, N, T = "website", "wechat_group", "magazine", "official_account", "newspaper", "tv"

ACTIVITIES = [
    DemoActivity(
        datetime.date(2017, 11, 18),
        1,
        Theme.SEMINAR,
        "学习宣传贯彻党的十九大精神专题讲座",
        "市工商联会议室",
        "",
        32,
        8,
        "市领导宣讲党的十九大精神，轮值组成员交流学习体会。",
        [LEADER_UNITED_FRONT],
        [("陈思远", "市委统战部副部长")],
        [W, G, M],
    ),
    DemoActivity(
        datetime.date(2017, 12, 16),
        2,
        Theme.CHARITY,
        "冬日送温暖·走访慰问困难群众",
        "湾坞镇",
        "福安市恒丰电机有限公司",
        18,
        6,
        "走访慰问湾坞镇困难群众，送去慰问金和生活用品。",
        [],
        [("刘文斌", "湾坞镇党委副书记")],
        [W, G],
    ),
    DemoActivity(
        datetime.date(2018, 1, 20),
        3,
        Theme.CHARITY,
        "“访贫问老”春节送温暖活动",
        "下白石镇",
        "福安市泰瑞船舶修造有限公司",
        22,
        6,
        "春节前走访慰问孤寡老人和困难家庭。",
        [],
        [("郭明华", "下白石镇镇长")],
        [W, G, OA],
    ),
    DemoActivity(
        datetime.date(2018, 3, 17),
        4,
        Theme.RESEARCH,
        "茶产业转型升级调研交流会",
        "社口镇",
        "福安市瑞盛茶业有限公司",
        24,
        6,
        "围绕茶叶品牌建设和产销对接开展调研交流。",
        [],
        [("杨志海", "市农业农村局副局长")],
        [W, G],
    ),
    DemoActivity(
        datetime.date(2018, 4, 21),
        5,
        Theme.CHARITY,
        "光彩助学·捐资助学活动",
        "溪尾中学",
        "福安市宏鑫食品有限公司",
        20,
        6,
        "向溪尾镇困难学生发放助学金。",
        [],
        [("周丽芳", "市教育局副局长")],
        [W, G, M],
    ),
    DemoActivity(
        datetime.date(2018, 5, 26),
        6,
        Theme.VISIT,
        "结合机关党日活动参观学习中国扶贫第一村福鼎市赤溪村",
        "福鼎市赤溪村",
        "",
        27,
        8,
        "与机关党员一同参观赤溪村脱贫致富历程，学习扶贫经验。",
        [LEADER_CPPCC],
        [("薛永兴", "市直机关工委副书记")],
        [W, G, M, OA],
    ),
    DemoActivity(
        datetime.date(2018, 6, 23),
        7,
        Theme.CHARITY,
        "“百企帮百村”精准扶贫结对帮扶",
        "罗江街道",
        "福安市源隆商贸有限公司",
        19,
        6,
        "企业与贫困村结对，落实产业帮扶项目。",
        [],
        [("谢建国", "罗江街道党工委书记")],
        [W, G],
    ),
    DemoActivity(
        datetime.date(2018, 7, 14),
        8,
        Theme.SEMINAR,
        "“不忘初心使命，推进乡村振兴”专题党课",
        "市工商联会议室",
        "",
        26,
        8,
        "市领导以乡村振兴为题为轮值组成员上党课。",
        [LEADER_UNITED_FRONT],
        [("陈思远", "市委统战部副部长")],
        [W, G, M, OA],
    ),
    DemoActivity(
        datetime.date(2018, 8, 18),
        9,
        Theme.RESEARCH,
        "大健康产业发展座谈会",
        "城南街道",
        "福安市康力健身器材有限公司",
        26,
        6,
        "就大健康产业新产品研发、供应链支撑、营商环境等方面的困境和发展前景开展调研，"
        "形成调研报告和集体提案。",
        [LEADER_CPPCC],
        [("蔡德荣", "市工信局局长")],
        [W, G, M, OA],
    ),
    DemoActivity(
        datetime.date(2018, 9, 15),
        10,
        Theme.VISIT,
        "赴宁德参观学习新能源企业",
        "宁德市",
        "",
        24,
        6,
        "参观学习新能源企业的智能制造和管理经验。",
        [],
        [("阮春秋", "赛岐镇副镇长")],
        [W, G],
    ),
    DemoActivity(
        datetime.date(2018, 10, 20),
        11,
        Theme.CHARITY,
        "重阳敬老慰问活动",
        "穆阳镇敬老院",
        "福安市达信贸易有限公司",
        21,
        6,
        "重阳节慰问敬老院老人。",
        [],
        [("詹玉清", "穆阳镇党委书记")],
        [W, G],
    ),
    DemoActivity(
        datetime.date(2018, 11, 17),
        12,
        Theme.RESEARCH,
        "片区民营经济发展调研交流",
        "上白石镇",
        "福安市通正机械有限公司",
        23,
        6,
        "调研片区民营企业用工、用地、融资情况。",
        [LEADER_VICE_MAYOR],
        [("游振英", "上白石镇镇长")],
        [W, G, M],
    ),
    DemoActivity(
        datetime.date(2018, 12, 15),
        1,
        Theme.CHARITY,
        "光彩事业·爱心助学捐赠仪式",
        "市工商联会议室",
        "福安市华通电机有限公司",
        24,
        7,
        "轮值组成员为困难学子捐资助学。",
        [],
        [("周丽芳", "市教育局副局长")],
        [W, G, OA],
    ),
    DemoActivity(
        datetime.date(2019, 3, 16),
        2,
        Theme.SEMINAR,
        "法律进企业·民营企业法律风险防范讲座",
        "湾坞镇",
        "福安市嘉诚电器有限公司",
        24,
        8,
        "法律顾问讲解合同、用工等法律风险防范，开展法治教育。",
        [LEADER_NPC],
        [("苏海航", "市司法局副局长")],
        [W, G, M],
    ),
    DemoActivity(
        datetime.date(2019, 4, 20),
        3,
        Theme.INDUSTRY,
        "银企协作发展座谈会",
        "下白石镇",
        "福安市安福船舶有限公司",
        22,
        8,
        "银行与企业座谈融资需求，开展诚信教育。",
        [LEADER_VICE_MAYOR],
        [("彭晓明", "市金融工作办公室主任")],
        [W, G, M, OA],
    ),
    DemoActivity(
        datetime.date(2019, 5, 18),
        4,
        Theme.INDUSTRY,
        "“服务小微企业，改善融资环境”银企对接会",
        "市民服务中心",
        "",
        22,
        14,
        "搭建银企对接平台，多家企业与银行达成贷款意向，开展诚信教育。",
        [LEADER_VICE_MAYOR],
        [("彭晓明", "市金融工作办公室主任"), ("江伟庆", "人民银行福安支行行长")],
        [W, G, M, OA, N, T],
    ),
    DemoActivity(
        datetime.date(2019, 6, 15),
        5,
        Theme.CHARITY,
        "“六一”关爱留守儿童公益活动",
        "溪尾镇中心小学",
        "福安市兴嘉食品有限公司",
        23,
        7,
        "为留守儿童送去学习用品，开展亲子互动。",
        [],
        [("许佳", "溪尾镇副镇长")],
        [W, G],
    ),
]

HEALTH_REPORT_TITLE = "福安市大健康产业发展调研报告"
HEALTH_PROPOSAL_TITLE = "推动大健康产业高质量发展的几点建议"
CPPCC_2019_PROPOSAL_TOPICS = [
    "优化民营企业融资环境",
    "加快电机电器产业转型升级",
    "支持船舶修造业绿色发展",
    "打响福安茶叶区域品牌",
    "完善工业园区配套设施",
    "加强企业人才引进和培养",
    "减轻小微企业税费负担",
    "推进食品加工行业标准化",
    "规范建筑市场秩序",
    "发展现代商贸物流",
    "促进房地产市场平稳健康发展",
    "加强营商环境建设",
    "推动民营企业参与乡村振兴",
    "加大科技创新扶持力度",
    "完善中小企业公共服务平台",
    "加强企业用工保障",
    "推进新型城镇化建设",
    "发展乡村旅游产业",
    "支持企业开拓海外市场",
    "加强知识产权保护",
    "推动制造业与互联网融合",
    "完善企业信用体系建设",
    "加快港口物流发展",
]


def _person_name(index):
    surname = SURNAMES[index % len(SURNAMES)]
    given = GIVEN[(index * 7) % len(GIVEN)]
    if index % 3:
        given += GIVEN[(index * 11 + 5) % len(GIVEN)]
    return surname + given


def _company(index, industry):
    word = (
        COMPANY_WORDS[index % len(COMPANY_WORDS)]
        + COMPANY_WORDS[(index * 3 + 1) % len(COMPANY_WORDS)]
    )
    suffix = {
        "电机电器": "电机",
        "船舶修造": "船舶",
        "茶业": "茶业",
        "食品加工": "食品",
        "建筑建材": "建材",
        "商贸物流": "物流",
        "房地产": "置业",
        "大健康": "健康科技",
    }
    return f"福安市{word}{suffix.get(industry, '实业')}有限公司"


@dataclass
class DemoPerson:
    key: int
    name: str
    role: str
    group: int | None
    is_convener: bool
    industry: str
    township: str


def demo_people():
    """132 people in a fixed order: chair, 2 executives, then each group's members."""
    people = []
    key = 0

    def add(role, group, is_convener, industry, township):
        nonlocal key
        people.append(
            DemoPerson(key, _person_name(key), role, group, is_convener, industry, township)
        )
        key += 1

    add(FederationRole.CHAIR, None, False, "综合", "城阳镇")
    add(FederationRole.EXECUTIVE, None, False, "金融服务", "城阳镇")
    add(FederationRole.EXECUTIVE, None, False, "文化传媒", "城北街道")
    for number, _name, _basis, industry, township in GROUPS:
        if number <= 9:
            convener_roles = [FederationRole.VICE_CHAIR] + [FederationRole.VICE_PRESIDENT] * 2
            standing = 8
        else:
            convener_roles = [FederationRole.VICE_PRESIDENT] * 3
            standing = 7
        for role in convener_roles:
            add(role, number, True, industry, township)
        for _ in range(standing):
            add(FederationRole.STANDING, number, False, industry, township)
    # Two different people who share a name (同名): it happens, and the roster must cope.
    people[40].name = people[100].name
    return people


def _offices_for(person):
    """23 deputies and 57 CPPCC members, some holding seats at two levels."""
    k = person.key
    offices = []
    if k in range(3, 26):  # 23 people's-congress deputies
        level = PublicOffice.Level.PREFECTURE if k < 8 else PublicOffice.Level.COUNTY
        if k in (24, 25):
            level = PublicOffice.Level.TOWNSHIP
        offices.append((PublicOffice.Kind.DEPUTY, level))
    if k in range(26, 83):  # 57 CPPCC members
        offices.append((PublicOffice.Kind.CPPCC, PublicOffice.Level.COUNTY))
        if k % 9 == 0:
            offices.append((PublicOffice.Kind.CPPCC, PublicOffice.Level.PREFECTURE))
    if k == 3:
        offices.append((PublicOffice.Kind.DEPUTY, PublicOffice.Level.PROVINCIAL))
    return offices


def _mobile(key):
    return f"1395930{key:04d}"


@dataclass
class DemoSummary:
    members_created: int = 0
    activities_created: int = 0
    logins: list = field(default_factory=list)


@transaction.atomic
def demo_load(*, password=None, by=None):
    """Load the demo; a second run finds every row and changes nothing.

    New demo logins get `password` (default DEFAULT_PASSWORD); an existing one keeps the
    password its owner chose unless `password` is given.
    """
    summary = DemoSummary()
    groups = _load_groups(by)
    members = _load_members(groups, by, summary)
    _load_activities(groups, members, by, summary)
    _load_proposals(members, by)
    _load_schedule(groups, by)
    summary.logins = _load_logins(groups, members, password)
    return summary


def _load_groups(by):
    groups = {}
    for number, name, basis, industry, township in GROUPS:
        group = RotationGroup.objects.filter(number=number).first()
        if group is None:
            group = authored_by(
                RotationGroup(
                    number=number,
                    name=name,
                    basis=basis,
                    description=f"{industry}，{township}一带的会员企业。"
                    if basis == "industry"
                    else f"{township}及周边片区的会员企业。",
                ),
                by,
            )
            group.save()
        groups[number] = group
    return groups


def _load_members(groups, by, summary):
    members = {}
    for person in demo_people():
        mobile = _mobile(person.key)
        member = Member.objects.filter(mobile=mobile).first()
        if member is None:
            member = authored_by(
                Member(
                    name=person.name,
                    gender=Gender.FEMALE if person.key % 5 == 2 else Gender.MALE,
                    company=_company(person.key, person.industry),
                    position="董事长" if person.role != FederationRole.STANDING else "总经理",
                    industry=person.industry,
                    township=person.township,
                    mobile=mobile,
                    email="" if person.key % 4 == 3 else f"member{person.key:03d}@example.com",
                    role=person.role,
                    term=14,
                ),
                by,
            )
            member.full_clean()
            member.save()
            summary.members_created += 1
        for kind, level in _offices_for(person):
            if not member.offices.filter(kind=kind, level=level).exists():
                authored_by(
                    PublicOffice(member=member, kind=kind, level=level, term="2016—2021"), by
                ).save()
        if person.group and not GroupMembership.objects.filter(member=member).exists():
            membership = GroupMembership(
                member=member,
                group=groups[person.group],
                is_convener=person.is_convener,
                start_date=SYSTEM_START,
            )
            membership.full_clean()
            authored_by(membership, by).save()
        members[person.key] = (person, member)
    return members


def _attendee_keys(demo, index, members):
    """The host group's members first, then others chosen in a fixed pseudo-random order."""
    in_group = [p.key for p, _m in members.values() if p.group == demo.group]
    rng = random.Random(index)
    chosen = in_group[: demo.attendees]
    others = [p.key for p, _m in members.values() if p.group and p.group != demo.group]
    rng.shuffle(others)
    chosen += others[: demo.attendees - len(chosen)]
    return chosen


def _load_activities(groups, members, by, summary):
    for index, demo in enumerate(ACTIVITIES):
        group = groups[demo.group]
        activity = Activity.objects.filter(group=group, date=demo.date, title=demo.title).first()
        created = activity is None
        if created:
            activity = activity_save(
                activity=Activity(
                    group=group,
                    date=demo.date,
                    title=demo.title,
                    theme=demo.theme,
                    place=demo.place,
                    host_enterprise=demo.host,
                    summary=demo.summary,
                    status=Activity.Status.HELD,
                    other_participants=demo.others,
                ),
                by=by,
            )
            summary.activities_created += 1
        # Adds the missing attendees only (a rerun keeps what was ticked since), in one
        # change with one history date; an activity loaded before takes its next version.
        ticked = set(activity.attendances.values_list("member_id", flat=True))
        chosen = {members[key][1].pk for key in _attendee_keys(demo, index, members)}
        attendance_set(
            activity=activity,
            members=Member.objects.filter(pk__in=ticked | chosen),
            by=by,
            version_raised=created,
        )
        for level, leaders in (
            (LeaderPresence.Level.FOUR_BODIES, demo.four_bodies),
            (LeaderPresence.Level.DEPARTMENT, demo.department),
        ):
            for name, title in leaders:
                if not activity.leaders.filter(name=name, level=level).exists():
                    authored_by(
                        LeaderPresence(activity=activity, name=name, title=title, level=level), by
                    ).save()
        for offset, channel in enumerate(demo.channels):
            if not activity.publicity.filter(channel=channel).exists():
                authored_by(
                    Publicity(
                        activity=activity,
                        channel=channel,
                        date=demo.date + datetime.timedelta(days=1 + offset // 3),
                        title=demo.title,
                    ),
                    by,
                ).save()
        if demo.group == 9:
            _load_health_outcomes(activity, by)


def _load_health_outcomes(activity, by):
    """The group's research report and collective proposal: the group's work, no one author."""
    for kind, title, year, submitted_to, is_key in (
        (Outcome.Kind.RESEARCH_REPORT, HEALTH_REPORT_TITLE, 2018, Outcome.SubmittedTo.CPPCC, False),
        (
            Outcome.Kind.COLLECTIVE_PROPOSAL,
            HEALTH_PROPOSAL_TITLE,
            2019,
            Outcome.SubmittedTo.CPPCC,
            True,
        ),
    ):
        if not Outcome.objects.filter(activity=activity, title=title).exists():
            authored_by(
                Outcome(
                    activity=activity,
                    kind=kind,
                    title=title,
                    year=year,
                    submitted_to=submitted_to,
                    is_key=is_key,
                    notes="在市政协全体会议上作大会发言。"
                    if kind == Outcome.Kind.COLLECTIVE_PROPOSAL
                    else "",
                ),
                by,
            ).save()


def _load_proposals(members, by):
    """The 2019 CPPCC session: 24 proposals from business-sector members, 2 of them key.

    The group-9 collective proposal is one of them; these are the other 23.
    """
    authors = [m for p, m in members.values() if 26 <= p.key < 83][
        : len(CPPCC_2019_PROPOSAL_TOPICS)
    ]
    for index, (topic, author) in enumerate(zip(CPPCC_2019_PROPOSAL_TOPICS, authors, strict=True)):
        title = f"关于{topic}的提案"
        if not Outcome.objects.filter(title=title, year=2019).exists():
            authored_by(
                Outcome(
                    member=author,
                    kind=Outcome.Kind.PROPOSAL,
                    title=title,
                    year=2019,
                    submitted_to=Outcome.SubmittedTo.CPPCC,
                    is_key=index == 0,
                ),
                by,
            ).save()


# Months of the report period with no rotation activity: the Spring Festival months and the
# January 2019 sessions of the people's congress and the CPPCC.
NO_ACTIVITY_MONTHS = {
    (2018, 2): "春节",
    (2019, 1): "市两会",
    (2019, 2): "春节",
}


def _load_schedule(groups, by):
    """The plan behind the 17 activities, and the plan of the twelve months from this one on
    (into next year from February on: in December the home page's "next month" is January).

    The current month is group 1's, so the demo convener has a month to plan and record now.
    """
    months = []
    day = SYSTEM_START
    while day <= datetime.date(2019, 7, 1):
        months.append((day.year, day.month))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    position = 0
    for year, month in months:
        note = NO_ACTIVITY_MONTHS.get((year, month), "")
        group = None if note else groups[position % 12 + 1]
        position += 0 if note else 1
        _schedule_month(year, month, group, note, by)
    today = timezone.localdate()
    for offset in range(12):
        year, month = divmod(today.year * 12 + today.month - 1 + offset, 12)
        _schedule_month(year, month + 1, groups[offset + 1], "", by)


def _schedule_month(year, month, group, note, by):
    if ScheduleEntry.objects.filter(year=year, month=month).exists():
        return
    entry = ScheduleEntry(year=year, month=month, group=group, no_activity=group is None, note=note)
    entry.full_clean()
    authored_by(entry, by).save()


def staff_permission_group():
    """An auth group with every permission on the product's models, for staff logins."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    wanted = Permission.objects.filter(content_type__app_label__in=["members", "activities"])
    missing = wanted.exclude(pk__in=group.permissions.values("pk"))
    if missing.exists():
        group.permissions.add(*missing)
    return group


def _load_logins(groups, members, password):
    group1_convener = next(m for p, m in members.values() if p.group == 1 and p.is_convener)
    group1_member = next(
        m for p, m in members.values() if p.group == 1 and p.role == FederationRole.STANDING
    )
    specs = [
        ("staff", Role.STAFF, None, "会员部工作人员"),
        ("leader", Role.LEADERSHIP, None, "工商联领导"),
        ("convener", Role.CONVENER, group1_convener, ""),
        ("member", Role.MEMBER, group1_member, ""),
    ]
    logins = []
    for username, role, member, first_name in specs:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, role=role, member=member, first_name=first_name)
            user.is_staff = role == Role.STAFF
            user.set_password(password or DEFAULT_PASSWORD)
            user.save()
        elif password is not None and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        if role == Role.STAFF:
            user.groups.add(staff_permission_group())
        logins.append((username, role.label, member.name if member else ""))
    return logins
