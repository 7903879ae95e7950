"""Fixtures for the roster tests: a private upload folder, counts, and the browser."""

import pytest

from activities.models import GroupMembership, RotationGroup
from members.models import Member, PublicOffice


@pytest.fixture(autouse=True)
def _upload_dir(settings, tmp_path):
    settings.ROSTER_UPLOAD_DIR = str(tmp_path / "uploads")


def table_counts():
    """Rows and history rows of everything an import may write."""
    models = (Member, PublicOffice, GroupMembership, RotationGroup)
    counts = {model.__name__: model.objects.count() for model in models}
    counts.update({f"{model.__name__} history": model.history.count() for model in models})
    return counts


@pytest.fixture
def counts():
    return table_counts


@pytest.fixture
def live_server_closes_connections(live_server):
    """CONN_MAX_AGE keeps the live server thread's PostgreSQL connection open after the test,
    and the test database cannot be dropped; close it after every request instead."""
    from django.db import connection

    saved = connection.settings_dict.get("CONN_MAX_AGE", 0)
    connection.settings_dict["CONN_MAX_AGE"] = 0
    yield live_server
    connection.settings_dict["CONN_MAX_AGE"] = saved
