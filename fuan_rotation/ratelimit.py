"""A fixed-window counter in Django's cache: how many times a key was used in a window.

Used for the roster search (one key per login). With the default local-memory cache each
worker process counts on its own, so N gunicorn workers allow up to N times the limit; a shared
cache (CACHES with Redis, Memcached or the database cache) makes the limit exact
(docs/operations.md).
"""

import time

from django.core.cache import cache


def allow(key, *, limit, window):
    """Count one use of ``key``; False once it was used more than ``limit`` times in the
    current ``window`` (seconds). ``limit`` 0 or less turns the limit off."""
    if limit <= 0:
        return True
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    cache.add(bucket, 0, timeout=window + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window + 1)
        count = 1
    return count <= limit
