"""What must survive a backup and restore: every model's row count and the report figures."""

import json

from django.apps import apps
from django.db.models import Count


def _report_figures(start, end):
    import datetime

    from reports.tallies import Period, tally

    report = tally(Period(datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)))
    return {
        "activities": report.activity_count,
        "person_times": report.person_times,
        "with_four_bodies": report.with_four_bodies,
        "with_department": report.with_department,
        "themes": [(str(t.key), t.activities, t.person_times) for t in report.themes],
        "groups": [(g.number, g.activities, g.person_times, g.participants) for g in report.groups],
        "members_attended": sorted((m.pk, m.attended) for m in report.members),
    }


def snapshot():
    from activities.models import Activity

    counted = Activity.objects.counted()
    return {
        "report_seed_period": _report_figures("2017-11-01", "2019-07-31"),
        "report_2018": _report_figures("2018-01-01", "2018-12-31"),
        "rows": {model._meta.label: model._base_manager.count() for model in apps.get_models()},
        "activities_counted": counted.count(),
        "person_times": counted.person_times(),
        "themes": dict(counted.order_by().values_list("theme").annotate(n=Count("pk"))),
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(snapshot(), sort_keys=True))
