"""What each middleware of the portal costs on an anonymous GET: a trivial view (the bare app's
"ok") served in-process through Django's WSGI handler with the production settings, with no
middleware and with the whole ``MIDDLEWARE`` stack, and each middleware's own share of the
latter.

    DEBUG=0 SECRET_KEY=x DATABASE_URL=postgres://… CACHE_URL=rediscache://… \\
        .venv/bin/python bench/middleware.py [--requests 3000]

``bench/http.py`` runs it and includes its table. Times are microseconds per request of one
Python process (CPU time, the best of ``--rounds`` rounds), so they add up to a worker's CPU per
request.
"""

import argparse
import os
import sys
import time
import types
from pathlib import Path

# BENCH_PROJECT: measure another checkout's settings (bench/http.py --project).
ROOT = Path(os.environ.get("BENCH_PROJECT") or Path(__file__).resolve().parent.parent)
sys.path[0] = str(ROOT)  # not bench/: bench/http.py would hide the standard library's http
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eregion.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory, override_settings  # noqa: E402
from django.urls import path  # noqa: E402

URL = "/bench-trivial"


def trivial(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


def _urlconf():
    """The portal's URLs (i18n patterns included, as LocaleMiddleware sees them) plus the
    trivial view."""
    from eregion import urls

    module = types.ModuleType("bench_trivial_urls")
    module.urlpatterns = [path(URL.lstrip("/"), trivial), *urls.urlpatterns]
    module.handler500 = getattr(urls, "handler500", None)
    sys.modules[module.__name__] = module
    return module.__name__


def time_stack(stack: list[str], requests: int, rounds: int) -> float:
    """Microseconds per request through ``stack`` (best round)."""
    factory = RequestFactory()
    headers = {"HTTP_HOST": settings.ALLOWED_HOSTS[0], "HTTP_X_FORWARDED_PROTO": "https"}
    headers["HTTP_ACCEPT_LANGUAGE"] = "bg,en;q=0.8"
    statuses = set()

    def start_response(status, response_headers, exc_info=None):
        statuses.add(status)

    best = float("inf")
    with override_settings(MIDDLEWARE=stack, ROOT_URLCONF=_urlconf()):
        handler = WSGIHandler()
        for _ in range(rounds):
            environs = [
                factory._base_environ(PATH_INFO=URL, REQUEST_METHOD="GET", **headers)
                for _ in range(requests)
            ]
            started = time.process_time()  # CPU: steadier on a shared machine
            for environ in environs:
                result = handler(environ, start_response)
                b"".join(result)
                result.close()
            best = min(best, (time.process_time() - started) / requests * 1e6)
    assert statuses == {"200 OK"}, statuses
    return best


def attribute(stack: list[str], requests: int) -> list[tuple[str, float]]:
    """Each middleware's own CPU per request through the whole stack, measured in the same
    requests: the time inside its ``__call__`` (and its ``process_view``) less the time inside
    the layers it wraps. One run, so the noise of a shared machine falls on all alike."""
    from django.core.handlers.base import BaseHandler
    from django.utils.module_loading import import_string

    clock = time.process_time
    inside = [0.0] * (len(stack) + 1)  # inclusive time of each layer; last: the handler
    views = [0.0] * len(stack)  # process_view time of each middleware
    module = types.ModuleType("bench_timed_middleware")
    sys.modules[module.__name__] = module

    class Timed:
        """Builds the real middleware and times its calls (Django sees only this layer)."""

        def __init__(self, index, inner):
            self.index, self.inner = index, inner
            if hasattr(inner, "process_view"):
                self.process_view = self._process_view

        def __call__(self, request):
            started = clock()
            try:
                return self.inner(request)
            finally:
                inside[self.index] += clock() - started

        def _process_view(self, *args, **kwargs):
            started = clock()
            try:
                return self.inner.process_view(*args, **kwargs)
            finally:
                views[self.index] += clock() - started

    def factory(index, dotted):
        real = import_string(dotted)

        def build(get_response):
            return Timed(index, real(get_response))

        build.sync_capable, build.async_capable = True, False
        return build

    for index, dotted in enumerate(stack):
        setattr(module, f"m{index}", factory(index, dotted))
    original_get_response = BaseHandler._get_response

    def _get_response(self, request):
        started = clock()
        try:
            return original_get_response(self, request)
        finally:
            inside[-1] += clock() - started

    BaseHandler._get_response = _get_response
    try:
        time_stack([f"{module.__name__}.m{i}" for i in range(len(stack))], requests, 1)
    finally:
        BaseHandler._get_response = original_get_response
    costs = []
    for index, name in enumerate(stack):
        own = inside[index] - inside[index + 1] + views[index]
        costs.append((name, own / requests * 1e6))
    costs.append(("(URL resolving and the view)", (inside[-1] - sum(views)) / requests * 1e6))
    return costs


def measure(requests: int = 2000, rounds: int = 5) -> list[tuple[str, float]]:
    stack = list(settings.MIDDLEWARE)
    time_stack(stack, 200, 1)  # warm up imports and caches
    bare = time_stack([], requests, rounds)
    # What an anonymous visitor's GET costs once the page is kept: the page cache answers it.
    hit = time_stack(stack, requests, rounds)
    with override_settings(PAGE_CACHE_SECONDS=0):  # every page rendered: each layer's share
        full = time_stack(stack, requests, rounds)
        shares = attribute(stack, requests)
    return [("no middleware", bare), ("the whole stack", full), ("a page-cache hit", hit), *shares]


def report(rows) -> str:
    bare = rows[0][1]
    full = rows[1][1]
    hit = rows[2][1]
    lines = [
        "| middleware | CPU µs per request |",
        "| --- | ---: |",
        f"| the trivial view, no middleware | {bare:.0f} |",
        f"| the trivial view through the whole stack ({len(rows) - 4} middleware), rendered "
        f"| {full:.0f} ({full / bare:.1f} ×) |",
        f"| the same, answered from the page cache | {hit:.0f} ({hit / bare:.1f} ×) |",
    ]
    for name, cost in rows[3:]:
        lines.append(f"| `{name}` | {cost:.0f} |")
    lines.append(
        f"\nThe stack adds {full - bare:.0f} µs to a trivial anonymous GET that is rendered, "
        f"{hit - bare:.0f} µs to one answered from the page cache (a round trip to the cache "
        "for the data version). Each middleware's line is its own share of the rendered "
        "request, measured inside one run through the whole stack with the page cache off "
        "(its `__call__` and `process_view` less the layers it wraps; timing adds about 1 µs "
        "each)."
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rows = measure(args.requests, args.rounds)
    print(report(rows))


if __name__ == "__main__":
    main()
