"""Settings for the test suite: the real settings with fast hashing and in-memory mail."""

import atexit
import os
import shutil
import tempfile

# The suite never reads a developer's .env (fuan_rotation/env.py); it sets what it needs.
os.environ.setdefault("DJANGO_ENV_FILE", "")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-for-the-checks-0123456789")

from fuan_rotation.settings import *  # noqa: F403
from fuan_rotation.settings import STORAGES

# Attachments go to a scratch folder of this run (a subprocess test passes its own
# ATTACHMENTS_DIR), never to the project's var/attachments.
if not os.environ.get("ATTACHMENTS_DIR"):
    ATTACHMENTS_DIR = tempfile.mkdtemp(prefix="rotation-attachments-")
    atexit.register(shutil.rmtree, ATTACHMENTS_DIR, ignore_errors=True)
    STORAGES = {
        **STORAGES,
        "attachments": {
            **STORAGES["attachments"],
            "OPTIONS": {**STORAGES["attachments"]["OPTIONS"], "location": ATTACHMENTS_DIR},
        },
    }

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    # Hashed names need collectstatic; the live-server browser tests serve plain names.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The test client speaks plain http; production redirects to https (see settings).
SECURE_SSL_REDIRECT = False
LANGUAGE_CODE = "zh-hans"
# A template variable that does not resolve is a bug: make it visible in tests.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "!!INVALID:%s!!"  # noqa: F405
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "level": "WARNING"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# Live-server threads must not keep connections open, or the test database cannot be dropped.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Each test run keeps its counters in memory (tests clear them between tests).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
