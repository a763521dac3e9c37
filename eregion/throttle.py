"""Rate limits with atomic counters in the cache (``cache.add`` + ``cache.incr``).

A limit counts hits per fixed window (``period`` seconds) for one scope and one key (a client
address, a hashed email). When the cache is unreachable the limit lets the request through
and logs it: the portal keeps working while Redis is down, unthrottled for that while.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)


def _key(scope: str, ident: str, period: int) -> str:
    digest = hashlib.sha256(str(ident).strip().lower().encode()).hexdigest()[:32]
    return f"throttle:{scope}:{digest}:{int(time.time() // period)}"


def allow(scope: str, ident: str, limit: int | None = None, period: int = 3600) -> bool:
    """Count one hit; False once more than ``limit`` hits fell in this window (without a
    limit, ``settings.RATE_LIMITS[scope]`` gives it and its period)."""
    if limit is None:
        limit, period = settings.RATE_LIMITS[scope]
    key = _key(scope, ident, period)
    try:
        cache.add(key, 0, period + 60)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 0, period + 60)
            count = cache.incr(key)
    except Exception:  # the cache is down: keep serving, unthrottled
        log.warning("rate limit %s not counted: the cache is unreachable", scope, exc_info=True)
        return True
    return count <= limit


def allow_all(**idents) -> bool:
    """``allow`` for several scopes of ``settings.RATE_LIMITS`` at once (``signup_ip=...``);
    every one is counted, so a blocked address does not spare the counter of another."""
    results = [allow(scope.replace("_", "-"), ident) for scope, ident in idents.items()]
    return all(results)
