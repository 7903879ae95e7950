"""Settings come from the environment and a .env file; .env.example lists every one of them."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / ".env.example"
# env_str("NAME", …), env_bool(…), env_int(…), env_list(…), env.str("NAME", …), env("NAME")
READ = re.compile(r"\benv(?:_str|_bool|_int|_list|\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"")
# The one variable that says where the file is cannot live in the file.
NOT_IN_FILE = {"DJANGO_ENV_FILE"}
PRODUCTION_KEY = "k" * 50


def _names_the_code_reads():
    names = set()
    for path in ROOT.rglob("*.py"):
        if path.relative_to(ROOT).parts[0] in {".venv", "tests", "bench"}:
            continue
        names |= set(READ.findall(path.read_text(encoding="utf-8")))
    return names


def _names_in_example():
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", EXAMPLE.read_text(encoding="utf-8"), re.M))


def _python(code, *args, env):
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )


def test_env_example_lists_every_setting_the_code_reads():
    read = _names_the_code_reads()
    assert {"SECRET_KEY", "SITE_URL", "REMINDER_DAYS_BEFORE", "TRUSTED_PROXY_COUNT"} <= read
    assert read - NOT_IN_FILE == _names_in_example()


def _read_by_django_environ(path):
    """The variables django-environ puts into the environment from `path`."""
    code = (
        "import environ, json, os, sys\n"
        "before = set(os.environ)\n"
        "environ.Env.read_env(sys.argv[1])\n"
        "print(json.dumps({k: v for k, v in os.environ.items() if k not in before}))\n"
    )
    result = _python(code, str(path), env={})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _read_by_shell(path):
    """The variables `set -a; . FILE` exports in a POSIX shell (the cron line's way)."""
    result = subprocess.run(
        [shutil.which("sh"), "-c", 'set -a; . "$1"; set +a; env -0', "sh", str(path)],
        capture_output=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr.decode()
    pairs = (item.split("=", 1) for item in result.stdout.decode().split("\0") if "=" in item)
    return dict(pairs)


def test_a_shell_and_django_environ_read_env_example_alike():
    by_environ = _read_by_django_environ(EXAMPLE)
    by_shell = _read_by_shell(EXAMPLE)
    assert set(by_environ) == _names_in_example()
    assert {name: by_shell.get(name) for name in by_environ} == by_environ
    assert by_environ["DEFAULT_FROM_EMAIL"] == "轮值活动管理 <noreply@example.org>"
    assert by_environ["SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO,https"
    assert by_environ["SECRET_KEY"] == ""


SHOW = (
    "import json; from django.conf import settings as s; import django; django.setup(); "
    "print(json.dumps([s.DEBUG, s.SITE_URL, s.REMINDER_DAYS_BEFORE, s.TRUSTED_PROXY_COUNT, "
    "s.DEFAULT_FROM_EMAIL, s.ALLOWED_HOSTS]))"
)


def test_env_file_is_read_and_real_variables_win(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "DEBUG='false'\n"
        f"SECRET_KEY='{PRODUCTION_KEY}'\n"
        "SITE_URL='https://rotation.example.org'\n"
        "REMINDER_DAYS_BEFORE='10'\n"
        "TRUSTED_PROXY_COUNT='1'\n"
        "DEFAULT_FROM_EMAIL='轮值活动管理 <noreply@example.org>'\n"
        "ALLOWED_HOSTS='rotation.example.org'\n",
        encoding="utf-8",
    )
    base = {"DJANGO_SETTINGS_MODULE": "fuan_rotation.settings", "DJANGO_ENV_FILE": str(env_file)}
    result = _python(SHOW, env=base)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        False,
        "https://rotation.example.org",
        10,
        1,
        "轮值活动管理 <noreply@example.org>",
        ["rotation.example.org"],
    ]
    result = _python(SHOW, env={**base, "REMINDER_DAYS_BEFORE": "3", "TRUSTED_PROXY_COUNT": "0"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[2:4] == [3, 0]


def test_without_env_file_production_says_where_the_key_goes(tmp_path):
    result = _python(
        "import fuan_rotation.settings",
        env={"DJANGO_ENV_FILE": str(tmp_path / "missing.env"), "DEBUG": "false"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr and ".env" in result.stderr


def test_a_typo_in_a_number_is_an_error_not_a_default(tmp_path):
    result = _python(
        "import fuan_rotation.settings",
        env={"DJANGO_ENV_FILE": "", "SECRET_KEY": PRODUCTION_KEY, "TRUSTED_PROXY_COUNT": "one"},
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be a whole number" in result.stderr


def test_rate_limit_counters_are_shared_by_every_worker(tmp_path):
    """Production keeps the cache (the rate-limit counters) in files: two processes, as two
    gunicorn workers are, count the same requests."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": "fuan_rotation.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-production-secret-key-that-is-long-enough-0123456789",
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    count = (
        "import django; django.setup();"
        "from django.core.cache import cache;"
        "cache.add('hits', 0); print(cache.incr('hits'))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", count], cwd=ROOT, env=env, capture_output=True, text=True
        )
        for _ in range(2)
    ]
    assert [r.stdout.strip() for r in runs] == ["1", "2"], [r.stderr for r in runs]
