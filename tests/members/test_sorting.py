"""姓氏笔画 and pinyin sort keys, with the official ordering examples."""

import importlib

import pytest
from django.apps import apps

from members.models import Member
from members.sorting import pinyin_key, split_name, stroke_count, stroke_key
from tests.factories import MemberFactory


def _by_strokes(names):
    return sorted(names, key=stroke_key)


@pytest.mark.parametrize(
    "official",
    [
        # A missing second given-name character compares as blank: single names first.
        ["王勇", "王钦敏", "田富", "田大利", "高富", "高大富"],
        ["丁一", "丁大", "丁一山", "丁大力"],
        ["马云", "马云飞", "马化腾"],
        # The surname decides first, by strokes (3, 4, 5, 6 …).
        ["马明", "王明", "田明", "刘明", "张明", "陈明"],
    ],
)
def test_official_stroke_order(official):
    shuffled = list(reversed(official))
    assert _by_strokes(shuffled) == official


@pytest.mark.parametrize(
    ("char", "strokes"),
    [("㑇", 7), ("𠮷", 6), ("𡈽", 4), ("〇", 1), ("﨑", 12), ("王", 4)],
)
def test_characters_outside_the_table_get_their_stroke_count(char, strokes):
    assert stroke_count(char) == strokes


def test_rare_characters_sort_by_their_strokes_not_last():
    # 𠮷 (6 strokes, a variant of 吉) sorts with 吉, before 明 (8); 㑇 (7) before 明 too.
    assert _by_strokes(["王明", "王𠮷", "王㑇"]) == ["王𠮷", "王㑇", "王明"]
    # 𡈽 (4 strokes) before 田 (5): never after every known character.
    assert _by_strokes(["田一", "𡈽田"]) == ["𡈽田", "田一"]
    # Latin letters still sort after every Han character.
    assert _by_strokes(["Anna", "龘"]) == ["龘", "Anna"]


def test_compound_surnames_are_kept_whole():
    assert split_name("欧阳娜娜") == ("欧阳", "娜娜")
    assert split_name("欧阳") == ("欧", "阳")
    # 欧阳娜 (single given name after a compound surname) precedes 欧阳娜娜.
    assert _by_strokes(["欧阳娜娜", "欧阳娜"]) == ["欧阳娜", "欧阳娜娜"]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("都敏", "du min"),
        ("乜红", "nie hong"),
        ("能明", "nai ming"),
        ("曾强", "zeng qiang"),
        ("单雄", "shan xiong"),
        ("解放", "xie fang"),
        ("区伟", "ou wei"),
        ("万俟云", "mo qi yun"),
        ("王都", "wang dou"),  # only the surname is read as a surname
    ],
)
def test_surnames_have_their_surname_reading(name, key):
    assert pinyin_key(name) == key


@pytest.mark.django_db
def test_the_migration_recomputes_stored_keys():
    member = MemberFactory(name="王勇")
    Member.objects.filter(pk=member.pk).update(stroke_key="stale", pinyin_key="stale")
    migration = importlib.import_module("members.migrations.0004_recompute_name_sort_keys")
    migration.recompute(apps, None)
    member.refresh_from_db()
    assert (member.stroke_key, member.pinyin_key) == (stroke_key("王勇"), "wang yong")
