"""Two phones send the same person's check-in at the same moment: one row, both answered."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from activities.checkin.services import (
    checkin_guest_record,
    checkin_member_record,
    checkin_open,
)
from activities.models import CheckIn, CheckInLog
from tests.factories import ActivityFactory, MemberFactory, RotationGroupFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_simultaneous_check_ins_of_one_person_make_one_row():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions are tested on PostgreSQL (CI runs it)")
    # Today: check-in opens only up to the end of the activity's day.
    activity = ActivityFactory(group=RotationGroupFactory(number=5), date=timezone.localdate())
    session = checkin_open(activity=activity, by=UserFactory(username="s"))
    member = MemberFactory(name="林子涵", mobile="13959300001")
    barrier = threading.Barrier(4)
    errors = []

    def check_in(kind):
        try:
            barrier.wait(timeout=10)
            if kind == "member":
                checkin_member_record(session=session, member=member, address="10.0.0.1")
            else:
                checkin_guest_record(
                    session=session, name="王来宾", company="宁德市商务局", address="10.0.0.2"
                )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check_in, args=(k,)) for k in ("member", "member")]
    threads += [threading.Thread(target=check_in, args=(k,)) for k in ("guest", "guest")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert CheckIn.objects.filter(kind="member").count() == 1
    assert CheckIn.objects.filter(kind="guest").count() == 1
    assert CheckInLog.objects.count() == 4
