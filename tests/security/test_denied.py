"""The 403 page says what was refused: a page the login may not read (a GET), or a change it
may not make (a POST)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

READ_ONLY = "您的账号可以查看这些页面，但不能修改。"


@pytest.mark.parametrize("url", ["/outcomes/", "/publicity/", "/reports/2018/"])
def test_a_page_a_member_may_not_read_says_so(member_client, url):
    response = member_client.get(url)
    assert response.status_code == 403
    page = response.content.decode()
    assert "您的账号无权查看此页面。" in page and "请联系会员部" in page
    assert READ_ONLY not in page


def test_a_change_a_member_may_not_make_keeps_the_read_only_text(member_client):
    response = member_client.post(reverse("activities:activity_create"), {"title": "座谈会"})
    assert response.status_code == 403
    page = response.content.decode()
    assert READ_ONLY in page and "您的账号无权查看此页面。" not in page
