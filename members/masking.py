"""How a mobile number and an e-mail address look to someone who may not see them.

Who may see them is decided in one place, activities/roster/mobiles.py (ContactVisibility); the
admin, which cannot look at groups (members/ does not depend on activities/), shows full
details only to logins that read everything and masks them for anyone else.
"""


def mask_mobile(mobile):
    """139****1234: enough to recognise a number without being able to call it."""
    if not mobile:
        return ""
    if len(mobile) < 8:
        return "*" * len(mobile)
    return f"{mobile[:3]}****{mobile[-4:]}"


def mask_email(email):
    """z***@example.com: the first letter and the domain; the rest hidden."""
    if not email:
        return ""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
