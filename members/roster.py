"""Reading and writing roster workbooks (执委会成员名册) as offices keep them in Excel.

Pure functions: a workbook in, plain data out (and back). Nothing here touches the database;
matching rows to members and writing them is activities.roster.planner's job.

Reading is defensive because the file comes from outside: the size, the zip container and
its unpacked size are checked before any XML is parsed, macro workbooks are refused, and the
XML itself is parsed by defusedxml (openpyxl uses it when it is installed), in read-only mode
with the sheet's real size rather than the size the file declares.
"""

import datetime
import hashlib
import html
import io
import logging
import posixpath
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries

from members.models import FederationRole, Gender, Member, PublicOffice
from members.validators import normalize_mobile, validate_mainland_mobile

logger = logging.getLogger(__name__)

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_UNPACKED_SIZE = 64 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_ROWS = 10_000
MAX_COLUMNS = 60
HEADER_SCAN_ROWS = 30

ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class RosterFileError(Exception):
    """The file as a whole cannot be read as a roster; the message says what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class SheetUnusable(RosterFileError):
    """One sheet has a header but cannot be used; fatal only when no other sheet can."""


@dataclass(frozen=True)
class RosterIssue:
    """Something wrong with one row (or the sheet, when row is None), in the user's words.

    `sheet` is set only when the workbook had several roster sheets, to tell rows apart.
    """

    row: int | None
    column: str
    message: str
    sheet: str = ""

    @property
    def place(self):
        """The row as the user finds it: 5, or 第2组·5 when several sheets were read."""
        if self.row is None:
            return self.sheet
        return f"{self.sheet}·{self.row}" if self.sheet else str(self.row)


@dataclass(frozen=True)
class Warned:
    """A parser's answer that is usable but needs a word: the value (None: not imported)."""

    value: object
    message: str


class LostValueError(ValueError):
    """The cell lost information (1.38059E+10): blocks the import even in an optional column."""


@dataclass(frozen=True)
class UnsavedFormula:
    """A formula cell with no saved result (a file written by a program, never opened in
    Excel): openpyxl's data_only reading gives None for it. `text` is the formula (=1+1)."""

    text: str

    def __str__(self):
        return self.text


@dataclass(frozen=True)
class GroupRef:
    """A rotation group as the roster names it: by number (第3组), or by name only."""

    number: int | None
    name: str = ""


NO_GROUP = GroupRef(number=None, name="")


@dataclass
class RosterRecord:
    """One person's row. `values` holds only the columns the sheet has and the cell filled.

    `sheet` names the sheet when the workbook had several roster sheets (else "").
    """

    row: int
    values: dict
    sheet: str = ""

    @property
    def place(self):
        return f"{self.sheet}·{self.row}" if self.sheet else str(self.row)


@dataclass
class RosterSheet:
    sheet_name: str
    header_row: int
    columns: dict  # field key -> header text as written in the file
    ignored_columns: list  # header texts (with column letters) that were not used
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # RosterIssue: block the import
    warnings: list = field(default_factory=list)  # RosterIssue: the value was left out
    skipped_rows: list = field(default_factory=list)  # (row, text): headings, footers, notes
    header_rows: tuple = ()  # (first, last) when the header spans several rows

    def label_rows(self):
        """Name this sheet on its rows and issues (the workbook had several roster sheets)."""
        for record in self.records:
            record.sheet = self.sheet_name
        self.errors = [replace(e, sheet=self.sheet_name) for e in self.errors]
        self.warnings = [replace(e, sheet=self.sheet_name) for e in self.warnings]

    def to_data(self):
        return {
            "sheet_name": self.sheet_name,
            "header_row": self.header_row,
            "header_rows": list(self.header_rows),
            "columns": self.columns,
            "ignored_columns": self.ignored_columns,
            "records": [
                [r.row, r.sheet, {k: _value_to_data(v) for k, v in r.values.items()}]
                for r in self.records
            ],
            "errors": [_issue_to_data(e) for e in self.errors],
            "warnings": [_issue_to_data(e) for e in self.warnings],
            "skipped_rows": [list(item) for item in self.skipped_rows],
        }

    @classmethod
    def from_data(cls, data):
        return cls(
            sheet_name=data["sheet_name"],
            header_row=data["header_row"],
            header_rows=tuple(data["header_rows"]),
            columns=dict(data["columns"]),
            ignored_columns=list(data["ignored_columns"]),
            records=[
                RosterRecord(row, {k: _value_from_data(v) for k, v in values.items()}, sheet)
                for row, sheet, values in data["records"]
            ],
            errors=[RosterIssue(*e) for e in data["errors"]],
            warnings=[RosterIssue(*e) for e in data["warnings"]],
            skipped_rows=[tuple(item) for item in data["skipped_rows"]],
        )


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # what export and the template write
    aliases: tuple
    required: bool = False


# The order is the order of the exported sheet and of the template.
COLUMNS = (
    Column("seq", "序号", ("序号", "编号", "no", "no.")),
    Column("name", "姓名", ("姓名", "名字", "成员姓名", "会员姓名"), required=True),
    Column("gender", "性别", ("性别",)),
    Column(
        "company",
        "工作单位",
        ("工作单位", "企业名称", "单位", "单位名称", "企业", "公司", "公司名称", "所在单位"),
        required=True,
    ),
    Column("position", "单位职务", ("单位职务", "职务", "企业职务", "现任职务", "公司职务")),
    Column(
        "role",
        "工商联职务",
        ("工商联职务", "商会职务", "总商会职务", "会内职务", "执委会职务", "工商联总商会职务"),
        required=True,
    ),
    Column("industry", "所属行业", ("所属行业", "行业", "行业类别", "所在行业")),
    Column(
        "township", "所在乡镇", ("所在乡镇", "区域", "乡镇", "所在区域", "乡镇街道", "所属乡镇")
    ),
    Column(
        "mobile",
        "联系电话",
        ("联系电话", "手机", "手机号码", "手机号", "电话", "联系方式", "移动电话"),
    ),
    Column("email", "电子邮箱", ("电子邮箱", "邮箱", "email", "e-mail", "电子邮件")),
    Column("group", "轮值组", ("轮值组", "组别", "所在轮值组", "轮值组别", "分组", "轮值小组")),
    Column("convener", "召集人", ("召集人", "是否召集人", "组召集人")),
    Column(
        "offices",
        "人大代表/政协委员",
        (
            "人大代表/政协委员",
            "人大代表、政协委员",
            "人大代表政协委员",
            "人大政协",
            "人大、政协",
            "人大/政协",
            "政治安排",
            "人大代表或政协委员",
        ),
    ),
    Column("offices_npc", "人大代表", ("人大代表",)),
    Column("offices_cppcc", "政协委员", ("政协委员",)),
    Column("term", "届别", ("届别", "届次", "届", "所属届别")),
    Column("notes", "备注", ("备注", "说明")),
)
EXPORT_COLUMNS = tuple(c for c in COLUMNS if c.key not in ("offices_npc", "offices_cppcc"))
TEXT_FIELDS = ("company", "position", "industry", "township", "notes")

ROLE_HEADERS = {
    FederationRole.CHAIR: "主席",
    FederationRole.VICE_CHAIR: "兼职副主席",
    FederationRole.VICE_PRESIDENT: "副会长",
    FederationRole.STANDING: "常执委",
    FederationRole.EXECUTIVE: "执委",
}
_ROLE_SPELLINGS = {
    FederationRole.CHAIR: ("主席", "会长", "工商联主席", "总商会会长", "主席(会长)"),
    FederationRole.VICE_CHAIR: (
        "兼职副主席",
        "副主席(兼职)",
        "副主席",
        "工商联兼职副主席",
        "兼职副主席(副会长)",
    ),
    FederationRole.VICE_PRESIDENT: ("副会长", "总商会副会长", "商会副会长"),
    FederationRole.STANDING: (
        "常执委",
        "常务执委",
        "常委",
        "常务委员",
        "常务执行委员",
        "常务执行委员会委员",
        "常务执委会委员",
    ),
    FederationRole.EXECUTIVE: ("执委", "执行委员", "执行委员会委员", "执委会委员"),
}
ROLE_SPELLINGS = {
    spelling: role for role, spellings in _ROLE_SPELLINGS.items() for spelling in spellings
}
ROLE_SPELLINGS.update({role.value: role for role in FederationRole})

# GB/T 2261.1-2003 codes the sexes 1 男 and 2 女 (0 not known, 9 not stated: left empty).
GENDER_SPELLINGS = {
    "男": Gender.MALE,
    "女": Gender.FEMALE,
    "男性": Gender.MALE,
    "女性": Gender.FEMALE,
    "1": Gender.MALE,
    "2": Gender.FEMALE,
    "m": Gender.MALE,
    "f": Gender.FEMALE,
    "male": Gender.MALE,
    "female": Gender.FEMALE,
}
GENDER_HEADERS = {Gender.MALE: "男", Gender.FEMALE: "女"}

YES = {"是", "√", "✓", "✔", "y", "yes", "true", "1", "召集人", "★", "○", "●"}
NO = {"否", "×", "✗", "n", "no", "false", "0", "-", "—"}
NONE_MARKERS = {"无", "没有", "-", "—", "/", "否"}

OFFICE_KIND_WORDS = (("人大", PublicOffice.Kind.DEPUTY), ("政协", PublicOffice.Kind.CPPCC))
OFFICE_KIND_HEADERS = {PublicOffice.Kind.DEPUTY: "人大代表", PublicOffice.Kind.CPPCC: "政协委员"}
OFFICE_LEVEL_HEADERS = {
    PublicOffice.Level.NATIONAL: "全国",
    PublicOffice.Level.PROVINCIAL: "福建省",
    PublicOffice.Level.PREFECTURE: "宁德市",
    PublicOffice.Level.COUNTY: "福安市",
    PublicOffice.Level.TOWNSHIP: "乡镇",
}
FOOTER_WORDS = ("合计", "总计", "共计", "小计", "注:", "注：", "说明", "制表", "填表", "审核")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_OFFICE_SEPARATORS = re.compile(r"[;；,，、/\s]+")


# Text helpers ----------------------------------------------------------------------------


def clean_text(value):
    """A cell as text: spaces (full-width too) collapsed, invisible characters dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    text = str(value).translate(_INVISIBLE)
    return " ".join(text.split())


# Dot variants people type between the parts of a name (阿依古丽·买买提): the bullet, the
# katakana middle dot, the hyphenation point, the dot operators; all become U+00B7 「·」.
NAME_DOTS = "\u00b7\u0387\u2022\u2027\u2219\u22c5\u30fb\uff65\u2e31\u318d\u16eb\u00b7"
_NAME_DOT = re.compile("\\s*[" + NAME_DOTS + "]\\s*")
# Han characters: the unified blocks with extensions A–I, radicals, compatibility ideographs
# and 〇 (Unicode 16 Blocks.txt).
_CJK_RANGES = (
    (0x2E80, 0x2FDF),
    (0x3005, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x323AF),
    (0x2EBF0, 0x2EE5F),
)


def is_han(char):
    """True for a Han character of any block (extension B 𠮷 and compatibility 﨑 too)."""
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _lossless_nfkc(text):
    """NFKC for each character except Han compatibility ideographs, which NFKC would turn
    into a different character (﨑 U+FA11 stays; full-width ＡＢ and １ become AB and 1)."""
    return "".join(ch if is_han(ch) else unicodedata.normalize("NFKC", ch) for ch in text)


def clean_name(value):
    """A name as stored and compared: “张\u3000三”, “王 𠮷”, “欧阳 娜娜” → 张三, 王𠮷, 欧阳娜娜.

    NFKC where it loses nothing, every dot variant as 「·」, and spaces removed wherever they
    touch a Han character or the dot (a padding space typed to line names up). Spaces between
    Latin words stay.
    """
    text = _lossless_nfkc(clean_text(value))
    text = _NAME_DOT.sub("·", text)
    if " " in text:
        parts = text.split(" ")
        text = parts[0]
        for part in parts[1:]:
            if text and part and (_is_cjk(text[-1]) or _is_cjk(part[0])):
                text += part
            else:
                text += " " + part
    return text.strip()


def _is_cjk(char):
    return char == "·" or is_han(char)


def _folded(value):
    """For matching spellings: full-width forms to ASCII, no spaces, lower case."""
    text = unicodedata.normalize("NFKC", clean_text(value))
    return re.sub(r"\s+", "", text).lower()


def _header_key(value):
    return _folded(value).strip("*:")


def chinese_number(text):
    """一 … 九十九 (and plain digits) as an int, or None."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def group_label(number, name=""):
    """How export writes a group: 第3组, with its name when it has one of its own."""
    label = f"第{number}组"
    if name and name != label:
        label += f"（{name}）"
    return label


def offices_label(offices):
    """How export writes public offices: 福安市政协委员;宁德市人大代表."""
    kinds = list(PublicOffice.Kind.values)
    levels = list(PublicOffice.Level.values)
    ordered = sorted(offices, key=lambda o: (kinds.index(o[0]), levels.index(o[1])))
    return ";".join(
        f"{OFFICE_LEVEL_HEADERS[level]}{OFFICE_KIND_HEADERS[kind]}" for kind, level in ordered
    )


# Value parsers: each returns the value or raises ValueError with the reason -------------


def parse_role(value):
    text = _folded(value)
    if not text:
        raise ValueError(_("The federation role is missing."))
    role = ROLE_SPELLINGS.get(text)
    if role is None:
        raise ValueError(
            _(
                "“%(value)s” is not a federation role; write one of 主席, 兼职副主席, 副会长, "
                "常执委 or 执委."
            )
            % {"value": clean_text(value)}
        )
    return role


def parse_gender(value):
    """男/女/男性/女性, M/F, or the GB/T 2261.1 codes 1/2; 0 and 9 (not known) give None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _folded(value)
    if text in ("0", "9", "未知", "未说明"):
        return None
    gender = GENDER_SPELLINGS.get(text)
    if gender is None:
        raise ValueError(_("“%(value)s” is not a gender; write 男 or 女.") % {"value": value})
    return gender


_MOBILE_DIGITS = re.compile(r"1[3-9]\d{9}")
_PHONE_LABEL = re.compile(
    r"(手机号码|手机号|手机|电话|联系电话|移动电话|mobile|tel|phone)[:：]?", re.I
)
_PHONE_SPLIT = re.compile(r"[/／、,，;；|]|\s{2,}|或")


@lru_cache(maxsize=4096)
def _mobile_range_allocated(prefix):
    """Whether mobiles starting with these 7 digits (a 号段) are valid per phonenumbers.

    Mainland mobile ranges are allocated by their first digits (phonenumbers' CN patterns
    look at no more than the first five), so one check per 号段 stands for every number in it;
    10,000 rows then cost a few hundred checks instead of 10,000.
    """
    try:
        validate_mainland_mobile(prefix + "0000")
    except ValidationError:
        return False
    return True


def _mobile_of(token):
    """The 11-digit mainland mobile in one spelling (+86 …, 86-…, 0086 …), or None."""
    digits = normalize_mobile(token)
    digits = re.sub(r"[.\-·]", "", digits)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not _MOBILE_DIGITS.fullmatch(digits):
        return None
    return digits if _mobile_range_allocated(digits[:7]) else None


def parse_mobile(value):
    """A mobile cell → 11 digits, a Warned value, or ValueError.

    Lossless spellings are accepted as they are: a number cell, “13805930112.0”, “+86 138 …”,
    “86-138…”, “0086…”, full-width digits, “手机：138…”, spaces and dashes. A landline, or two
    numbers in one cell, keeps the one mobile (or none) with a warning. A number shown in
    scientific notation (1.38059E+10) has lost digits: that is an error (LostValueError), since
    guessing would match the wrong person.
    """
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("“%(value)s” is not a mobile number.") % {"value": value})
        value = int(value)
    text = unicodedata.normalize("NFKC", clean_text(value))
    if re.fullmatch(r"[\d.]+[eE][+]?\d+", text):
        raise LostValueError(
            _(
                "“%(value)s” lost its digits in scientific notation; format the column as text "
                "and type the 11 digits again."
            )
            % {"value": text}
        )
    text = re.sub(r"^(\d+)\.0+$", r"\1", text)
    bare = _PHONE_LABEL.sub(" ", text).strip()
    mobile = _mobile_of(bare)
    if mobile:
        return mobile
    tokens = [t.strip() for t in _PHONE_SPLIT.split(bare) if t.strip()]
    mobiles = [m for m in map(_mobile_of, tokens) if m]
    others = [t for t in tokens if not _mobile_of(t)]
    if len(mobiles) == 1:
        return Warned(
            mobiles[0],
            _("Kept the mobile %(mobile)s; not imported: %(other)s.")
            % {"mobile": mobiles[0], "other": "、".join(others)},
        )
    if len(mobiles) > 1:
        return Warned(
            None,
            _("The cell holds %(count)s mobiles (%(mobiles)s); none was imported. Keep one.")
            % {"count": len(mobiles), "mobiles": "、".join(mobiles)},
        )
    return Warned(
        None,
        _("“%(value)s” is not a mainland mobile number (a landline?); it was not imported.")
        % {"value": text},
    )


def parse_email(value):
    email = clean_text(value)
    limit = _max_length("email")
    if len(email) > limit:
        raise ValueError(
            _("The e-mail address has %(length)s characters; at most %(max)s fit.")
            % {"length": len(email), "max": limit}
        )
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ValueError(_("“%(value)s” is not an email address.") % {"value": email}) from None
    return email


def parse_group(value):
    """3, 3.0, “3”, “第3组”, “第三组”, “第3组（电机电器组）” → GroupRef; “无” → NO_GROUP."""
    if isinstance(value, bool):
        raise ValueError(_("“%(value)s” is not a group.") % {"value": value})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number, name = value, ""
    else:
        text = unicodedata.normalize("NFKC", clean_text(value))
        if text in NONE_MARKERS:
            return NO_GROUP
        match = re.fullmatch(
            r"(第)?\s*(\d{1,3}|[零〇一二两三四五六七八九十]{1,3})\s*(轮值组|小组|组)?(.*)", text
        )
        rest = match.group(4).strip() if match else ""
        if match and (match.group(1) or match.group(3) or not rest):
            number = chinese_number(match.group(2))
            name = rest.strip(" -—:·、()（）[]【】")
            if number is None:
                raise ValueError(_("“%(value)s” is not a group number.") % {"value": text})
        else:
            # A name alone (电机电器组) is matched against the existing groups later.
            return GroupRef(number=None, name=text)
    if not 1 <= number <= 12:
        raise ValueError(
            _("Group numbers run from 1 to 12; “%(value)s” does not.") % {"value": value}
        )
    return GroupRef(number=number, name=name)


def parse_yes_no(value):
    text = _folded(value)
    if text in YES:
        return True
    if text in NO or not text:
        return False
    raise ValueError(
        _("“%(value)s” is not a yes/no answer; write 是 or leave the cell empty.")
        % {"value": clean_text(value)}
    )


def _office_level(prefix, whole):
    prefix = prefix.strip()
    if not prefix:
        raise ValueError(
            _("“%(value)s” does not say the level; write e.g. 福安市政协委员 or 宁德市人大代表.")
            % {"value": whole}
        )
    if prefix.startswith(("全国", "国家")):
        return PublicOffice.Level.NATIONAL
    if prefix.startswith("宁德"):
        return PublicOffice.Level.PREFECTURE
    if prefix.startswith("福安") or prefix in ("县", "县级", "县级市"):
        return PublicOffice.Level.COUNTY
    if prefix.startswith("福建") or prefix.endswith("省"):
        return PublicOffice.Level.PROVINCIAL
    if prefix in ("乡", "镇", "乡镇", "街道") or prefix.endswith(("镇", "乡", "街道")):
        return PublicOffice.Level.TOWNSHIP
    if prefix == "市":
        raise ValueError(
            _("“%(value)s”: which city? Write 福安市 or 宁德市 before it.") % {"value": whole}
        )
    raise ValueError(
        _("“%(value)s”: the level “%(level)s” is not known.")
        % {
            "value": whole,
            "level": prefix,
        }
    )


def parse_offices(value, kind=None):
    """“福安市政协委员;宁德市人大代表” → {(cppcc, county), (npc, prefecture)}.

    In a column for one kind (人大代表 or 政协委员) a cell may name just the level (福安市).
    """
    text = unicodedata.normalize("NFKC", clean_text(value))
    # “福安市 政协委员” is one seat; spaces elsewhere separate seats like ; and 、 do.
    text = re.sub(r"\s+(?=人大|政协)", "", text)
    offices = set()
    if text in NONE_MARKERS:
        return frozenset()
    for token in _OFFICE_SEPARATORS.split(text):
        if not token or token in NONE_MARKERS:
            continue
        for word, word_kind in OFFICE_KIND_WORDS:
            if word in token:
                offices.add((word_kind, _office_level(token[: token.index(word)], token)))
                break
        else:
            if kind is None:
                raise ValueError(
                    _("“%(value)s” is neither a people's congress nor a CPPCC seat.")
                    % {"value": token}
                )
            if _folded(token) in YES:
                raise ValueError(
                    _("“%(value)s” does not say the level; write e.g. 福安市 or 宁德市.")
                    % {"value": token}
                )
            offices.add((kind, _office_level(token, token)))
    return frozenset(offices)


def parse_term(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = unicodedata.normalize("NFKC", clean_text(value))
        number = chinese_number(re.sub(r"^第|届$", "", text).strip())
    if number is None or not 1 <= number <= 99:
        raise ValueError(
            _("“%(value)s” is not a term; write its number, e.g. 14 or 第十四届.")
            % {"value": value}
        )
    return number


def _max_length(key):
    """The database's length limit for a member field (Member.<key>.max_length)."""
    return Member._meta.get_field(key).max_length


def _text_parser(max_length):
    def parse(value):
        text = clean_text(value)
        if max_length and len(text) > max_length:
            raise ValueError(
                ngettext(
                    "This is %(length)d characters; at most %(max)d character fits.",
                    "This is %(length)d characters; at most %(max)d characters fit.",
                    max_length,
                )
                % {"length": len(text), "max": max_length}
            )
        return text

    return parse


def _name_parser(value):
    name = clean_name(value)
    if len(name) > _max_length("name"):
        raise ValueError(_("A name has at most %(max)s characters.") % {"max": _max_length("name")})
    return name


PARSERS = {
    "name": _name_parser,
    "gender": parse_gender,
    "company": _text_parser(_max_length("company")),
    "position": _text_parser(_max_length("position")),
    "industry": _text_parser(_max_length("industry")),
    "township": _text_parser(_max_length("township")),
    "mobile": parse_mobile,
    "email": parse_email,
    "role": parse_role,
    "group": parse_group,
    "convener": parse_yes_no,
    "offices": parse_offices,
    "offices_npc": lambda v: parse_offices(v, PublicOffice.Kind.DEPUTY),
    "offices_cppcc": lambda v: parse_offices(v, PublicOffice.Kind.CPPCC),
    "term": parse_term,
    "notes": _text_parser(0),
}


# The file -------------------------------------------------------------------------------


def _read_bytes(source):
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            return handle.read(MAX_FILE_SIZE + 1)
    if isinstance(source, bytes):
        return source
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read(MAX_FILE_SIZE + 1)


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


def check_container(data):
    """Refuse what is not a plain .xlsx before openpyxl parses anything; name the format.

    Returns the zip archive. Part names are compared case-insensitively, as Excel does
    (ECMA-376 Part 2 §10.1.2 makes part names case-insensitive).
    """
    if not data:
        raise RosterFileError(_("The file is empty."))
    if len(data) > MAX_FILE_SIZE:
        raise RosterFileError(
            _(
                "The file is larger than %(limit)s, far more than a roster needs. Save the "
                "roster sheet on its own, without pictures, and upload that."
            )
            % {"limit": _megabytes(MAX_FILE_SIZE)}
        )
    if data.startswith(OLE2_SIGNATURE):
        # Excel encrypts a password-protected .xlsx into an OLE2 container with these streams.
        names = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
        if any(name in data for name in names):
            raise RosterFileError(
                _(
                    "This workbook is encrypted with a password. Open it in Excel or WPS, remove "
                    "the password, save it as .xlsx and upload it again."
                )
            )
        raise RosterFileError(
            _(
                "This is an old Excel 97–2003 file (.xls), even if its name ends in .xlsx. Open "
                "it in Excel or WPS, choose File → Save As → Excel Workbook (.xlsx) and upload "
                "that."
            )
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise RosterFileError(_not_a_workbook_message(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise RosterFileError(_corrupt_message()) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise RosterFileError(
            _(
                "The workbook holds %(count)s files inside, far more than a roster needs (it may "
                "be a zip bomb). Save the roster sheet on its own and upload that."
            )
            % {"count": len(entries)}
        )
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_SIZE:
        raise RosterFileError(_unpacked_message())
    names = {entry.filename.lower() for entry in entries}
    if any(name.endswith("vbaproject.bin") for name in names):
        raise RosterFileError(
            _(
                "This workbook contains macros. Save it in Excel or WPS as a plain workbook "
                "(.xlsx, without macros) and upload that."
            )
        )
    if "mimetype" in names and "content.xml" in names:
        raise RosterFileError(
            _(
                "This is an OpenDocument spreadsheet (.ods). Open it in LibreOffice or WPS, "
                "choose File → Save As → Excel 2007-365 (.xlsx) and upload that."
            )
        )
    if "xl/workbook.bin" in names:
        raise RosterFileError(
            _(
                "This is an Excel binary workbook (.xlsb). Open it in Excel, choose File → Save "
                "As → Excel Workbook (.xlsx) and upload that."
            )
        )
    if "xl/workbook.xml" not in names or "[content_types].xml" not in names:
        raise RosterFileError(
            _(
                "This is a zip file but not an Excel workbook. Save the roster from Excel or WPS "
                "as .xlsx and upload that."
            )
        )
    return archive


def _not_a_workbook_message(data):
    """Name what a non-zip upload is: a CSV or text table, a web page, or something else."""
    head = data[:4096]
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is not None:
        lowered = text.lstrip().lower()
        if lowered.startswith(("<html", "<!doctype", "<?xml", "<table")):
            return _(
                "This is a web page or XML table saved with a spreadsheet name, not an Excel "
                "workbook. Open it in Excel or WPS, choose File → Save As → Excel Workbook "
                "(.xlsx) and upload that."
            )
        if any(sep in text for sep in (",", "\t", "，", ";")) and "\x00" not in text:
            return _(
                "This is a CSV or text table, not an Excel workbook. Open it in Excel or WPS, "
                "check the columns, choose File → Save As → Excel Workbook (.xlsx) and upload "
                "that."
            )
    return _(
        "This is not an Excel workbook (.xlsx). Save the roster from Excel or WPS as "
        ".xlsx and upload that."
    )


def _strict_message():
    return _(
        "This workbook is saved as “Strict Open XML Spreadsheet”, which this importer does not "
        "read. Open it in Excel or WPS, choose File → Save As → Excel Workbook (.xlsx) and "
        "upload that."
    )


def _corrupt_message():
    return _(
        "The file is damaged or incomplete (it may have been cut off while copying or "
        "downloading). Open it in Excel or WPS, save it again and upload the new copy."
    )


def _unpacked_message():
    return _(
        "The workbook unpacks to more than %(limit)s, which a roster never needs (it may be a "
        "zip bomb). Save the roster sheet on its own and upload that."
    ) % {"limit": _megabytes(MAX_UNPACKED_SIZE)}


def _unsafe_xml_message():
    return _(
        "The workbook contains XML declarations that are not allowed (as in an XML bomb). Open "
        "it in Excel or WPS, save it again as .xlsx and upload the new copy."
    )


def _caused_by_unsafe_xml(error):
    """openpyxl wraps parser errors (ValueError from …); look down the chain for defusedxml."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DefusedXmlException):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


# Bounds checked on the bytes before any XML is expanded (see docs/benchmarks.md). A real
# roster's styles part is a few KB (Excel's busiest files reach a few hundred); its strings
# and cells follow from MAX_ROWS × MAX_COLUMNS.
MAX_STYLES_SIZE = 1024 * 1024
MAX_STYLE_ENTRIES = 20_000
MAX_STRINGS_SIZE = 16 * 1024 * 1024
MAX_STRINGS = 400_000
MAX_SHEET_SIZE = 48 * 1024 * 1024
MAX_CELLS = 300_000
MAX_SHEET_ROWS = 50_000
_STYLE_TAGS = (b"<xf ", b"<xf>", b"<font>", b"<font ", b"<fill>", b"<border>", b"<border ")
_STYLE_TAGS += (b"<dxf>", b"<numFmt ", b"<cellStyle ")
MINIMAL_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    b'<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    b'<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    b'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    b"</styleSheet>"
)


_DTD_TAGS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def _scan_part(archive, name, limit, tags=(), *, stop_at=None):
    """Inflate a part in 1 MiB chunks without parsing it: (size, count of tags).

    The size is None when it passes `limit` or the count passes `stop_at` (reading stops
    there). A document type declaration (the door to entity bombs) raises RosterFileError
    whichever XML parser openpyxl would use.
    """
    size = 0
    count = 0
    tail = b""
    with archive.open(name) as source:
        while chunk := source.read(1 << 20):
            size += len(chunk)
            if size > limit:
                return None, count
            text = tail + chunk
            if any(tag in text for tag in _DTD_TAGS):
                raise RosterFileError(_unsafe_xml_message())
            count += sum(text.count(tag) for tag in tags) - sum(tail.count(tag) for tag in tags)
            if stop_at is not None and count > stop_at:
                return None, count
            tail = text[-16:]
    return size, count


_PART_NAME = re.compile(rb'PartName="/?([^"]+)"')
_TARGET = re.compile(rb'Target="([^"]+)"')
_TARGET_MODE_EXTERNAL = re.compile(rb'TargetMode="External"')


def _referenced_parts(archive, names_by_lower):
    """The part names the package itself refers to ([Content_Types].xml and every .rels)."""
    referenced = {"[Content_Types].xml", "_rels/.rels"}
    content_types = names_by_lower.get("[content_types].xml")
    if content_types:
        referenced.update(
            m.decode("utf-8", "replace") for m in _PART_NAME.findall(archive.read(content_types))
        )
    for lower, actual in names_by_lower.items():
        if not lower.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(actual))
        for element in re.findall(rb"<[^>]*Relationship\b[^>]*>", archive.read(actual)):
            target = _TARGET.search(element)
            if not target or _TARGET_MODE_EXTERNAL.search(element):
                continue
            value = target.group(1).decode("utf-8", "replace")
            path = value.lstrip("/") if value.startswith("/") else posixpath.join(folder, value)
            referenced.add(posixpath.normpath(path))
    return referenced


def prepare_package(data):
    """Check the container and return (bytes openpyxl can read, notices for the user).

    - Zip part names are matched case-insensitively: an entry spelt xl/SharedStrings.xml is
      renamed to the spelling the package refers to (xl/sharedStrings.xml).
    - Strict Open XML is refused with a message naming it and how to re-save.
    - Styles, shared strings and worksheets are measured by inflating them, without parsing:
      a styles part beyond MAX_STYLES_SIZE / MAX_STYLE_ENTRIES (a "style bomb") is replaced by
      a minimal one (only values are read, never formats); too many strings or cells are
      refused before openpyxl expands anything.
    Raises RosterFileError.
    """
    archive = check_container(data)
    notices = []
    try:
        names_by_lower = {}
        for entry in archive.infolist():
            names_by_lower.setdefault(entry.filename.lower(), entry.filename)
        root_rels = names_by_lower.get("_rels/.rels")
        if root_rels and b"purl.oclc.org/ooxml" in archive.read(root_rels)[:65536]:
            raise RosterFileError(_strict_message())
        renames = {}
        for wanted in _referenced_parts(archive, names_by_lower):
            actual = names_by_lower.get(wanted.lower())
            if actual is not None and actual != wanted:
                renames[actual] = wanted
        replacements = {}
        for lower, actual in names_by_lower.items():
            if lower.startswith("xl/") and lower.endswith("styles.xml"):
                size, _count = _scan_part(
                    archive, actual, MAX_STYLES_SIZE, _STYLE_TAGS, stop_at=MAX_STYLE_ENTRIES
                )
                if size is None:
                    replacements[actual] = MINIMAL_STYLES
                    notices.append(
                        _(
                            "The workbook carries far more cell styles than a roster needs (a "
                            "known fault of some files); its formatting was ignored, its values "
                            "were read."
                        )
                    )
            elif lower.endswith("sharedstrings.xml"):
                size, _count = _scan_part(
                    archive, actual, MAX_STRINGS_SIZE, (b"<si>", b"<si "), stop_at=MAX_STRINGS
                )
                if size is None:
                    raise RosterFileError(_too_big_message())
            elif lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
                size, _cells = _scan_part(
                    archive, actual, MAX_SHEET_SIZE, (b"<c ", b"<c>"), stop_at=MAX_CELLS
                )
                if size is None:
                    raise RosterFileError(_too_big_message())
                _size, _rows = _scan_part(
                    archive, actual, MAX_SHEET_SIZE, (b"<row ", b"<row>"), stop_at=MAX_SHEET_ROWS
                )
                if _size is None:
                    raise RosterFileError(_too_big_message())
            elif lower.endswith((".xml", ".rels", ".vml")):
                if _scan_part(archive, actual, MAX_UNPACKED_SIZE)[0] is None:
                    raise RosterFileError(_unpacked_message())
    except RosterFileError:
        archive.close()
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, KeyError):
        archive.close()
        raise RosterFileError(_corrupt_message()) from None
    if not renames and not replacements:
        return data, archive, notices
    output = io.BytesIO()
    try:
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
            for entry in archive.infolist():
                name = renames.get(entry.filename, entry.filename)
                content = replacements.get(entry.filename)
                target.writestr(name, content if content is not None else archive.read(entry))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError):
        raise RosterFileError(_corrupt_message()) from None
    finally:
        archive.close()
    data = output.getvalue()
    return data, zipfile.ZipFile(io.BytesIO(data)), notices


def _too_big_message():
    return _(
        "The workbook holds more cells or text than a roster of %(rows)s rows can (it may be "
        "damaged or padded). Copy the roster table alone into a new workbook and upload that."
    ) % {"rows": MAX_ROWS}


_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref=\"([A-Z]+\d+:[A-Z]+\d+)\""
)
# A cell formula element <f>…</f> (or <x:f …>); <formula1> of data validations is not one.
_FORMULA_TAG = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)f[\s>/]")
_SAVED_RESULT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>[^<]")
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d{1,7})"')
_FORMULA_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*?(?:/>|>([^<]*)<)")


def _scan_sheet(archive, sheet_path):
    """(merged ranges, whether any cell has a formula), from the sheet's XML bytes.

    Merged ranges are (min_col, min_row, max_col, max_row), 1-based. Read-only mode does not
    expose merged ranges, so they are found by a pattern search over the bytes, which expands
    no entity; the same pass notes formula elements, so a sheet without formulas (nearly
    every roster) is read once.
    """
    ranges = []
    formulas = False
    if not sheet_path:
        return ranges, formulas
    tail = b""
    with archive.open(sheet_path.lstrip("/")) as source:
        while chunk := source.read(1 << 20):
            text = tail + chunk
            formulas = formulas or _FORMULA_TAG.search(text) is not None
            last_end = 0
            for match in _MERGE_CELL.finditer(text):
                last_end = match.end()
                if len(ranges) <= MAX_ROWS * 4:
                    ranges.append(range_boundaries(match.group(1).decode()))
            # Keep the end of the chunk: a tag may straddle two chunks.
            tail = text[max(last_end, len(text) - 512) :]
    return ranges, formulas


def _unsaved_formulas(xml):
    """{row number: {0-based column: "=formula"}} for the formula cells of a sheet's XML
    that carry no saved result (no <v>, or an empty one), or None when such a cell has no
    r="B2" reference (allowed by ECMA-376; then openpyxl must tell the rows apart).

    Searches the bytes around each <f> only: a sheet of 10,000 formulas (=ROW()-2 in 序号,
    as Excel rosters have) costs milliseconds, not a second parse of the sheet.
    """
    found = {}
    for match in _FORMULA_TAG.finditer(xml):
        prefix = match.group(1)
        start = xml.rfind(b"<" + prefix + b"c ", 0, match.start())
        end = xml.find(b"</" + prefix + b"c>", match.end())
        if start < 0 or end < 0:
            continue
        cell = xml[start:end]
        if _SAVED_RESULT.search(cell):
            continue
        ref = _CELL_REF.search(cell, 0, cell.find(b">"))
        if ref is None:
            return None
        text = _FORMULA_TEXT.search(cell, match.start() - start)
        formula = html.unescape((text.group(1) or b"").decode("utf-8", "replace")) if text else ""
        column = column_index_from_string(ref.group(1).decode()) - 1
        found.setdefault(int(ref.group(2)), {})[column] = "=" + formula[:200]
    return found


def _formula_cells(workbook, title):
    """{row number: {0-based column: formula text}} for the formula cells of a sheet, read
    from a workbook opened with data_only=False (there a formula cell's value is “=…”)."""
    found = {}
    worksheet = workbook[title]
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    for number, row in enumerate(rows, start=1):
        cells = {i: v for i, v in enumerate(row) if isinstance(v, str) and v.startswith("=")}
        if cells:
            found[number] = cells
    return found


class _Merges:
    """Merged ranges of a sheet: vertical fills for data cells, horizontal spans per row."""

    def __init__(self, ranges):
        self.fills = {}
        self.spans = {}
        budget = MAX_ROWS * 4
        for min_col, min_row, max_col, max_row in ranges:
            if max_col > min_col:
                self.spans.setdefault(min_row, []).append((min_col, max_col))
            for row in range(min_row + 1, min(max_row, min_row + MAX_ROWS) + 1):
                if budget <= 0:
                    break
                budget -= 1
                self.fills.setdefault(row, []).append((min_col, min_row))
        self.anchor_rows = {}
        for targets in self.fills.values():
            for column, anchor_row in targets:
                self.anchor_rows.setdefault(anchor_row, set()).add(column)
        self.values = {}

    def fill(self, row_number, row, min_anchor_row=1):
        """The row with cells under a vertical merge given the merged area's value."""
        if not self.fills:
            return row
        row = list(row)
        for column in self.anchor_rows.get(row_number, ()):
            if column <= len(row):
                self.values[(row_number, column)] = row[column - 1]
        for column, anchor_row in self.fills.get(row_number, ()):
            if anchor_row < min_anchor_row or column > len(row):
                continue
            if row[column - 1] in (None, ""):
                row[column - 1] = self.values.get((anchor_row, column))
        return row

    def span_of(self, row_number, index):
        """(first, last) 0-based indexes of the horizontal merge holding a cell, or None."""
        for min_col, max_col in self.spans.get(row_number, ()):
            if min_col - 1 <= index <= max_col - 1:
                return min_col - 1, max_col - 1
        return None


@dataclass
class RosterBook:
    """What was read from a workbook: one or more roster sheets, and what was left out.

    `sheets` are the sheets read (active first); `sheets_left` holds (sheet name, reason)
    for the others. The attributes below combine the sheets, for the planner.
    """

    sheets: list
    sheets_left: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    sha256: str = ""

    @property
    def sheet_name(self):
        return "、".join(sheet.sheet_name for sheet in self.sheets)

    @property
    def header_row(self):
        return self.sheets[0].header_row

    @property
    def multiple(self):
        return len(self.sheets) > 1

    @property
    def columns(self):
        merged = {}
        for sheet in self.sheets:
            for key, text in sheet.columns.items():
                merged.setdefault(key, text)
        return merged

    def _each(self, attribute):
        for sheet in self.sheets:
            for item in getattr(sheet, attribute):
                yield sheet, item

    @property
    def records(self):
        return [record for sheet in self.sheets for record in sheet.records]

    @property
    def errors(self):
        return [issue for sheet in self.sheets for issue in sheet.errors]

    @property
    def warnings(self):
        return [issue for sheet in self.sheets for issue in sheet.warnings]

    @property
    def ignored_columns(self):
        if not self.multiple:
            return list(self.sheets[0].ignored_columns)
        return [f"{sheet.sheet_name}·{text}" for sheet, text in self._each("ignored_columns")]

    @property
    def skipped_rows(self):
        if not self.multiple:
            return list(self.sheets[0].skipped_rows)
        return [
            (f"{sheet.sheet_name}·{row}", text) for sheet, (row, text) in self._each("skipped_rows")
        ]

    def to_data(self):
        """Plain JSON-able data, so an upload is parsed once (see from_data)."""
        return {
            "sheets": [sheet.to_data() for sheet in self.sheets],
            "sheets_left": [list(item) for item in self.sheets_left],
            "notices": list(self.notices),
            "sha256": self.sha256,
        }

    @classmethod
    def from_data(cls, data):
        return cls(
            sheets=[RosterSheet.from_data(sheet) for sheet in data["sheets"]],
            sheets_left=[tuple(item) for item in data["sheets_left"]],
            notices=list(data["notices"]),
            sha256=data["sha256"],
        )


def _value_to_data(value):
    if isinstance(value, GroupRef):
        return {"group": [value.number, value.name]}
    if isinstance(value, frozenset):
        return {"offices": sorted([list(o) for o in value])}
    return value


def _value_from_data(value):
    if isinstance(value, dict) and "group" in value:
        return GroupRef(number=value["group"][0], name=value["group"][1])
    if isinstance(value, dict) and "offices" in value:
        return frozenset(tuple(o) for o in value["offices"])
    return value


def _issue_to_data(issue):
    return [issue.row, issue.column, issue.message, issue.sheet]


def read_roster(source):
    """Read a roster workbook (path, bytes or file object) into a RosterBook.

    Visible sheets only, the active one first. Every visible sheet with a roster header row
    is read (its rows carry the sheet's name when there are several); hidden sheets and
    sheets without a header are listed in `sheets_left`. Raises RosterFileError when the
    file as a whole cannot be used; problems with single rows are in `errors` (blocking)
    and `warnings` (the value was left out).
    """
    data = _read_bytes(source)
    digest = hashlib.sha256(data).hexdigest()
    data, archive, notices = prepare_package(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as error:
        archive.close()
        if _caused_by_unsafe_xml(error):
            raise RosterFileError(_unsafe_xml_message()) from None
        # openpyxl raises many kinds of errors for a broken package (KeyError, zlib.error,
        # ParseError, TypeError …); each means the same thing to the user.
        logger.info("Roster workbook could not be opened", exc_info=True)
        raise RosterFileError(_corrupt_message()) from None
    book = RosterBook(sheets=[], notices=notices, sha256=digest)
    unusable = []
    formula_books = []

    def formula_cells(title):
        # Opened only for a sheet with formulas: there data_only=True hides a formula that
        # has no saved result, and this second reading shows the formula itself.
        if not formula_books:
            formula_books.append(
                load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
            )
        return _formula_cells(formula_books[0], title)

    try:
        worksheets = list(workbook.worksheets)
        active = workbook.active
        if active in worksheets and getattr(active, "sheet_state", "visible") == "visible":
            worksheets.remove(active)
            worksheets.insert(0, active)
        for worksheet in worksheets:
            if getattr(worksheet, "sheet_state", "visible") != "visible":
                book.sheets_left.append((worksheet.title, _("hidden sheet, not read")))
                continue
            try:
                sheet = _read_sheet(archive, worksheet, formula_cells)
            except SheetUnusable as error:
                # Another sheet may hold the roster; this one is named with the reason.
                unusable.append(error)
                book.sheets_left.append((worksheet.title, error.message.rstrip("。.")))
                continue
            if sheet is None:
                book.sheets_left.append((worksheet.title, _("no roster header row")))
            else:
                book.sheets.append(sheet)
    except RosterFileError:
        raise
    except Exception as error:
        if _caused_by_unsafe_xml(error):
            raise RosterFileError(_unsafe_xml_message()) from None
        logger.info("Roster sheet could not be read", exc_info=True)
        raise RosterFileError(_corrupt_message()) from None
    finally:
        workbook.close()
        for formula_book in formula_books:
            formula_book.close()
        archive.close()
    if not book.sheets and unusable:
        raise RosterFileError(unusable[0].message)
    if not book.sheets:
        hidden = [
            name for name, reason in book.sheets_left if reason == _("hidden sheet, not read")
        ]
        message = _(
            "No header row found: none of the first %(rows)s rows of a visible sheet has a 姓名 "
            "column together with other roster columns (工作单位, 工商联职务 …). Use the headers "
            "of the template."
        ) % {"rows": HEADER_SCAN_ROWS}
        if hidden:
            message += " " + _(
                "Hidden sheets are never read (%(sheets)s): show the current one and hide or "
                "delete the old ones."
            ) % {"sheets": "、".join(hidden)}
        raise RosterFileError(message)
    if book.multiple:
        for sheet in book.sheets:
            sheet.label_rows()
    if len(book.records) > MAX_ROWS:
        raise RosterFileError(_too_many_rows_message())
    return book


def _too_many_rows_message():
    return _(
        "The workbook has more than %(limit)s member rows, far more than a roster. Check that "
        "the right sheet was saved."
    ) % {"limit": f"{MAX_ROWS:,}".replace(",", "")}


def _match_header(text):
    key = _header_key(text)
    if not key:
        return None
    for candidate in (key, re.sub(r"\(.*?\)", "", key)):
        for column in COLUMNS:
            if candidate in column.aliases:
                return column
    return None


def _header_columns(row):
    """{index: Column} for the cells of a row that are roster headers."""
    found = {}
    for index, value in enumerate(row):
        if isinstance(value, str):
            column = _match_header(value)
            if column is not None:
                found[index] = column
    return found


_SECTION_HEADING = re.compile(
    r"^([一二三四五六七八九十]+|\d+|[（(][一二三四五六七八九十\d]+[)）])[、.．]|[（(]\s*\d+\s*人\s*[)）]$"
)
_SUBTOTAL_WORDS = ("小计", "合计", "总计", "共计")
_COUNT_LINE = re.compile(r"^(共|合计|总计|计)\s*[:：]?\s*\d+\s*(人|名)")
LAYOUT_WORDS = (*FOOTER_WORDS, "备注", "附注", "注", "填报", "填表", "制表人", "审核人", "联系人")
LAYOUT_WORDS += ("附：", "附:", "单位：", "单位:", "日期")
# The template's old example row (until 2026 it sat on the data sheet).
TEMPLATE_EXAMPLES = {("陈某某", "福安市示例电机有限公司")}


def _sheet_group(title):
    """第3组, 3组, 第三组 as a sheet name → GroupRef, else None."""
    text = unicodedata.normalize("NFKC", title).replace(" ", "")
    match = re.fullmatch(r"第?(\d{1,2}|[一二两三四五六七八九十]{1,3})(轮值)?组.*", text)
    if not match:
        return None
    number = chinese_number(match.group(1))
    return GroupRef(number=number) if number and 1 <= number <= 12 else None


class _Rows:
    """The sheet's rows with merges filled in, and one row of look-ahead."""

    def __init__(self, worksheet, merges, formulas=None):
        self.rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        self.merges = merges
        self.formulas = formulas or {}
        self.number = 0
        self.pending = None

    def peek(self):
        if self.pending is None:
            row = next(self.rows, None)
            if row is None:
                return None
            self.pending = list(row)
            # A formula whose result was never saved reads as None: say so instead.
            for index, text in self.formulas.get(self.number + 1, {}).items():
                if index < len(self.pending) and self.pending[index] is None:
                    self.pending[index] = UnsavedFormula(text)
        return self.pending

    def take(self):
        row = self.peek()
        self.pending = None
        if row is not None:
            self.number += 1
        return row


def _read_sheet(archive, worksheet, formula_cells=None):
    """One sheet as a RosterSheet, or None without a header row. Formula cells without a
    saved result are found in the sheet's XML; `formula_cells(title)` ({row: {column index:
    "=…"}}, a second reading by openpyxl) is called only when those cells lack references."""
    worksheet.reset_dimensions()
    # A private attribute, but the only way to the sheet's XML; without it merges stay empty.
    sheet_path = getattr(worksheet, "_worksheet_path", "")
    ranges, has_formulas = _scan_sheet(archive, sheet_path)
    merges = _Merges(ranges)
    formulas = None
    if has_formulas:
        formulas = _unsaved_formulas(archive.read(sheet_path.lstrip("/")))
        if formulas is None and formula_cells is not None:
            formulas = formula_cells(worksheet.title)
    rows = _Rows(worksheet, merges, formulas)

    header = None
    while (row := rows.take()) is not None:
        row = merges.fill(rows.number, row)
        found = _header_columns(row)
        keys = {column.key for column in found.values()}
        if "name" in keys and len(keys) >= 2:
            header = row
            break
        if rows.number >= HEADER_SCAN_ROWS:
            return None
    if header is None:
        return None
    header_row = rows.number
    labels = [clean_text(v) for v in header]
    names = list(labels)

    # Multi-row headers: under a horizontal merge the lowest header row names the column.
    bottom = header_row
    for _level in range(3):
        spans = merges.spans.get(bottom, [])
        spans = [(a - 1, b - 1) for a, b in spans if b > a and b - a + 1 < len(COLUMNS)]
        below = rows.peek()
        if not spans or below is None:
            break
        under = {i for a, b in spans for i in range(a, b + 1)}
        texts = {i: clean_text(v) for i, v in enumerate(below) if clean_text(v)}
        if not texts or not set(texts) <= under | _vertical_from(merges, bottom + 1, header_row):
            break
        rows.take()
        bottom = rows.number
        parents = {(a, b): labels[a] for a, b in spans if a < len(labels)}
        for index, text in texts.items():
            if index in under:
                while len(names) <= index:
                    names.append("")
                    labels.append("")
                parent = next((p for (a, b), p in parents.items() if a <= index <= b), "")
                names[index] = text
                labels[index] = f"{parent}/{text}" if parent and parent != text else text

    sheet = RosterSheet(
        sheet_name=worksheet.title, header_row=header_row, columns={}, ignored_columns=[]
    )
    if bottom != header_row:
        sheet.header_rows = (header_row, bottom)
    used = {}
    for index, text in enumerate(names):
        if not text:
            continue
        label = f"{labels[index]}（{get_column_letter(index + 1)}）"
        column = _match_header(text)
        if column is None or column.key in sheet.columns:
            sheet.ignored_columns.append(label)
            continue
        sheet.columns[column.key] = text
        used[index] = column

    missing = [c.header for c in COLUMNS if c.required and c.key not in sheet.columns]
    if missing:
        raise SheetUnusable(
            _(
                "Required column missing on sheet “%(sheet)s”: %(columns)s. The header row (row "
                "%(row)s) has: %(found)s."
            )
            % {
                "sheet": worksheet.title,
                "columns": "、".join(missing),
                "row": header_row,
                "found": "、".join(t for t in labels if t),
            }
        )
    group = _sheet_group(worksheet.title) if "group" not in sheet.columns else None
    layout = _LayoutRows(sheet, used, merges, names)
    while (row := rows.take()) is not None:
        row_number = rows.number
        # Merges reaching down from the header (a two-line header) are not data.
        row = merges.fill(row_number, row, min_anchor_row=bottom + 1)
        reason = layout.reason(row_number, row)
        if reason == "blank":
            continue
        if reason:
            sheet.skipped_rows.append((row_number, reason))
            continue
        if len(sheet.records) >= MAX_ROWS:
            raise RosterFileError(_too_many_rows_message())
        record = _read_record(sheet, row_number, row, used)
        if group is not None and "group" not in record.values:
            record.values["group"] = group
        if (record.values.get("name"), record.values.get("company")) in TEMPLATE_EXAMPLES:
            sheet.skipped_rows.append(
                (row_number, _("the template's example row (陈某某), not a member"))
            )
            sheet.errors = [e for e in sheet.errors if e.row != row_number]
            sheet.warnings = [e for e in sheet.warnings if e.row != row_number]
            continue
        sheet.records.append(record)
    if not sheet.records:
        raise SheetUnusable(
            _("The sheet “%(sheet)s” has a header row (row %(row)s) but no member rows under it.")
            % {"sheet": worksheet.title, "row": header_row}
        )
    return sheet


def _vertical_from(merges, row_number, anchor_row):
    """Indexes of cells in `row_number` covered by a vertical merge from `anchor_row`."""
    return {c - 1 for c, a in merges.fills.get(row_number, ()) if a <= anchor_row}


class _LayoutRows:
    """Tells member rows from the layout around them (headings, counts, notes, 填报 lines,
    a repeated header). A row with a name or a role is always a member row."""

    def __init__(self, sheet, used, merges, names):
        self.merges = merges
        by_key = {column.key: index for index, column in used.items()}
        self.name_index = by_key["name"]
        self.role_index = by_key["role"]
        first_data = min(i for k, i in by_key.items() if k != "seq")
        self.leading = set(range(first_data)) | ({by_key["seq"]} if "seq" in by_key else set())
        self.header_texts = {_header_key(n) for n in names if n}
        self.header_names = {clean_text(n) for n in names if n}

    def reason(self, row_number, row):
        """ "blank", the skipped text shown to the user, or "" for a member row."""
        texts = [clean_text(v) for v in row]
        filled = [i for i, t in enumerate(texts) if t]
        if not filled:
            return "blank"
        shown = " ".join(texts[i] for i in filled)[:60]
        name = texts[self.name_index] if self.name_index < len(texts) else ""
        role = texts[self.role_index] if self.role_index < len(texts) else ""
        first = texts[filled[0]].replace(" ", "")
        if not role and (first.startswith(FOOTER_WORDS) or _COUNT_LINE.match(first)):
            return shown
        if not name and first.startswith(LAYOUT_WORDS) and filled[0] != self.name_index:
            return shown  # 填报人：… with 联系电话：… under the role column is still a footer
        if not name and not role and any(word in shown for word in _SUBTOTAL_WORDS):
            return shown
        if not role and len(filled) == 1 and _SECTION_HEADING.search(first):
            return shown  # 二、常务执委（3人） typed in the 姓名 column
        if name in self.header_names and role in self.header_names:
            return shown  # the header repeated (printed lists repeat it on every page)
        if name or role:
            return ""
        if sum(_header_key(texts[i]) in self.header_texts for i in filled) >= 2:
            return shown
        span = self.merges.span_of(row_number, filled[0])
        if span and all(span[0] <= i <= span[1] for i in filled):
            return shown
        if all(i in self.leading for i in filled):
            return shown
        if first.startswith(LAYOUT_WORDS) or _SECTION_HEADING.search(first):
            return shown
        return ""


def _value_refused(sheet, row_number, header, column, message, failed, always_error):
    """A cell whose value cannot be read: an error on the row (and `column` added to `failed`)
    when the column is required or `always_error`, else a warning and the value left empty."""
    if column.required or always_error:
        sheet.errors.append(RosterIssue(row_number, header, message))
        failed.add(column.key)
    else:
        sheet.warnings.append(
            RosterIssue(
                row_number,
                header,
                _("%(problem)s Left empty; the rest of the row is imported.")
                % {"problem": message},
            )
        )


def _read_record(sheet, row_number, row, used):
    values = {}
    failed = set()
    for index, column in used.items():
        if column.key == "seq":
            continue
        value = row[index] if index < len(row) else None
        if value is None or (isinstance(value, str) and not clean_text(value)):
            if column.key == "convener":
                values["convener"] = False
            continue
        header = sheet.columns[column.key]
        if isinstance(value, UnsavedFormula):
            message = _(
                "Row %(row)s, “%(column)s” is a formula with no saved result: open the workbook "
                "in Excel and save it before importing, or type the value as text."
            ) % {"row": row_number, "column": header}
            # A required value, or the mobile a person is recognised by: never guessed.
            _value_refused(
                sheet, row_number, header, column, message, failed, column.key == "mobile"
            )
            continue
        try:
            parsed = PARSERS[column.key](value)
        except ValueError as error:
            _value_refused(
                sheet,
                row_number,
                header,
                column,
                str(error),
                failed,
                isinstance(error, LostValueError),
            )
            continue
        if isinstance(parsed, Warned):
            sheet.warnings.append(RosterIssue(row_number, header, parsed.message))
            parsed = parsed.value
        if parsed is None:
            continue
        if column.key.startswith("offices"):
            values["offices"] = values.get("offices", frozenset()) | parsed
        else:
            values[column.key] = parsed
    for key, message in (
        ("name", _("The name is missing.")),
        ("role", _("The federation role is missing.")),
    ):
        if not values.get(key) and key not in failed:
            sheet.errors.append(RosterIssue(row_number, sheet.columns[key], message))
    return RosterRecord(row=row_number, values=values)


# Writing --------------------------------------------------------------------------------


def _safe_cell_text(text):
    return _CONTROL.sub("", str(text))


def write_roster(rows, *, title, note=""):
    """A roster workbook in the import layout. `rows` are dicts keyed by column key."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "执委会成员名册"
    width = len(EXPORT_COLUMNS)
    sheet.cell(row=1, column=1, value=_safe_cell_text(title)).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    if note:
        sheet.cell(row=2, column=1, value=_safe_cell_text(note)).data_type = "s"
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    header_fill = PatternFill("solid", fgColor="F2DCDB")
    for index, column in enumerate(EXPORT_COLUMNS, start=1):
        cell = sheet.cell(row=3, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
    for offset, values in enumerate(rows):
        for index, column in enumerate(EXPORT_COLUMNS, start=1):
            value = values.get(column.key, "")
            if value is None or value == "":
                continue
            cell = sheet.cell(row=4 + offset, column=index)
            if isinstance(value, int) and not isinstance(value, bool):
                cell.value = value
            else:
                # User-supplied text stays text: never a formula, never a number.
                cell.value = _safe_cell_text(value)
                cell.data_type = "s"
    widths = {"name": 10, "company": 30, "position": 14, "role": 12, "mobile": 14, "email": 22}
    widths.update({"group": 18, "offices": 28, "notes": 24, "industry": 14, "township": 12})
    for index, column in enumerate(EXPORT_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(column.key, 8)
    sheet.freeze_panes = "C4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# The template ---------------------------------------------------------------------------

TEMPLATE_COLUMNS = (
    ("seq", "序号"),
    ("name", "姓名"),
    ("gender", "性别"),
    ("company", "工作单位"),
    ("position", "单位职务"),
    ("role", "工商联职务"),
    ("industry", "所属行业"),
    ("township", "所在乡镇"),
    ("mobile", "联系电话"),
    ("email", "电子邮箱"),
    ("group", "轮值组"),
    ("convener", "召集人"),
    ("offices_npc", "人大代表"),
    ("offices_cppcc", "政协委员"),
    ("term", "届别"),
    ("notes", "备注"),
)
TEMPLATE_ROWS = 500


def _template_prompts():
    return {
        "name": _("Required. The person's name as on their ID card, e.g. 陈某某."),
        "gender": _("男 or 女."),
        "company": _("Required. The company's full name."),
        "role": _("Required. Choose from the list."),
        "mobile": _("11-digit mobile; one number per cell. Used to recognise the person."),
        "email": _("Optional."),
        "group": _("第1组 to 第12组; leave empty for no group."),
        "convener": _("是 for the group's convener (vice-chairs and vice-presidents only)."),
        "offices_npc": _("The level of the people's congress, if a deputy."),
        "offices_cppcc": _("The level of the CPPCC, if a member."),
        "term": _("The term's number, e.g. 14."),
    }


def write_roster_template(*, example, notes):
    """The empty roster template (.xlsx bytes): a data sheet and a 说明 sheet.

    The data sheet (active) holds only the header row, with drop-down lists (Excel data
    validation) for 工商联职务, 轮值组, 召集人, 性别 and the 人大/政协 levels and an input message
    per column. The 说明 sheet lists each column with `example` (a dict by column key) and
    `notes` (lines of text); it has no header row, so it is never read as a roster.
    """
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "执委会成员名册"
    prompts = _template_prompts()
    header_fill = PatternFill("solid", fgColor="F2DCDB")
    levels = ",".join(OFFICE_LEVEL_HEADERS.values())
    lists = {
        "role": ",".join(ROLE_HEADERS.values()),
        "group": ",".join(f"第{n}组" for n in range(1, 13)),
        "convener": "是,否",
        "gender": "男,女",
        "offices_npc": levels,
        "offices_cppcc": levels,
    }
    for index, (key, header) in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        letter = get_column_letter(index)
        area = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if key in lists:
            validation = DataValidation(
                type="list", formula1=f'"{lists[key]}"', allow_blank=True, errorStyle="warning"
            )
            validation.error = _("Choose a value from the list.")
        elif key in prompts:
            validation = DataValidation(allow_blank=True)
        else:
            validation = None
        if validation is not None:
            validation.promptTitle = header
            validation.prompt = prompts.get(key, _("Choose from the list."))
            validation.showInputMessage = True
            validation.showErrorMessage = key in lists
            sheet.add_data_validation(validation)
            validation.add(area)
        if key == "mobile":
            # Text, so Excel never shows a mobile as 1.38059E+10.
            sheet.column_dimensions[letter].number_format = "@"
    widths = {"name": 10, "company": 30, "position": 14, "role": 12, "mobile": 14, "email": 22}
    widths.update({"group": 10, "notes": 24, "industry": 14, "township": 12})
    widths.update({"offices_npc": 10, "offices_cppcc": 10})
    for index, (key, _header) in enumerate(TEMPLATE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(key, 8)
    sheet.freeze_panes = "C2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    guide = workbook.create_sheet("说明")
    guide.page_setup.orientation = "landscape"
    guide.page_setup.fitToWidth = 1
    guide.page_setup.fitToHeight = 0
    guide.sheet_properties.pageSetUpPr.fitToPage = True
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 30
    guide.column_dimensions["C"].width = 60
    guide.append([_safe_cell_text(line) for line in (notes[0],)])
    guide["A1"].font = Font(bold=True, size=13)
    for line in notes[1:]:
        guide.append([_safe_cell_text(line)])
        row = guide.max_row
        guide.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        guide.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        guide.row_dimensions[row].height = 32
    guide.append([])
    guide.append([_("Column"), _("Example"), _("How to fill it in")])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for key, header in TEMPLATE_COLUMNS:
        value = example.get(key, "")
        row = [header, _safe_cell_text(value) if value != "" else "", prompts.get(key, "")]
        guide.append(row)
        guide.cell(row=guide.max_row, column=2).data_type = "s"
        guide.cell(row=guide.max_row, column=3).alignment = Alignment(wrap_text=True)
    workbook.active = 0
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
