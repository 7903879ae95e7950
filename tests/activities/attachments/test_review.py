"""A convener's attachment change to an approved record sends it back to review, like an edit
of the record (a changed record stops counting until re-approved); the staff's do not."""

import pytest
from django.urls import reverse

from activities.attachments.services import attachment_add
from activities.models import Activity
from activities.services import activity_approve, activity_return
from tests.activities.attachments import samples
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db

AWAITS = "该记录已提交，等待机关工作人员审核。"


def _upload(client, activity, data=None, name="photo.jpg"):
    return client.post(
        reverse("attachments:attachment_upload", args=[activity.pk]),
        {"files": [samples.upload(name, data or samples.jpeg_with_gps())]},
    )


def _archive(client, attachment):
    return client.post(reverse("attachments:attachment_archive", args=[attachment.pk]))


def _messages(response):
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def approved(activity):
    assert activity.status == Activity.Status.HELD
    assert activity.review_status == Activity.Review.APPROVED and activity.number
    assert Activity.objects.counted().filter(pk=activity.pk).exists()
    return activity


@pytest.fixture
def photo(staff_user, approved):
    return attachment_add(
        activity=approved, upload=samples.upload("签到表.pdf", samples.pdf()), by=staff_user
    ).attachment


def test_a_conveners_new_file_sends_the_approved_record_back_to_review(
    convener_client, convener_user, approved
):
    response = _upload(convener_client, approved)
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.attachments.count() == 1
    assert approved.review_status == Activity.Review.PENDING
    assert not Activity.objects.counted().filter(pk=approved.pk).exists()
    assert approved.number  # a number, once given, is never taken back
    last = approved.history.first()
    assert last.history_user == convener_user and last.review_status == "pending"
    assert AWAITS in _messages(response)
    # The staff see it in their review queue.
    assert Activity.objects.awaiting_review().filter(pk=approved.pk).exists()


def test_a_conveners_archive_sends_the_approved_record_back_to_review(
    convener_client, convener_user, photo
):
    activity = photo.activity
    response = _archive(convener_client, photo)
    assert response.status_code == 302
    photo.refresh_from_db()
    activity.refresh_from_db()
    assert photo.archived_at is not None
    assert activity.review_status == Activity.Review.PENDING
    assert activity.history.first().history_user == convener_user
    assert AWAITS in _messages(response)


def test_the_staffs_changes_need_no_review(staff_client, approved, photo):
    assert _upload(staff_client, approved).status_code == 302
    response = _archive(staff_client, photo)
    assert response.status_code == 302 and AWAITS not in _messages(response)
    approved.refresh_from_db()
    assert approved.attachments.count() == 2
    assert approved.review_status == Activity.Review.APPROVED
    assert Activity.objects.counted().filter(pk=approved.pk).exists()


@pytest.mark.parametrize("role", ["leader_client", "member_client"])
def test_readers_change_nothing(request, role, approved, photo):
    client = request.getfixturevalue(role)
    assert _upload(client, approved).status_code == 403
    assert _archive(client, photo).status_code == 403
    approved.refresh_from_db()
    assert approved.review_status == Activity.Review.APPROVED and approved.attachments.count() == 1


def test_a_repeated_file_changes_nothing(convener_client, staff_user, approved):
    data = samples.jpeg_with_gps()
    attachment_add(activity=approved, upload=samples.upload("a.jpg", data), by=staff_user)
    assert _upload(convener_client, approved, data).status_code == 302
    approved.refresh_from_db()
    assert approved.review_status == Activity.Review.APPROVED


def test_records_that_do_not_count_keep_their_review_state(
    convener_client, staff_user, convener_user, approved, group1
):
    # Pending: stays pending; returned: stays returned (the convener resubmits by saving);
    # a plan is not reviewed at all.
    Activity.objects.filter(pk=approved.pk).update(review_status=Activity.Review.PENDING)
    activity_return(activity=approved, by=staff_user, comment="补充照片")
    assert _upload(convener_client, approved).status_code == 302
    approved.refresh_from_db()
    assert approved.review_status == Activity.Review.RETURNED

    plan = ActivityFactory(group=group1, status=Activity.Status.PLANNED)
    before = plan.review_status
    assert _upload(convener_client, plan, samples.pdf(), name="plan.pdf").status_code == 302
    plan.refresh_from_db()
    assert plan.review_status == before


def test_after_re_approval_it_counts_again(convener_client, staff_user, approved):
    _upload(convener_client, approved)
    approved.refresh_from_db()
    activity_approve(activity=approved, by=staff_user)
    assert Activity.objects.counted().filter(pk=approved.pk).exists()


WARNING = "此记录已审核通过：上传或归档附件后，记录将退回工作人员审核"


def test_the_convener_is_told_before_uploading_to_an_approved_record(
    convener_client, staff_client, approved
):
    """The upload form says what an upload will do to an approved record; the staff, whose
    changes need no review, and a record already awaiting review, are told nothing."""
    page = reverse("activities:activity_detail", args=[approved.pk])
    assert WARNING in convener_client.get(page).content.decode()
    assert WARNING not in staff_client.get(page).content.decode()
    _upload(convener_client, approved)
    assert WARNING not in convener_client.get(page).content.decode()
