"""Who may see a member's mobile number, and how it looks to everyone else."""

from activities.services import member_group


def mask_mobile(mobile):
    """139****1234: enough to recognise a number without being able to call it."""
    if not mobile:
        return ""
    if len(mobile) < 8:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"


class MobileVisibility:
    """Staff and leadership see every mobile; others only those of their own group."""

    def __init__(self, user):
        self.user = user
        self.all = user.can_read_all
        self.own_member_id = user.member_id
        self.group_id = None
        if not self.all and user.member_id:
            group = member_group(user.member_id)
            self.group_id = group.pk if group else None

    def shows(self, member, group_id):
        if self.all or member.pk == self.own_member_id:
            return True
        return self.group_id is not None and group_id == self.group_id

    def display(self, member, group_id):
        return member.mobile if self.shows(member, group_id) else mask_mobile(member.mobile)
