"""The public phone page /c/<token>/: members by name and mobile, guests by name and company;
nothing on it reveals anyone's data or whether a number is a member's."""

import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.checkin import public
from activities.models import CheckIn, CheckInLog

MISMATCH = "无法用这个姓名和手机号签到"


def url(event):
    return reverse("checkin:checkin_public", args=[event["session"].token])


def member_post(client, event, name, mobile, **extra):
    return client.post(
        url(event),
        {"kind": "member", "name": name, "mobile": mobile},
        REMOTE_ADDR="10.0.0.7",
        **extra,
    )


@pytest.mark.django_db
def test_page_shows_only_title_chinese_date_and_place(event, client):
    response = client.get(url(event))
    assert response.status_code == 200
    # The page names whoever checked in: no shared cache may keep it.
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    activity = event["activity"]
    assert activity.title in page and activity.place in page
    assert f"{activity.date.year}年{activity.date.month}月{activity.date.day}日" in page
    for private in ("林子涵", "陈一鸣", "13959300001", activity.group.name, "召集人"):
        assert private not in page
    assert 'name="viewport"' in page


@pytest.mark.django_db
def test_member_checks_in_with_name_and_mobile_in_any_common_format(event, client):
    response = member_post(client, event, " 林 子涵", "+86 139-5930-0001")
    assert response.status_code == 200
    assert "签到成功" in response.content.decode()
    checkin = CheckIn.objects.get()
    assert checkin.member == event["lin"] and checkin.kind == "member"
    assert checkin.address == "10.0.0.7"
    log = CheckInLog.objects.get()
    assert (log.outcome, log.address, log.checkin) == ("checked_in", "10.0.0.7", checkin)
    assert log.at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("mobile", ["１３９５９３００００１", "＋８６　１３９－５９３０－０００１"])
def test_member_checks_in_with_a_full_width_mobile(event, client, mobile):
    """A Chinese keyboard in full-width mode types １３９…: the digits it shows count."""
    response = member_post(client, event, "林子涵", mobile)
    assert "签到成功" in response.content.decode()
    assert CheckIn.objects.get().member == event["lin"]


@pytest.mark.django_db
def test_digits_of_other_scripts_are_not_a_mobile(event, client):
    response = member_post(client, event, "林子涵", "١٣٩٥٩٣٠٠٠٠١")
    assert "请填写11位手机号码" in response.content.decode()
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_second_check_in_of_the_same_member_changes_nothing(event, client):
    first = member_post(client, event, "林子涵", "13959300001")
    second = member_post(client, event, "林子涵", "13959300001")
    assert first.content.replace(b"\n", b"") == second.content.replace(b"\n", b"")
    assert CheckIn.objects.count() == 1
    assert list(CheckInLog.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "checked_in",
        "repeated",
    ]


@pytest.mark.django_db
def test_guest_counts_once_however_often_they_check_in(event, client):
    for name, company in [("王来宾", "宁德市商务局"), ("王 来宾", " 宁德市商务局 ")]:
        response = client.post(
            url(event), {"kind": "guest", "name": name, "company": company, "title": "科长"}
        )
        assert "签到成功" in response.content.decode()
    guest = CheckIn.objects.get()
    assert (guest.kind, guest.name, guest.company, guest.title) == (
        "guest",
        "王来宾",
        "宁德市商务局",
        "科长",
    )


@pytest.mark.django_db
def test_guest_needs_a_name_and_a_company(event, client):
    response = client.post(url(event), {"kind": "guest", "name": "王来宾", "company": " "})
    assert response.status_code == 200
    assert "请填写单位" in response.content.decode()
    assert not CheckIn.objects.exists()


def _without_csrf(content):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


@pytest.mark.django_db
def test_a_wrong_pair_says_ask_the_staff_and_never_which_half(event, client):
    wrong_name = member_post(client, event, "林子", "13959300001")  # a member's mobile
    unknown_mobile = member_post(client, event, "林子", "13959309999")  # nobody's
    assert wrong_name.status_code == unknown_mobile.status_code == 200
    assert MISMATCH in wrong_name.content.decode()
    assert _without_csrf(wrong_name.content) == _without_csrf(unknown_mobile.content)
    assert not CheckIn.objects.exists()
    assert set(CheckInLog.objects.values_list("outcome", flat=True)) == {"mismatch"}


@pytest.mark.django_db
def test_mobile_typed_is_never_echoed_or_kept(event, client):
    for mobile in ("13959300001", "13959309999", "1395930"):
        page = member_post(client, event, "林子", mobile).content.decode()
        assert mobile not in page
    member_post(client, event, "林子涵", "13959300001")
    for row in CheckInLog.objects.values():
        assert "13959300001" not in str(row)
    for row in CheckIn.objects.values():
        assert "13959300001" not in str(row)


@pytest.mark.django_db
def test_a_member_number_and_a_stranger_number_take_the_same_work(event):
    """No timing difference: the same queries and one constant-time comparison either way."""
    counts = []
    for mobile in ("13959300001", "13959309999"):
        with (
            CaptureQueriesContext(connection) as queries,
            mock.patch.object(
                public.hmac, "compare_digest", wraps=public.hmac.compare_digest
            ) as compared,
        ):
            assert public.member_matching(name="林子", mobile=mobile) is None
        counts.append(
            (len(queries), [re.sub(r"\d{11}", "N", q["sql"]) for q in queries], compared.call_count)
        )
    assert counts[0] == counts[1]
    assert counts[0][2] == 1


@pytest.mark.django_db
def test_archived_member_cannot_check_in(event, client, staff_user):
    from activities.services import member_archive as archive

    archive(member=event["chen"], by=staff_user)
    response = member_post(client, event, "陈一鸣", "13959300002")
    assert MISMATCH in response.content.decode()
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_a_short_mobile_asks_for_eleven_digits(event, client):
    response = member_post(client, event, "林子涵", "1395930")
    assert "11位" in response.content.decode()
    assert not CheckIn.objects.exists()
    assert CheckInLog.objects.get().outcome == "invalid"


@pytest.mark.django_db
def test_rate_limit_per_address(event, client, settings):
    settings.CHECKIN_RATE_PER_ADDRESS = (3, 600)
    for _ in range(3):
        assert member_post(client, event, "林子", "13959309999").status_code == 200
    refused = member_post(client, event, "林子涵", "13959300001")
    assert refused.status_code == 429
    assert "尝试次数过多" in refused.content.decode()
    assert not CheckIn.objects.exists()
    # Another phone on another address still checks in.
    other = client.post(
        url(event),
        {"kind": "member", "name": "林子涵", "mobile": "13959300001"},
        REMOTE_ADDR="10.0.0.8",
    )
    assert other.status_code == 200 and CheckIn.objects.count() == 1


@pytest.mark.django_db
def test_rate_limit_per_token(event, client, settings):
    settings.CHECKIN_RATE_PER_TOKEN = (4, 600)
    for n in range(4):
        response = client.post(
            url(event),
            {"kind": "member", "name": "某", "mobile": "13959309999"},
            REMOTE_ADDR=f"10.0.1.{n}",
        )
        assert response.status_code == 200
    refused = client.post(
        url(event),
        {"kind": "member", "name": "林子涵", "mobile": "13959300001"},
        REMOTE_ADDR="10.0.2.1",
    )
    assert refused.status_code == 429
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_public_page_needs_no_login_and_carries_the_site_headers(event, client):
    response = client.get(url(event))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert "<script" not in response.content.decode()


@pytest.mark.django_db
def test_a_name_tried_with_wrong_mobiles_is_refused_even_with_the_right_one(event, client):
    """The roster shows a mobile with four digits masked: guessing them through the check-in
    page stops after five misses for the name, whatever the addresses, and the right number is
    then refused too (else the refusal would point to it). Other names still check in."""
    for n in range(5):
        response = client.post(
            url(event),
            {"kind": "member", "name": "林 子涵", "mobile": f"1395930{n + 5:04d}"},
            REMOTE_ADDR=f"10.0.3.{n}",
        )
        assert response.status_code == 200 and "data-checkin-mismatch" in response.content.decode()
    refused = member_post(client, event, "林子涵", "13959300001")
    assert refused.status_code == 429
    assert "请到签到台在纸质签到表上签名" in refused.content.decode()
    assert not CheckIn.objects.exists()
    assert CheckInLog.objects.filter(outcome="rate_limited").count() == 1
    assert member_post(client, event, "陈一鸣", "13959300002").status_code == 200
    assert list(CheckIn.objects.values_list("member__name", flat=True)) == ["陈一鸣"]


@pytest.mark.django_db
def test_four_misses_still_leave_the_right_number_working(event, client):
    for n in range(4):
        member_post(client, event, "林子涵", f"1395930{n + 2:04d}")
    assert member_post(client, event, "林子涵", "13959300001").status_code == 200
    assert CheckIn.objects.get().member == event["lin"]


@pytest.mark.django_db
def test_a_phone_without_cookies_is_told_what_to_do(event):
    """The form check (CSRF) fails when WeChat's browser keeps no cookie or an old page is sent
    again: a page in Chinese saying to reload, not Django's technical one."""
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        url(event), {"kind": "member", "name": "林子涵", "mobile": "13959300001"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "页面已过期" in page and "请返回并刷新页面后再提交" in page
    assert "CSRF" not in page.replace("Cookie", "")
    assert not CheckIn.objects.exists()
