"""Site pages: home, about the project, about the data, privacy, accessibility, the health check
and the 500 page."""

import datetime
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from directory.models import AdministrativeStructure, Municipality, Province, Settlement
from ngofamily.models import FamilyMembership, Organisation
from publications.models import Article
from trainings.models import Session

from . import api

log = logging.getLogger(__name__)


def home(request):
    region = Province.objects.in_region()
    facts = {
        "provinces": region.count(),
        "municipalities": Municipality.objects.in_region().count(),
        "settlements": Settlement.objects.in_region().count(),
    }
    extra_facts = [
        {
            "key": "structures",
            "value": AdministrativeStructure.objects.published().count(),
            "label": _("институции в справочника"),
        },
        {
            "key": "organisations",
            "value": Organisation.objects.published().count(),
            "label": _("граждански организации"),
        },
        {
            "key": "family",
            "value": FamilyMembership.objects.approved().count(),
            "label": _("членове на фамилията НПО"),
        },
    ]
    return render(
        request,
        "eregion/home.html",
        {
            "facts": facts,
            "extra_facts": extra_facts,
            "provinces": region,
            "next_session": Session.objects.next_open(),
            "latest_articles": Article.objects.published()[:3],
        },
    )


def about(request):
    return render(request, "eregion/about.html", {"operator": settings.OPERATOR})


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the real icon."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def privacy(request):
    """The privacy notice: who processes which personal data, why, for how long, and rights."""
    return render(request, "eregion/privacy.html", {"operator": settings.OPERATOR})


# The accessibility statement is a self-assessment made on this day; review it when it is redone.
ACCESSIBILITY_ASSESSED_ON = datetime.date(2026, 12, 1)


def accessibility(request):
    """The accessibility statement (Directive (EU) 2016/2102, the Electronic Governance Act):
    conformance, what is not accessible, how it was assessed, feedback and enforcement."""
    return render(
        request,
        "eregion/accessibility.html",
        {"operator": settings.OPERATOR, "assessed_on": ACCESSIBILITY_ASSESSED_ON},
    )


def about_data(request):
    return render(request, "eregion/about_data.html")


# --- /healthz -------------------------------------------------------------------------------
# Anyone sees a status word per component; staff also see the errors. The results are kept for
# HEALTHZ_CACHE_SECONDS in this process, so a load balancer polling it costs no round trips.
_health = {"at": float("-inf"), "checks": None}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    cache.set("healthz", "1", 5)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not return what was stored")


def _broker():
    from eregion.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _worker():
    """Beat asks a worker to record a heartbeat every minute: stale or missing is degraded."""
    from eregion.models import Heartbeat

    beat_at = Heartbeat.objects.filter(name="worker").values_list("beat_at", flat=True).first()
    if beat_at is None:
        raise RuntimeError("no worker heartbeat yet (are beat and a worker running?)")
    age = (timezone.now() - beat_at).total_seconds()
    if age > settings.WORKER_HEARTBEAT_STALE_SECONDS:
        raise RuntimeError(f"the last worker heartbeat is {age:.0f} s old")
    return f"last heartbeat {age:.0f} s ago"


def _check(name, probe, failure):
    try:
        detail = probe()
    except Exception as exc:  # a health check reports every failure, whatever its kind
        log.warning("health check %s failed: %s", name, exc)
        return {"status": failure, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"status": "ok", **({"detail": detail} if detail else {})}


def _run_checks() -> dict:
    checks = {"database": _check("database", _database, "down")}
    checks["cache"] = _check("cache", _cache, "down")
    if settings.CELERY_BROKER_URL:
        checks["broker"] = _check("broker", _broker, "down")
        if checks["database"]["status"] == "ok":
            checks["worker"] = _check("worker", _worker, "degraded")
        else:
            checks["worker"] = {"status": "degraded", "error": "the database is down"}
    else:  # tasks run in-process: nothing to reach, nothing to wait for
        checks["broker"] = {"status": "ok", "detail": "in-process"}
        checks["worker"] = {"status": "ok", "detail": "in-process"}
    return checks


def health_checks() -> dict:
    now = time.monotonic()
    if _health["checks"] is None or now - _health["at"] >= settings.HEALTHZ_CACHE_SECONDS:
        _health["checks"] = _run_checks()
        _health["at"] = now
    return _health["checks"]


@never_cache
def healthz(request):
    """``{"status": "ok" | "degraded" | "down", "<component>": "<word>", ...}``.

    503 only when the database is down (the page cannot serve anything); a stale worker, an
    unreachable broker or cache is "degraded" with 200: pages still work, and the outbox keeps
    what waits for the worker. Staff signed in also get ``details`` with the errors.
    """
    checks = health_checks()
    words = {name: check["status"] for name, check in checks.items()}
    if words["database"] != "ok":
        status = "down"
    elif all(word == "ok" for word in words.values()):
        status = "ok"
    else:
        status = "degraded"
    body = {"status": status, **words}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        body["details"] = checks
    return JsonResponse(body, status=503 if status == "down" else 200)


def page_not_found(request, exception):
    """Django's 404 with the portal's template; JSON under /api/."""
    if api.is_api(request):
        return api.not_found(request)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """The portal's 500 page (``handler500``).

    ``500.html`` is rendered without the request, as Django's own handler does, so it asks
    nothing of the database or the session. When even the frame cannot render (a missing static
    manifest, a broken URLconf) the answer is a plain page in the same words rather than the
    server's bare error. Under /api/ the answer is JSON.
    """
    if api.is_api(request):
        return api.server_error(request)
    try:
        html = loader.render_to_string("500.html")
    except Exception:  # the error page must answer whatever broke
        log.exception("500.html could not be rendered; answering with the plain page")
        language = get_language() or settings.LANGUAGE_CODE
        home = "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
        title = _("Грешка в сървъра")
        html = (
            f'<!doctype html>\n<html lang="{language}">\n'
            f'<head><meta charset="utf-8"><title>{title} · e-Region</title></head>\n'
            f"<body><h1>{title}</h1>\n"
            f"<p>{_('Нещо се обърка от наша страна. Опитайте отново след малко.')}</p>\n"
            f'<p><a href="{home}">{_("Към началната страница")}</a></p></body>\n</html>\n'
        )
    return HttpResponseServerError(html)
