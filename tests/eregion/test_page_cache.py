"""Anonymous pages that caches can keep: no cookie and no ``Vary: Cookie``, an ETag answered
with 304, ``public, max-age``; kept in the page cache until the data they show changes (a
staff edit, a bulk action, an import shows at once); signed-in visitors always get a fresh,
private page; pages still render when the cache is down."""

from html.parser import HTMLParser

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from directory.models import AdministrativeStructure
from eregion import pagecache
from ngofamily.models import Organisation, Survey, WorkArea
from publications.models import Publication
from trainings.models import Course

pytestmark = pytest.mark.django_db

PLOVDIV = "/directory/obshtina-plovdiv/"


def public_pages():
    """One address of every public page type."""
    organisation = Organisation.objects.published().order_by("pk").first()
    return [
        "/",
        "/en/",
        "/about/",
        "/privacy/",
        "/directory/",
        "/directory/?q=Plovdv",
        "/en/directory/?q=court",
        "/directory/?province=plovdiv&kind=municipal",
        PLOVDIV,
        "/en" + PLOVDIV,
        "/directory/provinces/plovdiv/",
        "/directory/municipalities/plovdiv/",
        "/directory/map/",
        "/directory/open-data/",
        "/ngos/",
        "/ngos/?q=читалище",
        organisation.get_absolute_url(),
        "/family/",
        "/family/charter/",
        "/family/areas/",
        reverse("family:area", args=[WorkArea.objects.order_by("pk").first().slug]),
        "/family/plan/",
        "/trainings/",
        Course.objects.order_by("pk").first().get_absolute_url(),
        "/trainings/results/",
        "/publications/",
        Publication.objects.order_by("pk").first().get_absolute_url(),
        "/news/",
        Survey.objects.order_by("pk").first().get_absolute_url(),
        "/api/v1/structures/?q=пловдив",
    ]


def test_anonymous_pages_set_no_cookie_and_caches_may_keep_them(region):
    for url in public_pages():
        response = Client().get(url)
        assert response.status_code == 200, url
        assert not response.cookies, f"{url} sets {list(response.cookies)}"
        vary = response.get("Vary", "")
        assert "cookie" not in vary.lower(), f"{url}: Vary: {vary}"
        assert response["Cache-Control"] == "public, max-age=60", url
        assert response.has_header("ETag") and response.has_header("Last-Modified"), url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url


def test_a_page_with_a_form_that_needs_a_token_is_not_kept(region):
    response = Client().get(reverse("news:subscribe"))
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert response["Cache-Control"] == "private, no-cache"
    assert "X-Page-Cache" not in response
    assert "X-Page-Cache" not in Client().get(reverse("news:subscribe"))


def test_the_second_visitor_gets_the_kept_page_and_a_browser_revalidates_with_304(region):
    first = Client().get(PLOVDIV)
    assert first["X-Page-Cache"] == "miss"
    second = Client().get(PLOVDIV)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content and second["ETag"] == first["ETag"]
    # The kept page carries the headers the whole stack gave it, though a hit skips the stack.
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Type",
    ):
        assert second[header] == first[header], header

    again = Client().get(PLOVDIV, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and not again.content
    since = Client().get(PLOVDIV, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert Client().get(PLOVDIV, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_a_hit_costs_one_cache_round_trip_and_no_query(
    region, monkeypatch, django_assert_num_queries
):
    from django.core.cache import cache

    Client().get(PLOVDIV)
    calls, depth = [], [0]

    def counted(name, method):
        def call(*args, **kwargs):  # the calls the middleware makes, not the backend's own
            if not depth[0]:
                calls.append(name)
            depth[0] += 1
            try:
                return method(*args, **kwargs)
            finally:
                depth[0] -= 1

        return call

    for name in ("get", "get_many", "set", "add", "incr"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    with django_assert_num_queries(0):
        response = Client().get(PLOVDIV)
    assert response["X-Page-Cache"] == "hit"
    assert calls == ["get"]  # this process holds the page: only the data version is asked

    pagecache._local_pages.clear()  # another process, which has not served the page yet
    calls.clear()
    with django_assert_num_queries(0):
        response = Client().get(PLOVDIV)
    assert response["X-Page-Cache"] == "hit"
    assert calls == ["get_many"]  # the data version and the page, together
    calls.clear()
    assert Client().get(PLOVDIV)["X-Page-Cache"] == "hit" and calls == ["get"]


def test_the_key_holds_the_address_the_language_and_the_htmx_part(region):
    page = Client().get("/directory/?q=plovdiv").content.decode()
    part = Client().get("/directory/?q=plovdiv", HTTP_HX_REQUEST="true")
    assert part["X-Page-Cache"] == "miss" and "<html" not in part.content.decode()
    assert "<html" in Client().get("/directory/?q=plovdiv").content.decode()
    english = Client().get("/en/directory/?q=plovdiv")
    assert english["X-Page-Cache"] == "miss" and '<html lang="en">' in english.content.decode()
    other = Client().get("/directory/?q=haskovo")
    assert other["X-Page-Cache"] == "miss" and other.content.decode() != page


def test_signed_in_visitors_get_fresh_private_pages(client, user, region):
    Client().get(PLOVDIV)
    assert Client().get(PLOVDIV)["X-Page-Cache"] == "hit"
    client.force_login(user)
    response = client.get(PLOVDIV)
    assert "X-Page-Cache" not in response
    assert response["Cache-Control"] == "private, no-cache"
    assert reverse("account-profile") in response.content.decode()  # their own menu
    assert not any(key.startswith(":1:pagecache:") for key in _kept_keys() if "private" in key)


def _kept_keys():
    from django.core.cache import cache

    return list(getattr(cache, "_cache", {}).keys())


def test_a_message_after_a_post_is_not_served_from_or_kept_in_the_cache(client, region):
    Client().get(PLOVDIV)
    response = client.post(PLOVDIV + "report/", {"message": "Телефонът е сменен."}, follow=True)
    assert "Благодарим" in response.content.decode()
    assert "Благодарим" not in Client().get(PLOVDIV).content.decode()


class _FormData(HTMLParser):
    """What a browser submits for the form with ``form_id`` as the page shows it."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, []
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append(
                (a["name"], a.get("value", "on" if a.get("type") == "checkbox" else ""))
            )
        elif tag == "select":
            self.select = (a.get("name"), "multiple" in a, [], None)
        elif tag == "option" and self.select:
            name, multiple, chosen, first = self.select
            if first is None:
                self.select = (name, multiple, chosen, a.get("value", ""))
            if "selected" in a:
                chosen.append(a.get("value", ""))
        elif tag == "textarea":
            self.textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            name, multiple, chosen, first = self.select
            values = chosen or ([] if multiple or first is None else [first])
            self.data += [(name, v) for v in values]
            self.select = None
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            self.data.append((name, text.removeprefix("\n")))
            self.textarea = None


def admin_form(client, url, form_id):
    parser = _FormData(form_id)
    parser.feed(client.get(url).content.decode())
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


def test_a_staff_edit_in_the_admin_shows_on_the_kept_page_at_once(client, staff_user, region):
    structure = AdministrativeStructure.objects.get(slug="obshtina-plovdiv")
    Client().get(PLOVDIV)
    assert Client().get(PLOVDIV)["X-Page-Cache"] == "hit"
    client.force_login(staff_user)
    url = reverse("admin:directory_administrativestructure_change", args=[structure.pk])
    data = admin_form(client, url, "administrativestructure_form")
    data["address"] = ["пл. „Стефан Стамболов“ 99"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    page = Client().get(PLOVDIV)
    assert page["X-Page-Cache"] == "miss"
    assert "Стефан Стамболов“ 99" in page.content.decode()


def test_an_organisations_edit_shows_at_once_on_its_page_and_in_the_catalogue(
    client, staff_user, region
):
    organisation = Organisation.objects.published().order_by("pk").first()
    for url in (organisation.get_absolute_url(), "/ngos/"):
        Client().get(url)
        assert Client().get(url)["X-Page-Cache"] == "hit"
    client.force_login(staff_user)
    url = reverse("admin:ngofamily_organisation_change", args=[organisation.pk])
    data = admin_form(client, url, "organisation_form")
    data["name"] = ["Читалище „Ксилофон 1873“"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    assert "Ксилофон 1873" in Client().get(organisation.get_absolute_url()).content.decode()
    assert "Ксилофон 1873" in Client().get("/ngos/?q=ксилофон").content.decode()


def test_a_change_made_on_the_site_shows_at_once(region):
    """An owner's edit, a moderator's decision: saves anywhere bump the version."""
    structure = AdministrativeStructure.objects.get(slug="obshtina-plovdiv")
    Client().get(PLOVDIV)
    structure.address = "ул. „Ксилофонова“ 7"
    structure.save()
    assert "Ксилофонова“ 7" in Client().get(PLOVDIV).content.decode()


def test_a_bulk_admin_action_shows_at_once(client, staff_user, region):
    structure = AdministrativeStructure.objects.get(slug="obshtina-plovdiv")
    Client().get(PLOVDIV)
    assert Client().get(PLOVDIV)["X-Page-Cache"] == "hit"
    client.force_login(staff_user)
    client.post(
        reverse("admin:directory_administrativestructure_changelist"),
        {"action": "unpublish", ACTION_CHECKBOX_NAME: [structure.pk]},
    )
    assert Client().get(PLOVDIV).status_code == 404
    structure.refresh_from_db()
    assert not structure.is_published


def test_bulk_writes_outside_the_admin_bump_the_version(region, settings):
    from directory.loaders import load_courts

    before = pagecache.current_version()
    load_courts(settings.DATA_DIR / "region")  # a loader writes in bulk: no signals
    assert pagecache.current_version() > before

    before = pagecache.current_version()
    AdministrativeStructure.objects.filter(slug="obshtina-plovdiv").update(address="x")
    assert pagecache.current_version() == before  # update() alone says nothing...
    pagecache.bump()  # ...so the code paths that use it bump
    assert pagecache.current_version() > before


def test_pages_render_when_the_cache_is_down(region, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "eregion.cache.RedisCache",  # production's backend
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    for url in ("/", PLOVDIV, "/ngos/", "/directory/provinces/plovdiv/", "/directory/?q=НАП"):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert "X-Page-Cache" not in response


def test_renamed_places_show_at_once_in_the_filters_built_once_per_version(region):
    """The filters' options (the catalogue's select, the directory's facets) are built once
    per data version in each process (pagecache.memo); a change shows on the next page."""
    from directory.models import Municipality

    plovdiv = Municipality.objects.get(slug="plovdiv")
    assert "Пловдив" in Client().get("/ngos/").content.decode()
    assert ">Пловдив (" in Client().get("/directory/?q=община").content.decode()
    plovdiv.name = "Пловдив-град"
    plovdiv.save()
    assert ">Пловдив-град</option>" in Client().get("/ngos/?page=1").content.decode()
    assert ">Пловдив-град (" in Client().get("/directory/?q=община&page=1").content.decode()


def test_a_kept_page_is_kept_per_host_and_never_served_to_a_host_not_allowed(region, settings):
    settings.ALLOWED_HOSTS = ["testserver", "eregion.example.bg"]
    assert Client().get(PLOVDIV)["X-Page-Cache"] == "miss"
    assert Client().get(PLOVDIV)["X-Page-Cache"] == "hit"
    other = Client(HTTP_HOST="eregion.example.bg").get(PLOVDIV)
    assert other["X-Page-Cache"] == "miss"  # its absolute addresses name its own host
    assert "http://eregion.example.bg/" in other.content.decode()
    assert Client(HTTP_HOST="evil.example.com").get(PLOVDIV).status_code == 400
