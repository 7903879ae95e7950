"""backup_db and restore_db: a backup restored into an empty database gives the same figures.

The SQLite round trip runs in subprocesses on scratch files, so it runs (not skips) in the
PostgreSQL CI run too.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from fuan_rotation.backup import BackupError, backup_check, sqlite_copy

ROOT = Path(__file__).resolve().parents[2]


def _env(db_file):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="tests.settings", DATABASE_URL=f"sqlite:///{db_file}")
    return env


def _manage(db_file, *args, check=True):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(db_file),
        capture_output=True,
        text=True,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def _snapshot(db_file):
    result = subprocess.run(
        [sys.executable, "-m", "tests.security.figures"],
        cwd=ROOT,
        env=_env(db_file),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_backup_restored_into_an_empty_database_gives_the_same_figures(tmp_path):
    live, empty = tmp_path / "live.sqlite3", tmp_path / "empty.sqlite3"
    backup = tmp_path / "rotation-backup.sqlite3"
    _manage(live, "migrate", "-v0")
    _manage(live, "seed_demo", "--password", "demo-pass-123")
    before = _snapshot(live)
    assert before["activities_counted"] == 17
    assert before["person_times"] == 519
    assert before["rows"]["members.Member"] == 132
    seed = before["report_seed_period"]
    assert (seed["activities"], seed["person_times"], seed["with_four_bodies"]) == (17, 519, 8)

    _manage(live, "backup_db", "--output", str(backup))
    refused = _manage(live, "backup_db", "--output", str(backup), check=False)
    assert refused.returncode != 0 and "已存在" in refused.stderr

    _manage(empty, "migrate", "-v0")
    assert _snapshot(empty)["rows"]["members.Member"] == 0
    result = _manage(empty, "restore_db", str(backup))
    assert "已从" in result.stdout and "恢复数据库" in result.stdout
    after = _snapshot(empty)
    assert after == before

    # The live database holds data: restoring over it needs --force.
    refused = _manage(live, "restore_db", str(backup), check=False)
    assert refused.returncode != 0 and "数据库中已有数据" in refused.stderr
    _manage(live, "restore_db", "--force", str(backup))
    assert _snapshot(live) == before


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A freshly migrated database and its backup, shared by the refusal tests."""
    folder = tmp_path_factory.mktemp("migrated")
    source, backup = folder / "source.sqlite3", folder / "backup.sqlite3"
    _manage(source, "migrate", "-v0")
    _manage(source, "backup_db", "--output", str(backup))
    return source, backup


def test_restore_into_a_file_that_does_not_exist_yet(tmp_path, migrated):
    source, backup = migrated
    fresh = tmp_path / "new.sqlite3"
    _manage(fresh, "restore_db", str(backup))
    assert _snapshot(fresh) == _snapshot(source)


def test_a_file_that_is_not_a_sqlite_database_is_refused(tmp_path):
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database" * 20)
    with pytest.raises(BackupError, match="不是 SQLite 数据库"):
        backup_check(path=text)
    with pytest.raises(BackupError, match="不是文件"):
        backup_check(path=tmp_path / "missing.sqlite3")


def test_another_applications_database_is_refused(tmp_path):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE django_migrations (id INTEGER, app TEXT, name TEXT)")
        db.execute("CREATE TABLE blog_post (id INTEGER)")
    with pytest.raises(BackupError, match="不是本系统的数据库"):
        backup_check(path=other)


def test_a_backup_from_a_newer_version_is_refused(tmp_path, migrated):
    backup = tmp_path / "backup.sqlite3"
    backup.write_bytes(migrated[1].read_bytes())
    backup_check(path=backup)  # sound as written
    with sqlite3.connect(backup) as db:
        db.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('members', '9999_from_the_future', '2030-01-01')"
        )
    with pytest.raises(BackupError, match="来自更新版本的系统"):
        backup_check(path=backup)


def test_a_truncated_backup_is_refused(tmp_path, migrated):
    backup = tmp_path / "backup.sqlite3"
    data = migrated[1].read_bytes()
    backup.write_bytes(data[: len(data) // 3])
    with pytest.raises(BackupError):
        backup_check(path=backup)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_backup_db_on_postgresql_writes_a_pg_dump_archive(tmp_path):
    call_command("seed_demo", password="demo-pass-123", stdout=open(os.devnull, "w"))
    output = tmp_path / "rotation.dump"
    call_command("backup_db", output=str(output), stdout=open(os.devnull, "w"))
    assert output.read_bytes()[:5] == b"PGDMP"
    listing = subprocess.run(
        ["pg_restore", "--list", str(output)], capture_output=True, text=True, check=True
    )
    assert "TABLE DATA public activities_activity" in listing.stdout
    assert "TABLE DATA public members_member" in listing.stdout


def _wal_database(path):
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x)")
    db.execute("INSERT INTO t VALUES (1)")
    db.commit()
    return db


def _files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_backup_leaves_only_the_backup_beside_it(tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    db = _wal_database(tmp_path / "live.sqlite3")
    monkeypatch.setattr("fuan_rotation.backup.backup_check", lambda path: None)
    sqlite_copy(source=db, output=folder / "night.sqlite3")
    db.close()
    assert _files(folder) == ["night.sqlite3"]
    # It holds every member's mobile: readable by its owner only, whatever the umask.
    assert (folder / "night.sqlite3").stat().st_mode & 0o777 == 0o600
    # The backup stands alone: reading it leaves no side files either.
    copy = sqlite3.connect(f"file:{folder / 'night.sqlite3'}?mode=ro", uri=True)
    assert copy.execute("SELECT x FROM t").fetchall() == [(1,)]
    copy.close()
    assert _files(folder) == ["night.sqlite3"]


def test_a_failed_backup_removes_its_partial_files(tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "night.sqlite3.part-wal").write_bytes(b"left by an earlier crash")
    db = _wal_database(tmp_path / "live.sqlite3")

    def damaged(path):
        raise BackupError("damaged")

    monkeypatch.setattr("fuan_rotation.backup.backup_check", damaged)
    with pytest.raises(BackupError):
        sqlite_copy(source=db, output=folder / "night.sqlite3")
    db.close()
    assert _files(folder) == []


def test_backup_db_leaves_no_side_files(tmp_path, migrated):
    source, _backup = migrated
    folder = tmp_path / "nightly"
    folder.mkdir()
    _manage(source, "backup_db", "--output", str(folder / "rotation.sqlite3"))
    assert _files(folder) == ["rotation.sqlite3"]
