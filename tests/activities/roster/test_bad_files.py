"""Every kind of bad file gets one clear message and changes nothing, in the browser and in
the command."""

import io
import os
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from members.roster import MAX_FILE_SIZE, MAX_UNPACKED_SIZE, RosterFileError, read_roster
from tests.activities.roster.conftest import table_counts
from tests.members.roster_workbooks import (
    ole2_bytes,
    person,
    rezip,
    roster_bytes,
    workbook_bytes,
)

BILLION_LAUGHS = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">
<si><t>&lol9;</t></si></sst>"""


def _good():
    return roster_bytes(3)


def _truncated():
    data = _good()
    return data[: len(data) // 2]


def _corrupt():
    """Central directory intact, compressed data scrambled."""
    data = bytearray(_good())
    start = data.index(b"xl/worksheets/sheet1.xml") + 40
    data[start : start + 200] = bytes(range(200))
    return bytes(data)


def _zip_bomb():
    return rezip(_good(), add={"xl/media/image1.png": b"\0" * (MAX_UNPACKED_SIZE + 1)})


def _many_entries():
    return rezip(_good(), add={f"xl/media/image{n}.png": b"x" for n in range(600)})


def _xml_bomb_workbook():
    workbook = BILLION_LAUGHS.replace("<sst", "<workbook").replace("</sst>", "</workbook>")
    return rezip(_good(), replace={"xl/workbook.xml": workbook})


def _xml_bomb_styles():
    styles = BILLION_LAUGHS.replace("<sst", "<styleSheet").replace("</sst>", "</styleSheet>")
    return rezip(_good(), replace={"xl/styles.xml": styles})


def _xml_bomb_sheet():
    sheet = BILLION_LAUGHS.replace("<sst", "<worksheet").replace("</sst>", "</worksheet>")
    return rezip(_good(), replace={"xl/worksheets/sheet1.xml": sheet})


def _docx():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return output.getvalue()


def _too_many_rows():
    headers = ["姓名", "工作单位", "工商联职务"]
    rows = [
        {"姓名": f"成员{n}", "工作单位": f"公司{n}", "工商联职务": "执委"} for n in range(10_001)
    ]
    return workbook_bytes(rows, headers)


def _oversize():
    # Random bytes do not compress: a real 5 MB+ zip, refused before it is opened.
    return b"PK\x03\x04" + os.urandom(MAX_FILE_SIZE)


def _no_header():
    return workbook_bytes([{"A": "甲", "B": "乙"}], headers=["A", "B"], title_rows=["名册"])


def _missing_role_column():
    return workbook_bytes([person(1)], headers=["序号", "姓名", "工作单位", "联系电话"])


def _header_only():
    return workbook_bytes([], title_rows=["名册"], footer_rows=[["合计", "0人"]])


BAD_FILES = {
    "empty": (lambda: b"", "文件是空的"),
    "csv text": (lambda: "姓名,工作单位\n甲,乙\n".encode(), "不是 Excel 工作簿"),
    "renamed xls": (lambda: ole2_bytes(["Workbook", "SummaryInformation"]), "97–2003"),
    "password protected": (lambda: ole2_bytes(["EncryptionInfo", "EncryptedPackage"]), "密码"),
    "truncated zip": (_truncated, "损坏"),
    "corrupt zip": (_corrupt, "损坏"),
    "macro workbook": (lambda: rezip(_good(), add={"xl/vbaProject.bin": b"\0" * 64}), "宏"),
    "zip bomb": (_zip_bomb, "压缩炸弹"),
    "too many zip entries": (_many_entries, "压缩炸弹"),
    "xml bomb in the workbook part": (_xml_bomb_workbook, "XML 炸弹"),
    "xml bomb in styles": (_xml_bomb_styles, "XML 炸弹"),
    "xml bomb in sheet": (_xml_bomb_sheet, "XML 炸弹"),
    "word document": (_docx, "不是 Excel 工作簿"),
    "more than 10000 rows": (_too_many_rows, "10000"),
    "over the size limit": (_oversize, "5.0 MB"),
    "no header row": (_no_header, "找不到表头行"),
    "required column missing": (_missing_role_column, "缺少必需的列：工商联职务"),
    "no member rows": (_header_only, "没有成员行"),
}


@pytest.fixture(scope="module")
def bad_files():
    return {name: (build(), expected) for name, (build, expected) in BAD_FILES.items()}


@pytest.fixture
def existing_roster(staff_user, group1):
    """Members with offices, groups and history that a bad file must leave alone."""
    from activities.roster.planner import plan_file, roster_apply

    roster_apply(plan=plan_file(roster_bytes(12)), by=staff_user)
    return table_counts()


@pytest.mark.parametrize("case", BAD_FILES)
def test_reading_a_bad_file_gives_one_clear_message(case, bad_files):
    data, expected = bad_files[case]
    with pytest.raises(RosterFileError) as raised:
        read_roster(data)
    assert expected in raised.value.message


@pytest.mark.parametrize("case", BAD_FILES)
def test_uploading_a_bad_file_changes_nothing(case, bad_files, staff_client, existing_roster):
    data, expected = bad_files[case]
    upload = io.BytesIO(data)
    upload.name = "名册.xlsx"
    response = staff_client.post(reverse("roster:roster_import"), {"file": upload})

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert expected in errors[0]
    assert expected in response.content.decode()
    assert table_counts() == existing_roster
    assert "roster_import" not in staff_client.session


@pytest.mark.parametrize("case", BAD_FILES)
def test_the_command_refuses_a_bad_file_and_changes_nothing(
    case, bad_files, existing_roster, tmp_path
):
    data, expected = bad_files[case]
    path = tmp_path / "名册.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=expected.replace(".", r"\.")):
        call_command("import_roster", str(path), stdout=io.StringIO())
    assert table_counts() == existing_roster


def test_no_upload_is_kept_for_a_bad_file(staff_client, settings, bad_files):
    upload = io.BytesIO(bad_files["macro workbook"][0])
    upload.name = "名册.xlsm"
    staff_client.post(reverse("roster:roster_import"), {"file": upload})
    kept = (
        os.listdir(settings.ROSTER_UPLOAD_DIR) if os.path.isdir(settings.ROSTER_UPLOAD_DIR) else []
    )
    assert kept == []
