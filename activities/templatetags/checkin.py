"""{% checkin_reconcile activity %}: the check-in box on the activity's page
(activities/checkin/reconcile.py), so the page's view needs no change."""

from django import template

from activities.checkin.reconcile import reconcile
from activities.services import convened_groups

register = template.Library()


@register.inclusion_tag("checkin/_reconcile_box.html", takes_context=True)
def checkin_reconcile(context, activity):
    user = context["request"].user
    is_staff = user.is_office_staff
    can_manage = activity.archived_at is None and (
        is_staff or convened_groups(user).filter(pk=activity.group_id).exists()
    )
    return {
        "activity": activity,
        "can_manage": can_manage,
        "can_apply": is_staff and activity.archived_at is None,
        "show": is_staff or can_manage,
        "rec": reconcile(activity) if (is_staff or can_manage) else None,
        "csrf_token": context.get("csrf_token"),
    }
