"""What must survive a backup and restore: every model's row count and the report figures."""

import json

from django.apps import apps
from django.db.models import Count


def snapshot():
    from activities.models import Activity

    counted = Activity.objects.counted()
    return {
        "rows": {model._meta.label: model._base_manager.count() for model in apps.get_models()},
        "activities_counted": counted.count(),
        "person_times": counted.person_times(),
        "themes": dict(counted.order_by().values_list("theme").annotate(n=Count("pk"))),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(snapshot(), sort_keys=True))
