"""The zh-Hans catalogue is complete and its compiled form is up to date."""

import shutil
import subprocess
from pathlib import Path

import pytest

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries(po_text):
    """(msgid, msgstr, flags) for each entry, joining continued lines."""
    entries, current, key, flags = [], {}, None, ""
    for line in [*po_text.splitlines(), ""]:
        if not line.strip():
            if current.get("msgid"):
                entries.append((current.get("msgid", ""), current.get("msgstr", ""), flags))
            current, key, flags = {}, None, ""
        elif line.startswith("#,"):
            flags = line
        elif line.startswith("#"):
            continue
        elif line.startswith(('msgid "', 'msgid_plural "', "msgstr")):
            key, _, rest = line.partition(" ")
            key = "msgstr" if key.startswith("msgstr") else key
            current.setdefault(key, "")
            current[key] += rest.strip().strip('"')
        elif line.startswith('"') and key:
            current[key] += line.strip().strip('"')
    return entries


def test_every_message_is_translated():
    entries = _entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))
    assert len(entries) > 50
    empty = [msgid for msgid, msgstr, _flags in entries if not msgstr]
    fuzzy = [msgid for msgid, _msgstr, flags in entries if "fuzzy" in flags]
    assert empty == []
    assert fuzzy == []


def test_compiled_catalogue_is_up_to_date(tmp_path):
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt not installed (apt-get install gettext)")
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE / "django.po")], check=True
    )
    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes(), (
        "run: python manage.py compilemessages"
    )
