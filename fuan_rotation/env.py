"""Settings from the environment, through django-environ (as ephios and cookiecutter-django do).

A ``.env`` file in the project root is read when present; a variable already set in the real
environment wins over the file (a systemd unit's ``Environment=``, a test's ``os.environ``).
``.env.example`` lists every variable read here and in settings.py (but DJANGO_ENV_FILE), with
values quoted so that both django-environ and a POSIX shell (``set -a; . ./.env; set +a``) read
it; ``tests/test_settings_env.py`` compares the two lists.

``env_str``, ``env_bool`` and ``env_list`` keep their old names and behaviour (a typo in a
true/false value is an error, not "false"), so code written against them keeps working.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# DJANGO_ENV_FILE names another file; empty reads none (the test suite sets it so).
ENV_FILE = env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    """The variable as text, or `default` when it is not set."""
    return env.str(name, default=default)


def env_bool(name, default=False):
    """true/false, yes/no, on/off or 1/0 (any case); anything else raises ValueError."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {raw!r}")


def env_int(name, default=0):
    """A whole number; an empty value means `default`. Anything else raises ValueError."""
    raw = env.str(name, default="").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name, default=None):
    """Comma-separated values, blanks dropped; `default` (a list) when the variable is unset."""
    raw = env.str(name, default=None)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]
