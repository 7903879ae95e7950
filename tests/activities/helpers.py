"""POST data for the activity form, as the browser sends it."""

import datetime
import uuid


def formset_data(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def activity_data(group, *, attendees=(), leaders=(), outcomes=(), publicity=(), **fields):
    data = {
        "group": str(group.pk),
        "date": (datetime.date.today() - datetime.timedelta(days=3)).isoformat(),
        "title": "乡村振兴座谈会",
        "theme": "seminar",
        "status": "held",
        "cancel_reason": "",
        "place": "福安市工商联会议室",
        "host_enterprise": "福安测试企业有限公司",
        "summary": "座谈乡村振兴。",
        "other_participants": "5",
        "attendees": [str(m.pk) for m in attendees],
        # The one-time token a new record's form carries (ignored when editing).
        "submission_token": uuid.uuid4().hex,
    }
    data.update({k: v for k, v in fields.items()})
    if data["status"] == "held" and not data["attendees"] and "status_decision" not in fields:
        # A held record without attendees is saved only once the user confirms it (the
        # form asks): post the answer its button sends, as the browser does after asking.
        data["status_decision"] = "keep_held_empty"
    data.update(formset_data("leaders", list(leaders)))
    data.update(formset_data("outcomes", list(outcomes)))
    data.update(formset_data("publicity", list(publicity)))
    return data


class Today:
    """Sets the day ``timezone.localdate()`` answers when asked for today, as freezegun would
    (``timezone.localdate(value)`` still converts ``value``). Use ``set(day)``."""

    def __init__(self, monkeypatch, day):
        from django.utils import timezone

        self.day = day
        original = timezone.localdate

        def localdate(value=None, timezone=None):
            if value is None:
                return self.day
            return original(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)

    def set(self, day):
        self.day = day
        return day
