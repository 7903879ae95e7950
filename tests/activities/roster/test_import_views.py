"""Upload → preview → confirm in the browser's requests, and who may do it."""

import io
import os
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import GroupMembership
from members.models import Member
from tests.activities.roster.conftest import table_counts
from tests.factories import MemberFactory
from tests.members.roster_workbooks import person, seed_roster_bytes, workbook_bytes

IMPORT = reverse("roster:roster_import")
PREVIEW = reverse("roster:roster_import_preview")
EXPORT = reverse("roster:roster_export")
TEMPLATE = reverse("roster:roster_template")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, data, name="名册.xlsx", **extra):
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(IMPORT, {"file": upload, **extra})


@pytest.mark.parametrize("url", [IMPORT, PREVIEW, EXPORT, TEMPLATE])
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("staff_client", {IMPORT: 200, PREVIEW: 302, EXPORT: 200, TEMPLATE: 200}),
        ("leader_client", 403),
        ("convener_client", 403),
        ("member_client", 403),
    ],
)
def test_only_staff_may_import_or_export(request, url, role, expected):
    client = request.getfixturevalue(role)
    status = expected[url] if isinstance(expected, dict) else expected
    assert client.get(url).status_code == status


@pytest.mark.parametrize("url", [IMPORT, PREVIEW, EXPORT, TEMPLATE])
def test_anonymous_users_are_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["leader_client", "convener_client", "member_client"])
def test_others_cannot_post_a_roster(request, role):
    client = request.getfixturevalue(role)
    before = table_counts()
    assert _upload(client, seed_roster_bytes(5)).status_code == 403
    assert client.post(PREVIEW, {"confirm": "1"}).status_code == 403
    assert table_counts() == before


def test_upload_preview_confirm(staff_client, staff_user, settings):
    existing = MemberFactory(name="林建国", company="旧公司", mobile="13500000000")
    response = _upload(staff_client, seed_roster_bytes(12))
    assert response.status_code == 302 and response.url == PREVIEW
    assert Member.objects.count() == 1  # nothing written by the upload
    # The workbook and the rows read from it (parsed once, reused by preview and confirm).
    assert sorted(p.rsplit(".", 1)[1] for p in os.listdir(settings.ROSTER_UPLOAD_DIR)) == [
        "json",
        "xlsx",
    ]

    response = staff_client.get(PREVIEW)
    plan = response.context["plan"]
    assert response.status_code == 200
    assert (len(plan.created), len(plan.updated), len(plan.new_groups)) == (11, 1, 11)
    page = response.content.decode()
    assert "旧公司" in page and "福安市示例1号实业有限公司" in page
    assert 'id="roster-confirm"' in page
    assert Member.objects.count() == 1  # nor by the preview

    response = staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": plan.fingerprint()})
    assert response.status_code == 302
    assert Member.objects.count() == 12
    existing.refresh_from_db()
    assert existing.company == "福安市示例1号实业有限公司"
    assert existing.history.first().history_user == staff_user
    assert os.listdir(settings.ROSTER_UPLOAD_DIR) == []
    assert "roster_import" not in staff_client.session
    follow = staff_client.get(response.url)
    assert "11" in follow.content.decode()

    # Confirming twice does nothing more.
    again = staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": plan.fingerprint()})
    assert again.status_code == 302 and again.url == IMPORT
    assert Member.objects.count() == 12


def test_confirm_writes_only_the_plan_that_was_shown(staff_client):
    _upload(staff_client, workbook_bytes([person(1), person(2)]))
    shown = staff_client.get(PREVIEW).context["plan"].fingerprint()
    MemberFactory(name="成员0001", company="福安市示例1号电机有限公司", mobile="13900000001")
    before = table_counts()

    response = staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": shown})
    assert response.status_code == 302 and response.url == PREVIEW
    assert table_counts() == before
    fresh = staff_client.get(PREVIEW).context["plan"]
    assert fresh.rows[0].member is not None and len(fresh.created) == 1


def test_a_forged_fingerprint_writes_nothing(staff_client):
    _upload(staff_client, workbook_bytes([person(1)]))
    before = table_counts()
    staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": "0" * 64})
    assert table_counts() == before


def test_a_roster_with_errors_shows_them_and_cannot_be_confirmed(staff_client):
    rows = [person(1), person(2, 工商联职务="理事"), person(3, 联系电话="1.39E+10")]
    _upload(staff_client, workbook_bytes(rows))
    response = staff_client.get(PREVIEW)
    plan = response.context["plan"]
    page = response.content.decode()
    assert [(e.row, e.column) for e in plan.errors] == [(3, "工商联职务"), (4, "联系电话")]
    assert "理事" in page and "1.39E+10" in page
    assert 'id="roster-confirm"' not in page
    before = table_counts()
    staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": plan.fingerprint()})
    assert table_counts() == before


def test_archive_missing_is_shown_and_done_only_when_asked(staff_client, group1):
    leaving = MemberFactory(name="离任者", mobile="13500000099")
    GroupMembership.objects.create(member=leaving, group=group1)
    _upload(staff_client, workbook_bytes([person(1)]))
    plan = staff_client.get(PREVIEW).context["plan"]
    assert plan.to_archive == []

    _upload(staff_client, workbook_bytes([person(1)]), archive_missing="on")
    response = staff_client.get(PREVIEW)
    plan = response.context["plan"]
    assert plan.to_archive == [leaving]
    assert "离任者" in response.content.decode()
    staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": plan.fingerprint()})
    leaving.refresh_from_db()
    assert leaving.is_archived


def test_cancel_forgets_the_upload(staff_client, settings):
    _upload(staff_client, workbook_bytes([person(1)]))
    response = staff_client.post(PREVIEW, {"cancel": "1"})
    assert response.status_code == 302
    assert os.listdir(settings.ROSTER_UPLOAD_DIR) == []
    assert Member.objects.count() == 0


def test_a_tampered_session_token_reads_no_file(staff_client, tmp_path):
    secret = tmp_path / "secret.xlsx"
    secret.write_bytes(seed_roster_bytes(3))
    session = staff_client.session
    session["roster_import"] = {"token": "../secret", "archive_missing": False}
    session.save()
    response = staff_client.get(PREVIEW)
    assert response.status_code == 302 and response.url == IMPORT
    assert Member.objects.count() == 0


def test_export_is_an_xlsx_attachment_with_the_roster(staff_client):
    MemberFactory(name="林建国", mobile="13900000001")
    response = staff_client.get(EXPORT)
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    # A Chinese file name (RFC 5987) and a formal table: header on row 4, data from row 5.
    assert "执委会成员名册_" in unquote(response["Content-Disposition"])
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=4, column=2).value == "姓名"
    assert sheet.cell(row=5, column=2).value == "林建国"


def test_template_downloads(staff_client):
    response = staff_client.get(TEMPLATE)
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet.cell(row=1, column=2).value == "姓名"
    assert sheet.max_row == 1
    assert workbook.sheetnames[1] == "说明"


@pytest.mark.parametrize("size", [10, 40])
def test_preview_query_budget(staff_client, size, django_assert_max_num_queries):
    for n in range(1, size + 1):
        MemberFactory(
            name=f"成员{n:04d}", company=f"福安市示例{n}号电机有限公司", mobile=f"1390{n:07d}"
        )
    _upload(staff_client, workbook_bytes([person(n) for n in range(1, size + 1)]))
    with django_assert_max_num_queries(12):
        assert staff_client.get(PREVIEW).status_code == 200


def test_the_file_is_parsed_once_per_upload(staff_client, monkeypatch):
    import activities.roster.import_views as views
    import members.roster

    calls = []
    real = members.roster.read_roster

    def counting(source):
        calls.append(1)
        return real(source)

    monkeypatch.setattr(views, "read_roster", counting)
    _upload(staff_client, workbook_bytes([person(1), person(2)]))
    plan = staff_client.get(PREVIEW).context["plan"]
    staff_client.get(PREVIEW)
    staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": plan.fingerprint()})
    assert Member.objects.count() == 2
    assert len(calls) == 1


def test_rows_parsed_from_another_file_are_not_trusted(staff_client, settings):
    """The stored rows are used only with the file whose SHA-256 they carry."""
    _upload(staff_client, workbook_bytes([person(1)]))
    token = staff_client.session["roster_import"]["token"]
    folder = settings.ROSTER_UPLOAD_DIR
    with open(os.path.join(folder, f"{token}.xlsx"), "wb") as handle:
        handle.write(workbook_bytes([person(1), person(2), person(3)]))
    plan = staff_client.get(PREVIEW).context["plan"]
    assert len(plan.created) == 3


def test_a_long_e_mail_is_a_warning_in_the_preview_not_a_500_on_confirm(staff_client):
    email = "x" * 260 + "@example.com"
    headers = ["姓名", "工作单位", "工商联职务", "联系电话", "电子邮箱"]
    _upload(staff_client, workbook_bytes([person(1, 电子邮箱=email)], headers))
    response = staff_client.get(PREVIEW)
    plan = response.context["plan"]
    assert plan.errors == []
    assert [(w.row, w.column) for w in plan.warnings] == [(2, "电子邮箱")]
    assert "272" in response.content.decode()
    confirmed = staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": plan.fingerprint()})
    assert confirmed.status_code == 302
    assert Member.objects.get().email == ""


@pytest.mark.parametrize(
    ("column", "field", "length", "blocks"),
    [
        ("工作单位", "company", 201, True),
        ("姓名", "name", 51, True),
        ("单位职务", "position", 101, False),
        ("所属行业", "industry", 101, False),
        ("所在乡镇", "township", 101, False),
    ],
)
def test_every_database_length_limit_is_checked_in_the_preview(
    staff_client, column, field, length, blocks
):
    """Required columns block with an error; optional ones warn and are left empty."""
    before = table_counts()
    headers = ["姓名", "工作单位", "单位职务", "工商联职务", "所属行业", "所在乡镇"]
    _upload(staff_client, workbook_bytes([person(1, **{column: "长" * length})], headers))
    plan = staff_client.get(PREVIEW).context["plan"]
    assert [(i.row, i.column) for i in plan.errors + plan.warnings] == [(2, column)]
    assert plan.ok is not blocks
    response = staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": plan.fingerprint()})
    assert response.status_code == 302
    if blocks:
        assert table_counts() == before
    else:
        assert getattr(Member.objects.get(), field) == ""


def test_group_sheets_are_all_read_and_named_in_the_preview(staff_client):
    from openpyxl import Workbook

    from tests.members.roster_workbooks import save

    wb = Workbook()
    wb.remove(wb.active)
    for title, name in (("第1组", "甲"), ("第2组", "乙")):
        ws = wb.create_sheet(title)
        ws.append(["姓名", "工作单位", "工商联职务"])
        ws.append([name, f"{name}公司", "执委"])
    old = wb.create_sheet("上届名单")
    old.append(["姓名", "工作单位", "工商联职务"])
    old.append(["丙", "丙公司", "执委"])
    old.sheet_state = "hidden"
    _upload(staff_client, save(wb))
    response = staff_client.get(PREVIEW)
    page = response.content.decode()
    assert "第1组" in page and "第2组" in page and "上届名单" in page
    plan = response.context["plan"]
    assert [(r.place, r.name, r.group_number) for r in plan.created] == [
        ("第1组·2", "甲", 1),
        ("第2组·2", "乙", 2),
    ]
    staff_client.post(PREVIEW, {"confirm": "1", "fingerprint": plan.fingerprint()})
    assert sorted(Member.objects.values_list("name", flat=True)) == ["乙", "甲"]
    assert GroupMembership.objects.current().count() == 2
