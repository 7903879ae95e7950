"""{% attachment_gallery %} on the activity's page; {% activity_photos activity as photos %} for
the filing copy's photo block (templates/activities/attachments/_print.html)."""

from django import template
from django.conf import settings

from activities.attachments.gallery import activity_gallery, activity_print_photos
from activities.models import Activity

register = template.Library()


@register.inclusion_tag("activities/attachments/_gallery.html", takes_context=True)
def attachment_gallery(context):
    """Needs `activity`, `request` and `can_edit` (the activity page's context)."""
    activity, user = context["activity"], context["request"].user
    active, archived = activity_gallery(activity=activity, user=user)
    return {
        "activity": activity,
        "attachments": active,
        "archived": archived,
        "can_edit": context.get("can_edit", False),
        "is_staff": user.is_office_staff,
        # A convener's upload or archive sends an approved record back to review
        # (activities.attachments.services): said before they do it.
        "returns_to_review": not user.is_office_staff
        and activity.status == Activity.Status.HELD
        and activity.review_status == Activity.Review.APPROVED,
        "max_file_mb": settings.ATTACHMENT_MAX_FILE_SIZE // (1024 * 1024),
        "max_files": settings.ATTACHMENT_MAX_FILES,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def activity_photos(activity):
    return activity_print_photos(activity)
