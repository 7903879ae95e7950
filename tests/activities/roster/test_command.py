"""python manage.py import_roster: same rules and messages as the upload."""

import io

import pytest
from django.core.management import CommandError, call_command

from members.models import Member
from tests.activities.roster.conftest import table_counts
from tests.factories import MemberFactory
from tests.members.roster_workbooks import person, seed_roster_bytes, workbook_bytes

pytestmark = pytest.mark.django_db


def _run(path, *args):
    out = io.StringIO()
    call_command("import_roster", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(seed_roster_bytes())
    return path


def test_dry_run_prints_the_preview_and_writes_nothing(roster_file):
    MemberFactory(mobile="13500000000", company="旧公司")
    before = table_counts()
    output = _run(roster_file, "--dry-run")
    assert table_counts() == before
    assert "131" in output and "12" in output
    assert "旧公司 → 福安市示例1号实业有限公司" in output


def test_import_writes_and_records_the_user(roster_file, staff_user):
    _run(roster_file, "--user", "staff")
    assert Member.objects.count() == 132
    assert set(Member.history.values_list("history_user", flat=True)) == {staff_user.pk}
    # The second run changes nothing.
    before = table_counts()
    _run(roster_file)
    assert table_counts() == before


def test_errors_exit_non_zero_and_write_nothing(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes([person(1), person(2, 工商联职务="理事")]))
    with pytest.raises(CommandError) as raised:
        _run(path)
    assert raised.value.returncode == 1
    assert Member.objects.count() == 0


def test_archive_missing(tmp_path):
    gone = MemberFactory(mobile="13500000099")
    path = tmp_path / "one.xlsx"
    path.write_bytes(workbook_bytes([person(1)]))
    _run(path)
    gone.refresh_from_db()
    assert not gone.is_archived
    _run(path, "--archive-missing")
    gone.refresh_from_db()
    assert gone.is_archived


def test_unknown_user_and_missing_file(tmp_path):
    with pytest.raises(CommandError):
        _run(tmp_path / "none.xlsx")
    path = tmp_path / "one.xlsx"
    path.write_bytes(workbook_bytes([person(1)]))
    with pytest.raises(CommandError):
        _run(path, "--user", "nobody")
    assert Member.objects.count() == 0
