"""Anonymous pages that caches can keep, and a page cache in the Django cache (Redis).

A visitor without a session cookie is anonymous without asking the session (so the page does
not vary on the cookie). Their GETs of public pages are kept whole in the cache, keyed by the
scheme and the address (with its query string; the language is in the address) and the htmx
headers, each with the **data version** it was rendered at; every answer carries an ``ETag``
and ``Last-Modified``, so a browser or proxy revalidates with a 304, and ``Cache-Control:
public, max-age=PAGE_CACHE_SECONDS``.

The data version is one counter in the cache, bumped (at once and again when the transaction
commits) on every save or delete of a model a public page shows, after every change staff make
in the admin (bulk actions and imports included, which send no signals) and by the data
loaders. A page kept at another version than the current one is not served, so a change shows
at once. Pages that also change with the clock (open now, upcoming sessions, scheduled news)
are kept at most ``PAGE_CACHE_SECONDS``.

The middleware is the first of the stack: a kept page already carries every header the rest
of the stack added when it was rendered (security headers, CSP), so a hit is answered with one
cache round trip (the version and the page in one ``MGET``; only the version, a few bytes, when
this process holds the page in its own memory, ``PAGE_CACHE_LOCAL_BYTES``) and nothing else: no
session, no URL resolving, no other middleware. ``/healthz`` for anonymous callers (load
balancers) is answered the same way from the process's own memory for
``HEALTHZ_CACHE_SECONDS``, the time its checks are reused anyway.

Signed-in visitors (and anyone carrying a session or a pending message) always get a fresh
page, marked ``private, no-cache``. When the cache is unreachable, pages are rendered as if
nothing were cached.
"""

import contextlib
import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import get_conditional_response, has_vary_header
from django.utils.http import http_date, parse_http_date_safe

log = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
SAFE_METHODS = ("GET", "HEAD")
# Request headers that change what the same address answers (the htmx part of a list page;
# the API's JSON or browsable HTML).
KEY_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_HISTORY_RESTORE_REQUEST", "HTTP_HX_TARGET")
# The request headers that can turn an answer into a 304 (or a 412).
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# Changed with the shape of a kept entry, so that a deployment never reads its predecessor's.
ENTRY_FORMAT = "page2"
MAX_BYTES = 1024 * 1024  # larger answers (whole-directory downloads) are not kept
# Models no public page shows: their changes do not touch the page cache.
NOT_SHOWN = {
    "directory.inaccuracyreport",
    "directory.searchword",
    "eregion.outboundemail",
    "publications.newsletterdelivery",
    "publications.subscriber",
    "publications.newsletterissue",
}
WATCHED_APPS = ("directory", "ngofamily", "trainings", "publications")

_local = threading.local()


def seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 60)


# --- the data version ---------------------------------------------------------------------


def _new_version() -> int:
    # Microseconds: a counter lost with the cache restarts above every number used before,
    # which pages a process still holds (and its memo) were kept at; bumps never outrun it.
    return time.time_ns() // 1000


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _bump_now() -> None:
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet (or the cache was emptied)
            cache.set(VERSION_KEY, _new_version(), timeout=None)
    except Exception:  # the cache is down: nothing is served from it either
        log.warning("page cache: could not bump the data version", exc_info=True)


def bump() -> None:
    """The data public pages show changed: no page cached before this is served again.

    Bumped at once (so this request, or a test, sees the change), and again when the current
    transaction commits, so a page rendered in between from the old data is not kept.
    """
    if getattr(_local, "deferred", 0):
        _local.pending = True
        return
    _bump_now()
    from django.db import connection

    if connection.in_atomic_block and not any(
        func is _bump_now for _sids, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_bump_now, robust=True)


@contextlib.contextmanager
def bulk_changes():
    """Many writes (a loader, an import; bulk writes send no signals): one bump when they are
    done instead of one per row."""
    _local.deferred = getattr(_local, "deferred", 0) + 1
    try:
        yield
    finally:
        _local.deferred -= 1
        if not _local.deferred:
            _local.pending = False
            bump()


def _changed(sender, **kwargs):
    if not kwargs.get("raw"):
        bump()


def connect_signals() -> None:
    """Bump the version on every save and delete of what public pages show."""
    from django.apps import apps

    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models():
            name = model._meta.label_lower
            if name in NOT_SHOWN or model.__name__.startswith("Historical"):
                continue
            uid = f"pagecache:{name}"
            post_save.connect(_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_changed, sender=model, dispatch_uid=uid)
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(_changed, sender=field.remote_field.through, dispatch_uid=uid)


# --- what pages build from slowly changing data -----------------------------------------

_memo: dict = {}


def memo(key, build):
    """``build()``, kept in this process while the data version stays the one the page cache
    read for the current request (the geography, the services, the filters' options: the same
    for every page, and a few milliseconds each to build); built afresh outside such a
    request. Values are shared between requests: treat them as read-only."""
    version = getattr(_local, "version", None)
    if version is None:
        return build()
    kept = _memo.get(key)
    if kept is not None and kept[0] == version:
        return kept[1]
    value = build()
    if len(_memo) > 200:  # keys are few (a filter's options per province and language)
        _memo.clear()
    _memo[key] = (version, value)
    return value


# --- the middleware -----------------------------------------------------------------------


class LocalPages:
    """The pages this process kept or fetched last (least recently used first out, up to
    ``limit`` bytes of content, each for at most ``PAGE_CACHE_SECONDS``): a hit on one of them
    asks the cache only for the data version, a few bytes, instead of the whole page."""

    def __init__(self, limit: int):
        self.limit = limit
        self.pages: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            item = self.pages.get(key)
            if item is None:
                return None
            if time.monotonic() >= item[0]:
                self._drop(key)
                return None
            self.pages.move_to_end(key)
            return item[1]

    def put(self, key, entry):
        size = len(entry["content"])
        if size > self.limit:
            return
        with self.lock:
            if key in self.pages:
                self._drop(key)
            self.pages[key] = (time.monotonic() + seconds(), entry)
            self.size += size
            while self.size > self.limit:
                self._drop(next(iter(self.pages)))

    def clear(self):
        with self.lock:
            self.pages.clear()
            self.size = 0

    def _drop(self, key):
        _expires, entry = self.pages.pop(key)
        self.size -= len(entry["content"])


# The last anonymous /healthz answer of this process (an entry, with "at": monotonic time).
_health_answer: dict = {}

_local_pages = LocalPages(getattr(settings, "PAGE_CACHE_LOCAL_BYTES", 16 * 1024 * 1024))


def _has_session(request) -> bool:
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _release() -> str:
    """The static files' manifest hash: a deployment with other static files (and so other
    pages) starts with a cache of its own, and one whose pages fail is not hidden behind the
    pages its predecessor left in a shared cache."""
    return getattr(staticfiles_storage, "manifest_hash", "")


def _key(request, host: str) -> str:
    # The language is the address's (eregion.locale.PathLocaleMiddleware), so the address
    # says it; the scheme, because HTTPS pages carry headers (HSTS) that plain ones do not.
    meta = request.META
    # The host (already checked against ALLOWED_HOSTS) is part of the key: pages carry
    # absolute addresses.
    parts = [request.scheme, host, request.get_full_path(), _release()]
    parts += [meta.get(h, "") for h in KEY_HEADERS]
    if request.path.startswith("/api/"):
        parts.append(meta.get("HTTP_ACCEPT", ""))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]
    return f"pagecache:{ENTRY_FORMAT}:{digest}"


def _storable(request, response) -> bool:
    return (
        request.method in SAFE_METHODS  # HEAD renders the page too; the server drops the body
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and len(response.content) <= MAX_BYTES
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page holds a CSRF token
        and not getattr(getattr(request, "session", None), "accessed", False)
        and not has_vary_header(response, "Cookie")
        and not _cache_control_forbids(response)
    )


def _cache_control_forbids(response) -> bool:
    value = response.get("Cache-Control", "").lower()
    return any(word in value for word in ("private", "no-cache", "no-store", "max-age=0"))


def _entry(response, **more) -> dict:
    """What is kept of an answer: its status, body and headers (as Django keeps them: lower-cased
    name -> (name, value)), for ``_from_entry``."""
    return {
        "status": response.status_code,
        "content": response.content,
        "headers": dict(response.headers._store),
        **more,
    }


def _from_entry(entry) -> HttpResponse:
    response = HttpResponse(entry["content"], status=entry["status"])
    # The headers were checked when the page was rendered; copied as they are (the mapping
    # Django keeps them in: lower-cased name -> (name, value)) they cost no second check.
    response.headers._store.update(entry["headers"])
    return response


class PageCacheMiddleware:
    """Serve and keep anonymous GETs in the page cache (see the module's docstring).

    It is the first middleware: the pages it keeps carry the headers all the others added, and
    a hit costs nothing but the cache's round trip.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        skipped = [settings.STATIC_URL or "", settings.MEDIA_URL or ""]
        self.skipped = tuple(p for p in skipped if p.startswith("/") and p != "/")
        try:
            self.health_path = reverse("healthz")
        except NoReverseMatch:  # another URLconf (bench/middleware.py's)
            self.health_path = None

    def __call__(self, request):
        anonymous = not _has_session(request)
        if anonymous:
            # No session cookie, no session: anonymous without reading the session, which
            # would add "Vary: Cookie" to every page.
            request.user = AnonymousUser()
            request._cached_user = request.user
        usable = (
            anonymous
            and request.method in SAFE_METHODS
            and "messages" not in request.COOKIES
            and not request.path_info.startswith(self.skipped)
        )
        host = None
        if usable:
            try:
                host = request.get_host()  # checked against ALLOWED_HOSTS
            except DisallowedHost:  # the stack answers it: a 400 in the address's language
                usable = False
        if usable and request.path_info == self.health_path:
            return self._health(request)
        key = version = None
        if usable and seconds() > 0:
            key = _key(request, host)
            try:
                version, entry = self._lookup(key)
            except Exception:
                log.warning("page cache unreachable; rendering the page", exc_info=True)
                key = entry = None
            if entry is not None and entry.get("version") == version:
                response = _from_entry(entry)
                response["X-Page-Cache"] = "hit"
                return self._conditional(request, response)

        _local.version = version  # for memo() while the page renders
        try:
            response = self.get_response(request)
        finally:
            _local.version = None

        if request.method not in SAFE_METHODS and _is_admin(request) and response.status_code < 500:
            bump()  # staff changed something, perhaps in bulk (actions and imports send no signals)
        if key and _storable(request, response):
            self._keep(key, version, response)
            response["X-Page-Cache"] = "miss"
            return self._conditional(request, response)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "private, no-cache"
        return response

    @staticmethod
    def _lookup(key):
        """The current data version and the page kept under ``key``: one round trip, for the
        version alone when this process holds the page itself."""
        local = _local_pages.get(key)
        if local is not None:
            get = getattr(cache, "get_direct", cache.get)  # eregion.cache.RedisCache's
            version = get(VERSION_KEY)
            if version is not None and local["version"] == version:
                return version, local
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        if version is None:
            version = current_version()
        entry = found.get(key)
        if entry is not None and entry.get("version") == version:
            _local_pages.put(key, entry)
        return version, entry

    def _keep(self, key, version, response):
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.md5(response.content).hexdigest()}"'
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date()
        if "Cache-Control" not in response:
            response["Cache-Control"] = f"public, max-age={seconds()}"
        # The version read before rendering: a bump since then misses.
        entry = _entry(response, version=version)
        try:
            cache.set(key, entry, seconds())
        except Exception:
            log.warning("page cache unreachable; page not kept", exc_info=True)
        else:
            _local_pages.put(key, entry)

    def _health(self, request):
        """Anonymous ``/healthz``: the whole answer reused for ``HEALTHZ_CACHE_SECONDS`` in this
        process (the view reuses its checks that long anyway), without the rest of the stack."""
        now = time.monotonic()
        kept = _health_answer.get("kept")
        if kept is not None and now - kept["at"] < settings.HEALTHZ_CACHE_SECONDS:
            return _from_entry(kept)
        response = self.get_response(request)
        if not response.cookies and not response.streaming:
            _health_answer["kept"] = _entry(response, at=now)
        return response

    def _conditional(self, request, response):
        if not any(header in request.META for header in CONDITIONAL_HEADERS):
            return response  # nothing to compare (most requests): no dates to parse
        return (
            get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=_parse(response.get("Last-Modified")),
                response=response,
            )
            or response
        )


def _parse(value):
    return parse_http_date_safe(value) if value else None


def _is_admin(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and "admin" in match.namespaces)
