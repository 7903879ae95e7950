"""Roster workbooks made by the tests: the shapes offices really send, and broken files."""

import io
import zipfile

from openpyxl import Workbook

HEADERS = ["序号", "姓名", "性别", "工作单位", "单位职务", "工商联职务", "所属行业", "所在乡镇"]
HEADERS += ["联系电话", "轮值组", "召集人", "人大代表/政协委员", "届别", "备注"]


def person(n, **overrides):
    """A row dict for person n (fictional names and numbers)."""
    row = {
        "序号": n,
        "姓名": f"成员{n:04d}",
        "性别": "男" if n % 3 else "女",
        "工作单位": f"福安市示例{n}号电机有限公司",
        "单位职务": "总经理",
        "工商联职务": "常执委",
        "所属行业": "电机电器",
        "所在乡镇": "城阳镇",
        "联系电话": f"1390{n:07d}",
        "轮值组": f"第{n % 12 + 1}组",
        "召集人": "",
        "人大代表/政协委员": "",
        "届别": 14,
        "备注": "",
    }
    row.update(overrides)
    return row


def workbook_bytes(rows, headers=HEADERS, *, title_rows=(), footer_rows=(), sheet=None):
    """An .xlsx with optional title lines above the header and footer lines below."""
    workbook = Workbook()
    ws = workbook.active
    for line in title_rows:
        ws.append(list(line) if isinstance(line, (list, tuple)) else [line])
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h, "") if isinstance(row, dict) else None for h in headers])
    for line in footer_rows:
        ws.append(list(line))
    if sheet is not None:
        sheet(ws)
    return save(workbook)


def save(workbook):
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def roster_bytes(count, start=1, **kwargs):
    return workbook_bytes([person(n) for n in range(start, start + count)], **kwargs)


def rezip(data, *, add=None, replace=None, drop=()):
    """Copy an .xlsx zip, adding/replacing/dropping members (for bombs and macros)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            content = (replace or {}).get(info.filename, source.read(info.filename))
            target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return output.getvalue()


def ole2_bytes(streams=()):
    """A minimal OLE2 (Compound File) header with directory entry names in UTF-16.

    Enough for the signature check: old .xls files and encrypted .xlsx both start so;
    an encrypted one names its EncryptionInfo and EncryptedPackage streams.
    """
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
        for name in ("Root Entry", *streams)
    )
    return header + directory + b"\x00" * 512


MOBILE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "158", "186", "188")
SURNAMES = "林陈郑黄吴刘王李张杨"
GIVEN = "建国明华志文海平德福"


def fictional_name(n):
    """Three-character names from a fixed pool; large rosters repeat names on purpose."""
    n = n % 1000
    return SURNAMES[n // 100] + GIVEN[(n // 10) % 10] + GIVEN[n % 10]


def seed_roster_rows(count=132):
    """A roster shaped like the seed: 9 vice-chairs, 27 vice-presidents, 93 standing,
    one chair and two executives; 12 groups with their vice-chairs/vice-presidents as
    conveners; 23 people's-congress deputies and 57 CPPCC members.

    Beyond 132 rows (for the benchmark) the extra people are standing members.
    """
    roles = ["主席"] + ["兼职副主席"] * 9 + ["副会长"] * 27 + ["常执委"] * 93 + ["执委"] * 2
    rows = []
    for i in range(count):
        role = roles[i] if i < len(roles) else "常执委"
        offices = []
        if i < 57:
            offices.append("宁德市政协委员" if i % 5 == 0 else "福安市政协委员")
        if 40 <= i < 63:
            offices.append("福建省人大代表" if i == 40 else "福安市人大代表")
        if i == 0:
            group, convener = "", ""
        else:
            group = (i - 1) % 12 + 1
            convener = "是" if role in ("兼职副主席", "副会长") else ""
        rows.append(
            {
                "序号": i + 1,
                "姓名": fictional_name(i),
                "性别": "女" if i % 7 == 0 else "男",
                "工作单位": f"福安市示例{i + 1}号实业有限公司",
                "单位职务": "董事长" if i % 2 else "总经理",
                "工商联职务": role,
                "所属行业": ["电机电器", "商贸物流", "茶业", "船舶修造"][i % 4],
                "所在乡镇": ["城阳镇", "赛岐镇", "甘棠镇", "溪尾镇"][i % 4],
                "联系电话": f"{MOBILE_PREFIXES[i % len(MOBILE_PREFIXES)]}{i:08d}",
                "轮值组": f"第{group}组" if group else "",
                "召集人": convener,
                "人大代表/政协委员": ";".join(offices),
                "届别": 14,
                "备注": "",
            }
        )
    return rows


def seed_roster_bytes(count=132):
    return workbook_bytes(
        seed_roster_rows(count), title_rows=["福安市工商联（总商会）第十四届执委会成员名册"]
    )
