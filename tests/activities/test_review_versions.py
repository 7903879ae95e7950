"""Staff approve or return the version of a record they looked at: a convener's edit after
the page was opened refuses the decision and shows the record as it is now."""

import re

import pytest
from django.urls import reverse

from activities.models import Activity
from tests.activities.helpers import activity_data

pytestmark = pytest.mark.django_db

STALE = "该记录在您打开后已被修改，未作任何审核：请查看下方的最新内容后再审核。"
MISSING = "该审核表单未注明您查看的是记录的哪个版本，未作任何审核：请重新打开记录，查看后再审核。"
INVALID = "该审核表单的版本号无效（页面可能被改动过），未作任何审核：请重新打开记录，查看后再审核。"


def _submitted(convener_client, group1):
    """A convener's held record, waiting for the staff."""
    response = convener_client.post(
        reverse("activities:activity_create"),
        activity_data(group1, title="本组座谈会", other_participants="5"),
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="本组座谈会")
    assert activity.review_status == Activity.Review.PENDING
    return activity


def _convener_edits(convener_client, activity, **fields):
    activity.refresh_from_db()
    data = activity_data(activity.group, version=str(activity.version), **fields)
    response = convener_client.post(reverse("activities:activity_edit", args=[activity.pk]), data)
    assert response.status_code == 302
    activity.refresh_from_db()
    return activity


def _form_version(html, action):
    """The version posted by the form that posts to `action`, as the page wrote it."""
    form = html[html.index(f'action="{action}"') :]
    form = form[: form.index("</form>")]
    return re.search(r'name="version" value="(\d+)"', form).group(1)


@pytest.fixture(params=["review_list", "activity_detail"])
def opened_at(request, staff_client):
    """Where the staff opened the record: the review queue or the activity's page."""

    def open_page(activity):
        if request.param == "review_list":
            url = reverse("schedule:review_list")
        else:
            url = reverse("activities:activity_detail", args=[activity.pk])
        html = staff_client.get(url).content.decode()
        approve = reverse("schedule:activity_approve", args=[activity.pk])
        return_ = reverse("schedule:activity_return", args=[activity.pk])
        return _form_version(html, approve), _form_version(html, return_)

    return open_page


def test_an_approval_of_a_record_changed_since_is_refused(
    staff_client, convener_client, group1, opened_at
):
    activity = _submitted(convener_client, group1)
    seen, _return_version = opened_at(activity)
    _convener_edits(convener_client, activity, other_participants="500")
    url = reverse("schedule:activity_approve", args=[activity.pk])
    response = staff_client.post(url, {"version": seen}, follow=True)
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.PENDING and activity.number is None
    assert response.redirect_chain[-1][0] == reverse(
        "activities:activity_detail", args=[activity.pk]
    )
    html = response.content.decode()
    assert STALE in html
    assert '<dd class="col-7">500' in html  # the record as it is now
    # Looked at again, it is approved.
    fresh, _return_version = opened_at(activity)
    assert int(fresh) == activity.version
    staff_client.post(url, {"version": fresh})
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.APPROVED and activity.number == 1


def test_an_approval_of_the_version_seen_goes_through(
    staff_client, convener_client, group1, opened_at
):
    activity = _submitted(convener_client, group1)
    seen, _return_version = opened_at(activity)
    url = reverse("schedule:activity_approve", args=[activity.pk])
    response = staff_client.post(url, {"version": seen}, follow=True)
    assert "已审核通过" in response.content.decode()
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.APPROVED and activity.number == 1


def test_a_return_of_a_record_changed_since_is_refused_and_keeps_the_comment(
    staff_client, convener_client, group1, opened_at
):
    activity = _submitted(convener_client, group1)
    _approve_version, seen = opened_at(activity)
    _convener_edits(convener_client, activity, title="改过的座谈会")
    url = reverse("schedule:activity_return", args=[activity.pk])
    response = staff_client.post(url, {"version": seen, "comment": "请补充出席领导"})
    assert response.status_code == 409
    html = response.content.decode()
    assert STALE in html and "改过的座谈会" in html
    assert ">请补充出席领导</textarea>" in html
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.PENDING and activity.review_comment == ""
    # The page shown now carries the current version: sent from it, the return goes through.
    assert int(_form_version(html, url)) == activity.version
    staff_client.post(url, {"version": activity.version, "comment": "请补充出席领导"})
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.RETURNED
    assert activity.review_comment == "请补充出席领导"


def test_a_return_of_the_version_seen_goes_through(
    staff_client, convener_client, group1, opened_at
):
    activity = _submitted(convener_client, group1)
    _approve_version, seen = opened_at(activity)
    url = reverse("schedule:activity_return", args=[activity.pk])
    response = staff_client.post(url, {"version": seen, "comment": "请补充照片"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.RETURNED


@pytest.mark.parametrize(
    "posted, message",
    [
        ({}, MISSING),
        ({"version": ""}, MISSING),
        ({"version": "abc"}, INVALID),
        ({"version": "0"}, INVALID),
        ({"version": "-3"}, INVALID),
        ({"version": "9" * 30}, INVALID),
        ({"version": "999"}, INVALID),  # a version the record never had
    ],
)
@pytest.mark.parametrize("action", ["activity_approve", "activity_return"])
def test_a_missing_or_altered_version_is_refused_with_a_message_saying_so(
    staff_client, convener_client, group1, posted, message, action
):
    activity = _submitted(convener_client, group1)
    url = reverse(f"schedule:{action}", args=[activity.pk])
    response = staff_client.post(url, {**posted, "comment": "请补充"}, follow=True)
    assert response.status_code in (200, 400, 409)
    html = response.content.decode()
    assert message in html
    assert "审核通过：" not in html
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.PENDING and activity.number is None


@pytest.mark.parametrize(
    "comment, message",
    [("意" * 20000, "退回意见最多2000字（现有20000字）"), ("   ", "退回需要填写意见")],
)
def test_a_refused_return_comment_is_kept_with_its_error_on_the_field(
    staff_client, convener_client, group1, comment, message
):
    activity = _submitted(convener_client, group1)
    url = reverse("schedule:activity_return", args=[activity.pk])
    response = staff_client.post(url, {"version": activity.version, "comment": comment})
    assert response.status_code == 400
    html = response.content.decode()
    error = re.search(r'<div id="id_comment_error"[^>]*>([^<]*)</div>', html)
    assert error and message in error.group(1)
    assert 'class="form-control form-control-sm mb-1 is-invalid"' in html
    if comment.strip():
        assert f">{comment}</textarea>" in html
    assert "确保该变量" not in html
    activity.refresh_from_db()
    assert activity.review_status == Activity.Review.PENDING and activity.review_comment == ""
