import pytest

from tests.factories import ActivityFactory


@pytest.fixture(autouse=True)
def attachments_dir(settings, tmp_path):
    """Each test stores its attachments in its own folder."""
    folder = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            **settings.STORAGES["attachments"],
            "OPTIONS": {**settings.STORAGES["attachments"]["OPTIONS"], "location": str(folder)},
        },
    }
    return folder


@pytest.fixture
def activity(group1):
    return ActivityFactory(group=group1, title="健康产业座谈会")
