"""Reading and writing roster workbooks (执委会成员名册) as offices keep them in Excel.

Pure functions: a workbook in, plain data out (and back). Nothing here touches the database;
matching rows to members and writing them is activities.roster.planner's job.

Reading is defensive because the file comes from outside: the size, the zip container and
its unpacked size are checked before any XML is parsed, macro workbooks are refused, and the
XML itself is parsed by defusedxml (openpyxl uses it when it is installed), in read-only mode
with the sheet's real size rather than the size the file declares.
"""

import datetime
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries

from members.models import FederationRole, Gender, PublicOffice
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


@dataclass(frozen=True)
class RosterIssue:
    """Something wrong with one row (or the sheet, when row is None), in the user's words."""

    row: int | None
    column: str
    message: str


@dataclass(frozen=True)
class GroupRef:
    """A rotation group as the roster names it: by number (第3组), or by name only."""

    number: int | None
    name: str = ""


NO_GROUP = GroupRef(number=None, name="")


@dataclass
class RosterRecord:
    """One person's row. `values` holds only the columns the sheet has and the cell filled."""

    row: int
    values: dict


@dataclass
class RosterSheet:
    sheet_name: str
    header_row: int
    columns: dict  # field key -> header text as written in the file
    ignored_columns: list  # header texts (with column letters) that were not used
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    skipped_rows: list = field(default_factory=list)  # (row, text) of footers and notes


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

GENDER_SPELLINGS = {
    "男": Gender.MALE,
    "女": Gender.FEMALE,
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


def clean_name(value):
    """Names typed as “王  五” to line up with three-character names lose the padding."""
    text = clean_text(value)
    if " " in text and all(_is_cjk(ch) for ch in text.replace(" ", "")):
        text = text.replace(" ", "")
    return text


def _is_cjk(char):
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or char == "·"


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
    gender = GENDER_SPELLINGS.get(_folded(value))
    if gender is None:
        raise ValueError(_("“%(value)s” is not a gender; write 男 or 女.") % {"value": value})
    return gender


def parse_mobile(value):
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("“%(value)s” is not a mobile number.") % {"value": value})
        value = int(value)
    text = clean_text(value)
    if re.fullmatch(r"[\d.]+[eE][+]?\d+", text):
        raise ValueError(
            _(
                "“%(value)s” lost its digits in scientific notation; format the column as text "
                "and type the 11 digits again."
            )
            % {"value": text}
        )
    mobile = normalize_mobile(unicodedata.normalize("NFKC", text))
    try:
        validate_mainland_mobile(mobile)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    return mobile


def parse_email(value):
    email = clean_text(value)
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
    if len(name) > 50:
        raise ValueError(_("A name has at most 50 characters."))
    return name


PARSERS = {
    "name": _name_parser,
    "gender": parse_gender,
    "company": _text_parser(200),
    "position": _text_parser(100),
    "industry": _text_parser(100),
    "township": _text_parser(100),
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
    """Refuse what is not a plain .xlsx before openpyxl parses anything."""
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
                "it in Excel or WPS, save it as an Excel workbook (.xlsx) and upload that."
            )
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise RosterFileError(
            _(
                "This is not an Excel workbook (.xlsx). Save the roster from Excel or WPS as "
                ".xlsx and upload that."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise RosterFileError(_corrupt_message()) from None
    names = {entry.filename for entry in entries}
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
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise RosterFileError(
            _(
                "This workbook contains macros. Save it in Excel or WPS as a plain workbook "
                "(.xlsx, without macros) and upload that."
            )
        )
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise RosterFileError(
            _(
                "This is a zip file but not an Excel workbook. Save the roster from Excel or WPS "
                "as .xlsx and upload that."
            )
        )
    return archive


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


_MERGE_CELL = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?\bref=\"([A-Z]+\d+:[A-Z]+\d+)\""
)


def _merged_fills(archive, sheet_path):
    """Cells covered by a vertical merge: {row: [(column, anchor row), ...]}.

    Offices merge the group column over a group's rows; read-only mode does not expose
    merged ranges, so they are found in the sheet's XML. A pattern search over the bytes
    expands no entity and costs a fraction of a second XML parse.
    """
    fills = {}
    if not sheet_path:
        return fills
    budget = MAX_ROWS * 4
    tail = b""
    with archive.open(sheet_path.lstrip("/")) as source:
        while chunk := source.read(1 << 20):
            text = tail + chunk
            last_end = 0
            for match in _MERGE_CELL.finditer(text):
                last_end = match.end()
                min_col, min_row, _max_col, max_row = range_boundaries(match.group(1).decode())
                for row in range(min_row + 1, min(max_row, min_row + MAX_ROWS) + 1):
                    if budget <= 0:
                        return fills
                    budget -= 1
                    fills.setdefault(row, []).append((min_col, min_row))
            # Keep the end of the chunk: a tag may straddle two chunks.
            tail = text[max(last_end, len(text) - 512) :]
    return fills


class _MergeFiller:
    """Gives the cells under a vertical merge the value shown in the merged area."""

    def __init__(self, fills):
        self.fills = fills
        self.anchor_rows = {}
        for targets in fills.values():
            for column, anchor_row in targets:
                self.anchor_rows.setdefault(anchor_row, set()).add(column)
        self.values = {}

    def __call__(self, row_number, row, min_anchor_row=1):
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


def read_roster(source):
    """Read a roster workbook (path, bytes or file object) into a RosterSheet.

    Raises RosterFileError when the file as a whole cannot be used; problems with single
    rows are collected in RosterSheet.errors.
    """
    data = _read_bytes(source)
    archive = check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as error:
        if _caused_by_unsafe_xml(error):
            raise RosterFileError(_unsafe_xml_message()) from None
        # openpyxl raises many kinds of errors for a broken package (KeyError, zlib.error,
        # ParseError, TypeError …); each means the same thing to the user.
        logger.info("Roster workbook could not be opened", exc_info=True)
        raise RosterFileError(_corrupt_message()) from None
    try:
        for worksheet in workbook.worksheets:
            sheet = _read_sheet(archive, worksheet)
            if sheet is not None:
                return sheet
    except RosterFileError:
        raise
    except Exception as error:
        if _caused_by_unsafe_xml(error):
            raise RosterFileError(_unsafe_xml_message()) from None
        logger.info("Roster sheet could not be read", exc_info=True)
        raise RosterFileError(_corrupt_message()) from None
    finally:
        workbook.close()
        archive.close()
    raise RosterFileError(
        _(
            "No header row found: none of the first %(rows)s rows has a 姓名 column together "
            "with other roster columns (工作单位, 工商联职务 …). Use the headers of the template."
        )
        % {"rows": HEADER_SCAN_ROWS}
    )


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


def _read_sheet(archive, worksheet):
    worksheet.reset_dimensions()
    # A private attribute, but the only way to the sheet's XML; without it merges stay empty.
    with_fills = _MergeFiller(_merged_fills(archive, getattr(worksheet, "_worksheet_path", "")))
    rows = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)

    header_row = None
    header = {}
    for row_number, row in enumerate(rows, start=1):
        row = with_fills(row_number, row)
        found = _header_columns(row)
        keys = {column.key for column in found.values()}
        if "name" in keys and len(keys) >= 2:
            header_row, header = row_number, (row, found)
            break
        if row_number >= HEADER_SCAN_ROWS:
            return None
    if header_row is None:
        return None

    header_cells, found = header
    sheet = RosterSheet(
        sheet_name=worksheet.title, header_row=header_row, columns={}, ignored_columns=[]
    )
    used = {}
    for index, value in enumerate(header_cells):
        text = clean_text(value)
        if not text:
            continue
        label = f"{text}（{get_column_letter(index + 1)}）"
        column = found.get(index)
        if column is None or column.key in sheet.columns:
            sheet.ignored_columns.append(label)
            continue
        sheet.columns[column.key] = text
        used[index] = column

    missing = [c.header for c in COLUMNS if c.required and c.key not in sheet.columns]
    if missing:
        raise RosterFileError(
            _("Required column missing: %(columns)s. The header row (row %(row)s) has: %(found)s.")
            % {
                "columns": "、".join(missing),
                "row": header_row,
                "found": "、".join(clean_text(v) for v in header_cells if clean_text(v)),
            }
        )

    data_rows = 0
    for row_number, row in enumerate(rows, start=header_row + 1):
        # Merges reaching down from the header (a two-line header) are not data.
        row = with_fills(row_number, row, min_anchor_row=header_row + 1)
        texts = [clean_text(v) for v in row]
        filled = [t for t in texts if t]
        if not filled:
            continue
        if _is_footer(texts):
            sheet.skipped_rows.append((row_number, filled[0][:40]))
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise RosterFileError(
                _(
                    "The sheet has more than %(limit)s member rows, far more than a roster. "
                    "Check that the right sheet was saved."
                )
                % {"limit": f"{MAX_ROWS:,}".replace(",", "")}
            )
        sheet.records.append(_read_record(sheet, row_number, row, used))
    if not sheet.records:
        raise RosterFileError(
            _("The sheet has a header row (row %(row)s) but no member rows under it.")
            % {"row": header_row}
        )
    return sheet


def _is_footer(texts):
    """合计 132 人, 注：…, 制表：… — lines under the table that are not people."""
    first = next(t for t in texts if t)
    return first.replace(" ", "").startswith(FOOTER_WORDS)


def _read_record(sheet, row_number, row, used):
    values = {}
    failed = set()
    for index, column in used.items():
        if column.key == "seq":
            continue
        value = row[index] if index < len(row) else None
        if clean_text(value) == "":
            if column.key == "convener":
                values["convener"] = False
            continue
        try:
            parsed = PARSERS[column.key](value)
        except ValueError as error:
            sheet.errors.append(RosterIssue(row_number, sheet.columns[column.key], str(error)))
            failed.add(column.key)
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
