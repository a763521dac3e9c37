"""Public news: the list, article pages, the media page, Atom and iCal feeds, and the
newsletter's subscribe / confirm / unsubscribe pages."""

import json
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from icalendar import Calendar
from icalendar import Event as IcalEvent

from directory.models import Province
from eregion import throttle
from eregion.client_ip import client_ip
from trainings.ical import _event as session_event
from trainings.models import Session

from . import newsletter
from .news_models import Article, Subscriber

PER_PAGE = 12


def _published():
    return Article.objects.published().select_related("venue_settlement")


@require_GET
def index(request):
    articles = _published().prefetch_related("provinces")
    kind = request.GET.get("kind", "")
    if kind in Article.Kind.values:
        articles = articles.filter(kind=kind)
    province = request.GET.get("province", "")
    provinces = list(Province.objects.in_region())
    if province in {p.code for p in provinces}:
        articles = articles.filter(provinces__code=province)
    year = request.GET.get("year", "")
    if year.isdigit() and len(year) == 4:
        articles = articles.filter(published_at__year=int(year))
    years = [d.year for d in Article.objects.published().dates("published_at", "year", "DESC")]
    page = Paginator(articles, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "publications/news/index.html",
        {
            "page": page,
            "kinds": Article.Kind.choices,
            "provinces": provinces,
            "years": years,
            "selected": {"kind": kind, "province": province, "year": year},
            "query": query.urlencode(),
        },
    )


def _structured_data(request, article) -> str:
    """schema.org ``NewsArticle`` or ``Event`` as JSON-LD (escaped for a <script> block)."""
    url = request.build_absolute_uri(article.get_absolute_url())
    if article.kind == Article.Kind.EVENT:
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": article.display_title,
            "description": article.display_summary,
            "startDate": article.starts_at.isoformat(),
            "endDate": article.ends_at.isoformat(),
            "url": url,
            "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode"
            if article.online
            else "https://schema.org/OfflineEventAttendanceMode",
        }
        if article.online and article.online_url:
            data["location"] = {"@type": "VirtualLocation", "url": article.online_url}
        elif article.venue_settlement_id:
            data["location"] = {
                "@type": "Place",
                "name": article.venue_display,
                "address": {
                    "@type": "PostalAddress",
                    "streetAddress": article.venue_address,
                    "addressLocality": article.venue_settlement.name,
                    "addressCountry": "BG",
                },
            }
    else:
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.display_title[:110],
            "description": article.display_summary,
            "datePublished": article.published_at.isoformat(),
            "dateModified": article.updated_at.isoformat(),
            "url": url,
            "publisher": {"@type": "Organization", "name": "РСО „Марица“"},
        }
        if article.author_id:
            data["author"] = {
                "@type": "Person",
                "name": article.author.get_full_name() or "e-Region",
            }
    if article.cover:
        data["image"] = request.build_absolute_uri(article.cover.url)
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@require_GET
def article(request, slug):
    article = get_object_or_404(
        _published()
        .select_related("author")
        .prefetch_related("provinces", "structures", "organisations", "courses", "publications"),
        slug=slug,
    )
    return render(
        request,
        "publications/news/article.html",
        {
            "article": article,
            "structured_data": _structured_data(request, article),
            "page_url": request.build_absolute_uri(article.get_absolute_url()),
        },
    )


@require_GET
def media(request):
    """The project in the media: coverage by outlet, newest first."""
    items = _published().media().order_by("-outlet_date", "-published_at")
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "publications/news/media.html", {"page": page})


class ArticlesFeed(Feed):
    """The newest published articles as Atom."""

    feed_type = Atom1Feed
    title = gettext_lazy("e-Region — новини")
    subtitle = gettext_lazy("Новини, събития и медийни публикации на РСО „Марица“")

    def link(self):
        return "/news/" if translation.get_language() == settings.LANGUAGE_CODE else "/en/news/"

    def items(self):
        return _published()[:30]

    def item_title(self, item):
        return item.display_title

    def item_description(self, item):
        return item.display_summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_guid(self, item):
        return f"tag:eregion,{item.created_at:%Y-%m-%d}:article-{item.pk}"

    item_guid_is_permalink = False


articles_feed = ArticlesFeed()


@require_GET
def events_ical(request):
    """Events and training sessions from the last year on, in one iCalendar feed; times are
    Europe/Sofia (the portal's time zone)."""
    cal = Calendar()
    cal.add("prodid", "-//e-Region//News//BG")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("Събития и обучения — e-Region"))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    since = timezone.now() - timedelta(days=365)
    sofia = timezone.get_current_timezone()
    for article in _published().events().filter(ends_at__gte=since):
        event = IcalEvent()
        event.add("uid", f"event-{article.pk}@eregion")
        event.add("dtstamp", timezone.now())
        event.add("dtstart", article.starts_at.astimezone(sofia))
        event.add("dtend", article.ends_at.astimezone(sofia))
        event.add("summary", article.display_title)
        event.add("description", article.display_summary)
        event.add("url", request.build_absolute_uri(article.get_absolute_url()))
        location = article.online_url if article.online else article.venue_display
        if location:
            event.add("location", location)
        cal.add_component(event)
    sessions = Session.objects.filter(starts_at__gte=timezone.now()).select_related(
        "course", "settlement"
    )
    for session in sessions:
        event = session_event(session, request.build_absolute_uri, f"session-{session.pk}@eregion")
        for name, value in (("dtstart", session.starts_at), ("dtend", session.ends_at)):
            del event[name]
            event.add(name, value.astimezone(sofia))
        cal.add_component(event)
    cal.add_missing_timezones()  # VTIMEZONE Europe/Sofia, so every client reads the times alike
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


# --- Newsletter -----------------------------------------------------------------------------


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Имейл адрес"), max_length=254)
    topics = forms.MultipleChoiceField(
        label=gettext_lazy("Искам да получавам"),
        choices=Subscriber.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Subscriber.Topic.NEWS],
    )


@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and not throttle.allow("newsletter-ip", client_ip(request)):
        return render(request, "eregion/rate_limited.html", status=429)
    if request.method == "POST" and form.is_valid():
        # One address gets a confirmation at most every quarter hour (newsletter.subscribe).
        newsletter.subscribe(
            form.cleaned_data["email"], form.cleaned_data["topics"], translation.get_language()
        )
        return render(request, "publications/news/subscribe_sent.html", status=200)
    return render(request, "publications/news/subscribe.html", {"form": form})


@require_GET
def confirm(request, token):
    subscriber = newsletter.confirm(token)
    return render(
        request,
        "publications/news/confirmed.html",
        {"subscriber": subscriber},
        status=200 if subscriber else 400,
    )


@csrf_exempt  # RFC 8058: mail clients POST here without a session; the signed token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button (link scanners must not unsubscribe anyone); POST unsubscribes,
    including the one-click ``List-Unsubscribe=One-Click`` POST from mail clients."""
    subscriber = Subscriber.from_token(token, Subscriber.UNSUBSCRIBE_SALT)
    if subscriber is None:
        return render(request, "publications/news/unsubscribed.html", {"invalid": True}, status=400)
    if request.method == "POST":
        newsletter.unsubscribe(token)
        return render(request, "publications/news/unsubscribed.html", {"subscriber": subscriber})
    return render(
        request, "publications/news/unsubscribe.html", {"subscriber": subscriber, "token": token}
    )
