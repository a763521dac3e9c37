"""Site pages: home, about the project, about the data, privacy, accessibility, the health check
and the 500 page."""

import datetime
import logging

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from directory.models import AdministrativeStructure, Municipality, Province, Settlement
from ngofamily.models import FamilyMembership, Organisation
from publications.models import Article
from trainings.models import Session

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


def _check(name, probe):
    try:
        probe()
    except Exception as exc:  # a health check reports every failure, whatever its kind
        log.warning("health check %s failed: %s", name, exc)
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"ok": True}


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    cache.set("healthz", "1", 5)
    if cache.get("healthz") != "1":
        raise RuntimeError("cache did not return what was stored")


def _broker():
    from eregion.celery import app

    if not settings.CELERY_BROKER_URL:
        return  # tasks run in-process: nothing to reach
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
def healthz(request):
    """JSON status of the database, cache and broker; 503 when the database is down."""
    checks = {"database": _check("database", _database)}
    checks["cache"] = _check("cache", _cache)
    checks["broker"] = _check("broker", _broker)
    if not settings.CELERY_BROKER_URL:
        checks["broker"]["mode"] = "in-process"
    status = 200 if checks["database"]["ok"] else 503
    body = {"status": "ok" if all(c["ok"] for c in checks.values()) else "degraded", **checks}
    if status == 503:
        body["status"] = "down"
    return JsonResponse(body, status=status)


def server_error(request):
    """The portal's 500 page (``handler500``).

    ``500.html`` is rendered without the request, as Django's own handler does, so it asks
    nothing of the database or the session. When even the frame cannot render (a missing static
    manifest, a broken URLconf) the answer is a plain page in the same words rather than the
    server's bare error.
    """
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
