"""Two activities recorded as held at the same moment never share a 第N次 number."""

import datetime
import threading

import pytest
from django.db import connection, connections

from activities.models import Activity
from activities.services import activity_save
from tests.factories import RotationGroupFactory

WORKERS = 8


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_get_distinct_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions are tested on PostgreSQL (CI runs it)")
    group = RotationGroupFactory(number=1)
    planned = [
        Activity.objects.create(
            group=group, date=datetime.date(2019, 1, 1), title=f"活动{i}", theme="charity"
        )
        for i in range(WORKERS)
    ]
    barrier = threading.Barrier(WORKERS)
    errors = []

    def record(activity):
        try:
            barrier.wait(timeout=10)
            activity.status = Activity.Status.HELD
            activity_save(activity=activity, by=None)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(a,)) for a in planned]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    numbers = sorted(Activity.objects.values_list("number", flat=True))
    assert numbers == list(range(1, WORKERS + 1))
