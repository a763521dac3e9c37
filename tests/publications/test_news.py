"""News: scheduled publishing on the list, home page and Atom feed; sanitised bodies; article
metadata; the iCal feed of events and training sessions."""

import json
import re
from datetime import timedelta

import feedparser
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from directory.models import Province, Settlement
from publications.models import Article
from tests.trainings.factories import SessionFactory

pytestmark = pytest.mark.django_db


def make_article(**kwargs):
    n = Article.objects.count()
    defaults = {
        "title": f"Новина {n}",
        "slug": f"novina-{n}",
        "summary": "Кратко резюме.",
        "body": "Текст на **новината**.",
        "published_at": timezone.now() - timedelta(hours=1),
    }
    return Article.objects.create(**{**defaults, **kwargs})


def test_a_scheduled_article_appears_on_list_home_and_feed_only_from_its_time(
    client, region, monkeypatch
):
    at = timezone.now() + timedelta(hours=2)
    make_article(title="Среща на НПО в Пловдив", slug="sreshta", published_at=at)

    def visible():
        news = client.get(reverse("news:index")).content.decode()
        home = client.get(reverse("home")).content.decode()
        feed_response = client.get(reverse("news:feed"))
        feed = feedparser.parse(feed_response.content)
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == "atom10"
        in_feed = any(e.title == "Среща на НПО в Пловдив" for e in feed.entries)
        article = client.get(reverse("news:article", args=["sreshta"])).status_code
        return (
            "Среща на НПО в Пловдив" in news,
            "Среща на НПО в Пловдив" in home,
            in_feed,
            article,
        )

    assert visible() == (False, False, False, 404)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(hours=2, seconds=1))
    cache.clear()  # two hours on, the pages kept (for at most a minute) have expired
    assert visible() == (True, True, True, 200)


def test_home_shows_the_latest_three_articles(client, region):
    for i in range(5):
        make_article(title=f"Статия {i}", published_at=timezone.now() - timedelta(days=5 - i))
    html = client.get(reverse("home")).content.decode()
    shown = re.findall(r"Статия (\d)", html)
    assert shown == ["4", "3", "2"]


def test_the_feed_holds_entries_with_links_dates_and_ids(client, region):
    make_article(title="Първа", slug="parva")
    feed = feedparser.parse(client.get(reverse("news:feed")).content)
    assert not feed.bozo
    entry = feed.entries[0]
    assert entry.link.endswith("/news/parva/")
    assert entry.id.startswith("tag:eregion,")
    assert entry.published_parsed and entry.updated_parsed


def test_script_handlers_and_javascript_links_are_removed_from_the_body(client, region):
    body = (
        "Добре дошли\n\n<script>alert('x')</script>\n\n"
        '<img src="x.png" onerror="alert(1)" alt="a">\n\n'
        '<a href="javascript:alert(2)" onclick="steal()">натисни</a>\n\n'
        "[връзка](javascript:alert(3)) и [добра](https://rsomaritsa.bg)\n\n"
        '<p onmouseover="alert(4)">текст</p>'
    )
    article = make_article(slug="xss", body=body, body_en=body)
    for stored in (article.body_html, article.body_en_html):
        lowered = stored.lower()
        assert "<script" not in lowered
        assert "alert(" not in lowered.replace("alert('x')", "")  # script text may stay as text
        assert "onerror" not in lowered and "onclick" not in lowered
        assert "onmouseover" not in lowered and "javascript:" not in lowered
    page = client.get(reverse("news:article", args=["xss"])).content.decode()
    body_part = page.split('class="article-body">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in body_part
    assert "onerror" not in body_part and "onclick" not in body_part
    assert "javascript:" not in body_part
    assert 'href="https://rsomaritsa.bg"' in body_part
    assert "Добре дошли" in body_part


def test_article_page_carries_open_graph_and_news_article_data(client, region):
    make_article(title="Нов наръчник", slug="narachnik", summary="Излезе наръчникът.")
    html = client.get(reverse("news:article", args=["narachnik"])).content.decode()
    assert '<meta property="og:title" content="Нов наръчник">' in html
    assert '<meta property="og:description" content="Излезе наръчникът.">' in html
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Нов наръчник"


def test_event_page_carries_schema_org_event_with_its_place(client, region):
    plovdiv = Settlement.objects.get(ekatte="56784")
    start = timezone.now() + timedelta(days=3)
    make_article(
        kind=Article.Kind.EVENT, slug="forum", title="Форум", starts_at=start,
        ends_at=start + timedelta(hours=3), venue_settlement=plovdiv, venue_address="ул. Главна 1",
    )  # fmt: skip
    html = client.get(reverse("news:article", args=["forum"])).content.decode()
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert data["@type"] == "Event"
    assert data["location"]["address"]["addressLocality"] == plovdiv.name
    assert "ул. Главна 1" in html


def test_list_filters_by_kind_province_and_year(client, region):
    pdv = Province.objects.get(code="PDV")
    a = make_article(title="Пловдивска", published_at=timezone.now() - timedelta(days=400))
    a.provinces.add(pdv)
    make_article(title="Медийна", kind=Article.Kind.MEDIA, outlet="БНР")
    url = reverse("news:index")
    assert "Пловдивска" in client.get(url, {"province": "PDV"}).content.decode()
    assert "Медийна" not in client.get(url, {"province": "PDV"}).content.decode()
    media = client.get(url, {"kind": "media"}).content.decode()
    assert "Медийна" in media and "Пловдивска" not in media
    year = str(a.published_at.year)
    assert "Медийна" not in client.get(url, {"year": year}).content.decode()
    assert "БНР" in client.get(reverse("news:media")).content.decode()


def test_list_is_paginated_with_a_fixed_number_of_queries(
    client, region, django_assert_max_num_queries
):
    for i in range(30):
        make_article(slug=f"a{i}")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("news:index"), {"page": 2})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 12


def test_ical_feed_holds_events_and_upcoming_sessions_in_sofia_time(client, region):
    start = timezone.now() + timedelta(days=10)
    make_article(
        kind=Article.Kind.EVENT, slug="konferentsia", title="Заключителна конференция",
        starts_at=start, ends_at=start + timedelta(hours=4), online=True,
        online_url="https://meet.example.org/x",
    )  # fmt: skip
    make_article(
        kind=Article.Kind.EVENT, slug="budeshto", title="Бъдещо", starts_at=start,
        ends_at=start + timedelta(hours=1), published_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    session = SessionFactory(course__title="Застъпнически кампании")
    SessionFactory(
        course__title="Минало",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=30, hours=-2),
    )
    response = client.get(reverse("news:ical"))
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Заключителна конференция", "Застъпнически кампании"}
    for event in events.values():
        assert event["dtstart"].params["TZID"] == "Europe/Sofia"
        assert str(event["dtstart"].dt.tzinfo) == "Europe/Sofia"
    # 17:21 in Sofia is 15:21 UTC in winter: the same instant (iCal has whole seconds)
    assert events["Застъпнически кампании"]["dtstart"].dt == session.starts_at.replace(
        microsecond=0
    )
    assert events["Заключителна конференция"]["dtstart"].dt == start.replace(microsecond=0)
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Sofia"]


def test_english_page_shows_the_english_version_when_written(client, region):
    make_article(slug="dvuezichna", title="Заглавие", title_en="Title", body_en="English *body*")
    html = client.get("/en/news/dvuezichna/").content.decode()
    assert "Title" in html and "<em>body</em>" in html
    assert "Заглавие" in client.get("/news/dvuezichna/").content.decode()


def test_staff_add_an_article_in_admin_with_a_checked_cover(client, staff_user, region):
    from django.contrib.auth.models import Permission
    from django.core.files.uploadedfile import SimpleUploadedFile

    staff_user.user_permissions.add(*Permission.objects.filter(codename__endswith="_article"))
    client.force_login(staff_user)
    data = {
        "kind": "news", "title": "От админа", "slug": "ot-admina", "summary": "Кратко.",
        "body": "Текст", "published_at_0": "2026-01-01", "published_at_1": "10:00",
        "cover": SimpleUploadedFile("cover.png", b"not an image", content_type="image/png"),
    }  # fmt: skip
    response = client.post(reverse("admin:publications_article_add"), data)
    assert response.status_code == 200 and not Article.objects.filter(slug="ot-admina").exists()
    assert "cover" in response.context["adminform"].form.errors
    del data["cover"]
    response = client.post(reverse("admin:publications_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(slug="ot-admina").body_html == "<p>Текст</p>"
