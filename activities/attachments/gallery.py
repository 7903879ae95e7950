"""Reads: who may see and change an activity's attachments, the gallery on the activity's page,
and the photos of the filing copy."""

from activities.models import Activity, Attachment
from activities.services import convened_groups


def visible_activities(user):
    """The activities whose attachments `user` may see: as the activity's page (everyone signed
    in; archived records only the staff)."""
    activities = Activity.objects.all()
    if not user.is_office_staff:
        activities = activities.filter(archived_at__isnull=True)
    return activities


def editable_activities(user):
    """The activities `user` may attach files to: any for the staff, their own group's
    (not archived) for a convener — the same rule as editing the record."""
    if user.is_office_staff:
        return Activity.objects.all()
    return Activity.objects.filter(group__in=convened_groups(user), archived_at__isnull=True)


def visible_attachments(user):
    """Attachments `user` may open: archived ones only for the staff."""
    attachments = Attachment.objects.filter(activity__in=visible_activities(user))
    if not user.is_office_staff:
        attachments = attachments.active()
    return attachments


def activity_gallery(*, activity, user):
    """The attachments shown on the activity's page: (active, archived — staff only)."""
    attachments = list(activity.attachments.select_related("uploaded_by", "archived_by"))
    active = [a for a in attachments if a.archived_at is None]
    archived = [a for a in attachments if a.archived_at is not None]
    return active, archived if user.is_office_staff else []


def activity_print_photos(activity):
    """The photos printed on the filing copy (活动登记表), in upload order: images only, not
    archived. Each has .pk (for the thumbnail URL), .caption and .original_name."""
    return list(activity.attachments.active().photos().order_by("uploaded_at", "pk"))
