"""The zh-Hans catalogue is the product's main language: complete, and compiled."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django"


def _unquote(lines):
    return "".join(re.match(r'^(?:msg\w+(?:\[\d\])? )?"(.*)"$', line).group(1) for line in lines)


def _entries():
    """(flags, msgid, msgid_plural, [msgstr…]) for each entry of the .po file but the header."""
    for block in CATALOGUE.with_suffix(".po").read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        body = [line for line in lines if not line.startswith("#")]
        parts, current = {}, None
        for line in body:
            if not line.startswith('"'):
                current = line.split(" ", 1)[0]
                parts[current] = []
            parts[current].append(line)
        if "msgid" not in parts:
            continue
        msgid = _unquote(parts["msgid"])
        if not msgid:
            continue
        strs = [_unquote(v) for k, v in parts.items() if k.startswith("msgstr")]
        yield flags, msgid, _unquote(parts.get("msgid_plural", [])), strs


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = list(_entries())
    assert len(entries) > 100
    empty = [msgid for _, msgid, _, strs in entries if not all(strs)]
    fuzzy = [msgid for flags, msgid, _, _ in entries if "fuzzy" in flags]
    assert empty == []
    assert fuzzy == []


def test_compiled_catalogue_is_up_to_date(tmp_path):
    """The committed .mo is exactly what msgfmt makes of the .po."""
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt not installed (apt-get install gettext)")
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE.with_suffix(".po"))], check=True
    )
    assert compiled.read_bytes() == CATALOGUE.with_suffix(".mo").read_bytes(), (
        "run: python manage.py compilemessages -l zh_Hans --ignore=.venv"
    )
