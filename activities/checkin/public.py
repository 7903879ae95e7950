"""What the public check-in page needs besides writes: finding the open check-in behind a
token, matching a member without revealing membership, and the rate limits."""

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from activities.models import CheckInSession
from members.models import Member

# Rate limits on check-in attempts (POSTs), counted in Django's cache in fixed windows.
# Per address: a venue's Wi-Fi puts a whole room behind one address, so the limit allows
# about a hundred arrivals in ten minutes. Per token: more than the committee (132) and its
# guests arriving at once. Settings CHECKIN_RATE_PER_ADDRESS / CHECKIN_RATE_PER_TOKEN override
# them as (requests, seconds).
RATE_PER_ADDRESS = (100, 600)
RATE_PER_TOKEN = (500, 600)
# Per name, per check-in link: the wrong mobiles typed with one name. The roster shows others
# a mobile with four digits masked (139****0111), so without this cap the answer "checked in"
# or "no match" would let anyone holding the link try the 10,000 numbers left for a name.
# After this many misses the name is refused even with its right number (else the refusal
# would tell the right one), and its owner signs the paper sheet. Setting
# CHECKIN_NAME_FAILURES overrides it as (misses, seconds).
NAME_FAILURES = (5, 24 * 3600)

# Compared against when no member has the typed mobile, so both paths do the same work.
_DECOY_NAME = "\u0000no-member\u0000"


def open_session(token, *, now=None):
    """The CheckInSession behind `token` if it is open now, else None — the same None for a
    closed, expired, not yet open or unknown token, or an activity since cancelled or
    archived. One query either way."""
    if not token or len(token) > 64:
        return None
    session = CheckInSession.objects.select_related("activity").filter(token=token).first()
    if session is None or not session.is_open(now or timezone.now()):
        return None
    activity = session.activity
    if activity.archived_at is not None or activity.status == activity.Status.CANCELLED:
        return None
    return session


def _digest(text):
    return hashlib.sha256(text.encode("utf-8")).digest()


def normalize_name(name):
    """Names as typed on a phone: no spaces of any kind (名字 are written without them)."""
    return "".join((name or "").split())


def member_matching(*, name, mobile):
    """The one active member whose mobile is `mobile` (already normalised, 11 digits) and whose
    name is `name`, or None.

    Whether or not the mobile belongs to anyone, this runs one query and one constant-time
    comparison of two equal-length digests, so neither the answer nor its timing tells which
    half was wrong or whether the number is a member's. Mobiles are unique among members
    (members.Member), so at most one can match.
    """
    if not mobile:
        raise ValueError("member_matching() needs a mobile number")
    candidate = Member.objects.active().filter(mobile=mobile).only("pk", "name").first()
    expected = normalize_name(candidate.name) if candidate is not None else _DECOY_NAME
    same = hmac.compare_digest(_digest(expected), _digest(normalize_name(name)))
    return candidate if (candidate is not None and same) else None


def _rate_key(scope, key, seconds):
    window = int(time.time() // seconds)
    hashed = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    return f"checkin-rate:{scope}:{hashed}:{window}"


def _hit(scope, key, limit):
    requests, seconds = limit
    cache_key = _rate_key(scope, key, seconds)
    cache.add(cache_key, 0, seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, seconds)
        count = 1
    return count > requests


def rate_limited(*, address, token):
    """Count one attempt against the address and the token; True if either is over its limit.

    Both counters are incremented on every attempt, so a client cannot learn from the limit
    whether a token exists.
    """
    per_address = getattr(settings, "CHECKIN_RATE_PER_ADDRESS", RATE_PER_ADDRESS)
    per_token = getattr(settings, "CHECKIN_RATE_PER_TOKEN", RATE_PER_TOKEN)
    over_address = _hit("address", address or "-", per_address)
    over_token = _hit("token", token, per_token)
    return over_address or over_token


def _name_key(token, name):
    return f"{token}:{normalize_name(name)}"


def name_locked(*, token, name):
    """True when `name` has missed NAME_FAILURES times on this link (the check-in is then
    refused whatever the mobile). Reads the counter without adding to it."""
    misses, seconds = getattr(settings, "CHECKIN_NAME_FAILURES", NAME_FAILURES)
    return (cache.get(_rate_key("name", _name_key(token, name), seconds)) or 0) >= misses


def name_missed(*, token, name):
    """Count one wrong mobile typed with `name` on this link."""
    _hit("name", _name_key(token, name), getattr(settings, "CHECKIN_NAME_FAILURES", NAME_FAILURES))
