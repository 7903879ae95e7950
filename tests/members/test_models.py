import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from members.models import FederationRole, Member, PublicOffice, Role, User
from members.sorting import pinyin_key, stroke_count, stroke_key
from members.validators import normalize_mobile, validate_mainland_mobile
from tests.factories import MemberFactory


@pytest.mark.parametrize("mobile", ["13959300001", "15805931234", "18959312345", "19959312345"])
def test_mainland_mobiles_are_accepted(mobile):
    validate_mainland_mobile(mobile)


@pytest.mark.parametrize(
    ("mobile", "code"),
    [
        ("1395930001", "mobile_length"),  # 10 digits
        ("139593000011", "mobile_length"),  # 12 digits
        ("1395930000a", "mobile_length"),
        ("12959300001", "mobile_invalid"),  # no 12x mobiles
        ("10959300001", "mobile_invalid"),
        ("05936512345", "mobile_invalid"),  # a landline written with 11 digits
    ],
)
def test_other_numbers_are_refused_with_a_reason(mobile, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_mainland_mobile(mobile)
    assert excinfo.value.code == code


def test_refusal_message_is_chinese(settings):
    with pytest.raises(ValidationError) as excinfo:
        validate_mainland_mobile("12959300001")
    assert "不是中国大陆手机号码" in excinfo.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("139 5930 0001", "13959300001"), ("+86 139-5930-0001", "13959300001"), (None, "")],
)
def test_mobile_is_normalised(raw, normal):
    assert normalize_mobile(raw) == normal


def test_mobile_is_unique_when_given(db):
    MemberFactory(mobile="13959300001")
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(mobile="13959300001")


def test_duplicate_mobile_is_a_validation_error_in_chinese(db):
    MemberFactory(mobile="13959300001")
    duplicate = Member(name="另一个人", mobile="13959300001")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "另一位成员已使用这个手机号码" in str(excinfo.value)


def test_members_without_mobile_do_not_clash(db):
    MemberFactory(mobile="")
    MemberFactory(mobile="")
    assert Member.objects.filter(mobile="").count() == 2


def test_names_are_not_unique(db):
    MemberFactory(name="陈建华", company="甲公司")
    MemberFactory(name="陈建华", company="乙公司")
    assert Member.objects.filter(name="陈建华").count() == 2


def test_sort_keys_are_kept_on_save(db):
    member = MemberFactory(name="王五")
    assert member.pinyin_key == "wang wu"
    assert member.stroke_key == stroke_key("王五")
    member.name = "丁一"
    member.save()
    assert member.pinyin_key == "ding yi"


def test_stroke_order_follows_official_lists():
    # 丁 2 strokes < 王 4 < 张 7 = 陈 7, where the stroke sequence decides
    # (张 5-1-5…, 陈 5-2-1…) < 林 8 = 欧 8 (林 starts 横, 欧 starts 撇).
    names = ["林三", "欧阳锋", "陈二", "张三", "王五", "丁一"]
    assert sorted(names, key=stroke_key) == ["丁一", "王五", "张三", "陈二", "林三", "欧阳锋"]
    assert stroke_count("王") == 4
    assert stroke_count("陈") == 7


def test_surname_decides_before_given_name():
    assert stroke_key("王一") < stroke_key("王二") < stroke_key("林一")


def test_pinyin_key_reads_surnames_as_surnames():
    assert pinyin_key("  郑兴 ") == "zheng xing"
    assert pinyin_key("缪建国") == "miao jian guo"
    assert pinyin_key("曾国华") == "zeng guo hua"
    assert pinyin_key("单立") == "shan li"
    assert pinyin_key("长孙无忌") == "zhang sun wu ji"


def test_by_role_puts_chair_first_then_vice_chairs(db):
    standing = MemberFactory(name="丁一", role=FederationRole.STANDING)
    chair = MemberFactory(name="薛十", role=FederationRole.CHAIR)
    vice = MemberFactory(name="王五", role=FederationRole.VICE_CHAIR)
    assert list(Member.objects.by_role()) == [chair, vice, standing]


def test_search_by_name_company_or_mobile(db):
    target = MemberFactory(name="缪建国", company="福安市恒丰电机有限公司", mobile="13959301234")
    MemberFactory(name="林晓", company="福安市宏鑫食品有限公司")
    for text in ["缪建", "恒丰", "1234", "miao"]:
        assert list(Member.objects.search(text)) == [target], text


def test_office_is_unique_per_member_kind_and_level(db):
    member = MemberFactory()
    PublicOffice.objects.create(member=member, kind="cppcc", level="county")
    PublicOffice.objects.create(member=member, kind="cppcc", level="prefecture")
    PublicOffice.objects.create(member=member, kind="npc", level="county")
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicOffice.objects.create(member=member, kind="cppcc", level="county")
    assert member.offices.count() == 3


def test_convener_and_member_logins_must_be_linked_to_a_member(db):
    User.objects.create(username="leader", role=Role.LEADERSHIP)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="convener", role=Role.CONVENER)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="member", role=Role.MEMBER)


def test_role_powers(db):
    staff = User.objects.create(username="s", role=Role.STAFF)
    leader = User.objects.create(username="l", role=Role.LEADERSHIP)
    member = User.objects.create(username="m", role=Role.MEMBER, member=MemberFactory())
    assert staff.is_office_staff and staff.can_read_all
    assert not leader.is_office_staff and leader.can_read_all
    assert not member.is_office_staff and not member.can_read_all
    staff.is_active = False
    assert not staff.is_office_staff
