"""Who may see a member's mobile number and e-mail address, and how they look to everyone else.

This is the one rule (issue 12, item 1): staff and leadership see every member's contact
details; a convener or member sees their own and their current group's; everyone else sees
``139****1234`` and ``z***@example.com``. Every page that shows or searches contact details
asks ``ContactVisibility`` (the roster list and member page, group pages, 我的轮值组, the
roster search, the member's change history). The roster export is for staff only. The admin
(members/admin.py), which cannot look at groups, shows them in full only to logins that read
everything and masks them for any other.
"""

import re

from activities.models import GroupMembership
from activities.services import member_group
from members.masking import mask_email, mask_mobile

__all__ = [
    "ContactVisibility",
    "MobileVisibility",
    "looks_like_number",
    "mask_email",
    "mask_mobile",
]

_DIGITS = re.compile(r"\d")


def looks_like_number(text):
    """Whether a search text asks for digits (then it is a search by number)."""
    return bool(_DIGITS.search(text or ""))


class ContactVisibility:
    """Staff and leadership see every mobile and e-mail; others only their own group's."""

    def __init__(self, user):
        self.user = user
        self.all = bool(getattr(user, "can_read_all", False))
        self.own_member_id = getattr(user, "member_id", None)
        self.group_id = None
        if not self.all and self.own_member_id:
            group = member_group(self.own_member_id)
            self.group_id = group.pk if group else None

    def shows(self, member, group_id):
        """Whether this login sees ``member``'s contact details (``group_id``: their group)."""
        if self.all or member.pk == self.own_member_id:
            return True
        return self.group_id is not None and group_id == self.group_id

    def display(self, member, group_id):
        return member.mobile if self.shows(member, group_id) else mask_mobile(member.mobile)

    def display_email(self, member, group_id):
        return member.email if self.shows(member, group_id) else mask_email(member.email)

    def searchable_mobiles(self):
        """For ``MemberQuerySet.search(mobiles_of=…)``: None (every number) or member ids."""
        if self.all:
            return None
        ids = [self.own_member_id] if self.own_member_id else []
        if self.group_id is not None:
            group_members = GroupMembership.objects.current().filter(group_id=self.group_id)
            ids.extend(group_members.values_list("member_id", flat=True))
        return ids


# The name the pages used before e-mail joined the rule.
MobileVisibility = ContactVisibility
