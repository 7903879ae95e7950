"""Photos and scans are in the backup and come back with a restore (backup_db, restore_db).

Like tests/security/test_backup.py, on scratch SQLite files in subprocesses, each "machine"
with its own attachments folder (ATTACHMENTS_DIR).
"""

import io
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from fuan_rotation.backup import BackupError, files_archive_read

ROOT = Path(__file__).resolve().parents[3]

MAKE_ATTACHMENTS = """
from activities.attachments.services import attachment_add
from activities.models import RotationGroup
from tests.activities.attachments import samples
from tests.factories import ActivityFactory
group = RotationGroup.objects.create(number=9, name="健康产业组")
activity = ActivityFactory(group=group, title="健康产业座谈会")
for name, data in (("现场.jpg", samples.jpeg_with_gps()), ("签到表.pdf", samples.pdf())):
    attachment_add(activity=activity, upload=samples.upload(name, data), by=None)
"""


def _env(db_file, files_dir):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=f"sqlite:///{db_file}",
        ATTACHMENTS_DIR=str(files_dir),
    )
    return env


def _manage(machine, *args, check=True):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(*machine),
        capture_output=True,
        text=True,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _files(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _rows(machine):
    script = "from activities.models import Attachment; print(Attachment.objects.count())"
    return int(_manage(machine, "shell", "-v0", "-c", script).stdout.strip())


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory):
    """A migrated, empty database file, copied by each test that needs a fresh machine."""
    folder = tmp_path_factory.mktemp("empty")
    empty = folder / "empty.sqlite3"
    _manage((empty, folder / "files"), "migrate", "-v0")
    return empty


@pytest.fixture
def fresh(tmp_path, empty_database):
    database = tmp_path / "new.sqlite3"
    database.write_bytes(empty_database.read_bytes())
    return database, tmp_path / "new-files"


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory, empty_database):
    folder = tmp_path_factory.mktemp("machine")
    live = (folder / "live.sqlite3", folder / "live-files")
    live[0].write_bytes(empty_database.read_bytes())
    _manage(live, "shell", "-c", MAKE_ATTACHMENTS)
    backup = folder / "rotation.sqlite3"
    result = _manage(live, "backup_db", "--output", str(backup))
    return live, backup, result


def test_backup_writes_the_stored_files_beside_the_database(backed_up):
    live, backup, result = backed_up
    archive = backup.with_name("rotation.sqlite3.files.tar")
    assert "已将 3 个存储的文件写入" in result.stdout
    assert archive.stat().st_mode & 0o777 == 0o600
    stored = _files(live[1])
    assert len(stored) == 3  # a photo, its thumbnail, a PDF
    assert files_archive_read(archive) == stored


def test_a_restore_brings_back_the_records_and_their_files(fresh, backed_up):
    live, backup, _result = backed_up
    result = _manage(fresh, "restore_db", str(backup))
    assert "已恢复 3 个存储的文件" in result.stdout
    assert _rows(fresh) == 2
    assert _files(fresh[1]) == _files(live[1])
    # Restoring again over the same files writes nothing twice.
    again = _manage(fresh, "restore_db", "--force", str(backup))
    assert "存储的文件" not in again.stdout


def test_a_backup_whose_files_archive_is_missing_is_refused(tmp_path, fresh, backed_up):
    _live, backup, _result = backed_up
    alone = tmp_path / "alone.sqlite3"
    alone.write_bytes(backup.read_bytes())
    refused = _manage(fresh, "restore_db", str(alone), check=False)
    assert refused.returncode != 0
    assert "3 个存储的文件" in refused.stderr and "--without-files" in refused.stderr
    assert _rows(fresh) == 0  # nothing restored
    _manage(fresh, "restore_db", "--without-files", str(alone))
    assert _rows(fresh) == 2 and _files(fresh[1]) == {}


def _rewrite(source, target, change):
    """Copy the tar archive `source` to `target`, passing each (info, data) through change."""
    with tarfile.open(source) as original, tarfile.open(target, "w") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            for info, content in change(member, data):
                info.size = len(content)
                copy.addfile(info, io.BytesIO(content))


def test_a_damaged_files_archive_is_refused_before_anything_is_written(tmp_path, fresh, backed_up):
    _live, backup, _result = backed_up
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(backup.read_bytes())

    def flip_a_byte(member, data):
        if member.name.endswith(".pdf"):
            data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
        yield member, data

    _rewrite(Path(f"{backup}.files.tar"), Path(f"{copy}.files.tar"), flip_a_byte)
    refused = _manage(fresh, "restore_db", str(copy), check=False)
    assert refused.returncode != 0 and "已损坏" in refused.stderr
    assert _rows(fresh) == 0 and _files(fresh[1]) == {}


def test_an_archive_entry_outside_the_storage_is_refused(tmp_path, backed_up):
    _live, backup, _result = backed_up

    def escape(member, data):
        if member.name.endswith(".pdf"):
            member.name = "../../etc/cron.d/evil"
        yield member, data

    target = tmp_path / "evil.files.tar"
    _rewrite(Path(f"{backup}.files.tar"), target, escape)
    with pytest.raises(BackupError):
        files_archive_read(target)


def test_files_only_puts_back_the_files_after_a_pg_restore(tmp_path, backed_up):
    live, backup, _result = backed_up
    other = (tmp_path / "other.sqlite3", tmp_path / "other-files")
    result = _manage(other, "restore_db", "--files-only", str(backup))
    assert "已恢复 3 个存储的文件" in result.stdout
    assert _files(other[1]) == _files(live[1])
