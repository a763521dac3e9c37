import pytest


@pytest.mark.django_db
def test_home_shows_region_facts_from_the_database(client, region, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):  # facts, next session, latest three articles
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="bg">' in html
    assert 'data-fact="provinces">6<' in html
    assert 'data-fact="municipalities">69<' in html
    assert 'data-fact="settlements">1505<' in html
    # the community centres of the register are published from the start
    assert 'data-fact="organisations">895<' in html
    for area in ("Справочник", "НПО", "Обучения", "Издания"):
        assert area in html
    assert "Този проект се финансира от ЕС" in html


@pytest.mark.django_db
def test_home_without_data_says_how_to_load_it(client, settings):
    settings.REGION_PROVINCES = []  # as on a fresh install: none of the region's provinces
    html = client.get("/").content.decode()
    assert "load_region_data" in html


@pytest.mark.django_db
def test_english_pages_live_under_en(client, region):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Directory" in html and "Trainings" in html and "Publications" in html
    assert "This project is funded by the EU" in html
    assert "Plovdiv" in html


@pytest.mark.django_db
def test_the_language_switcher_keeps_the_page(client):
    html = client.get("/about/?x=1").content.decode()
    assert 'href="/en/about/?x=1" lang="en" hreflang="en"' in html
    english = client.get("/en/about/?x=1").content.decode()
    assert english.startswith('<!doctype html>\n<html lang="en">')

    html = client.get("/en/about/").content.decode()
    assert 'href="/about/" lang="bg" hreflang="bg"' in html
    assert client.get("/about/").content.decode().startswith('<!doctype html>\n<html lang="bg">')


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/about/", "Подобряване на знанията и уменията"),
        ("/about/data/", "Национален статистически институт"),
        ("/en/about/data/", "National Statistical Institute"),
    ],
)
def test_about_pages(client, url, text):
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.django_db
def test_pages_send_a_strict_content_security_policy(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
