"""The portal as the production image serves it (issue 13).

The static files are collected the way the Dockerfile collects them (its own collectstatic line,
with its DEBUG=0 and build-time settings) into a temporary STATIC_ROOT, once per module; then
the pages are requested with DEBUG off and the production storage, whose ``{% static %}`` needs
that hashed manifest. With ``DEBUG=1`` in the Dockerfile no manifest is written and every page
answers 500; with a dangling ``sourceMappingURL`` in a vendored file the build stops.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.db import OperationalError
from django.test import Client
from django.urls import path, reverse

import eregion.urls

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP_CSS = re.compile(r'href="/static/(vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"')

# Runs the Dockerfile's collectstatic command line in a child process and prints the staticfiles
# storage the production settings chose. Only WhiteNoise's Brotli copies are skipped: they do
# not change the manifest and take 14 of the 16 seconds.
COLLECT = """
import json, runpy, sys
import whitenoise.compress
whitenoise.compress.brotli_installed = False
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
from django.conf import settings
print("STORAGE=" + json.dumps(settings.STORAGES["staticfiles"]))
"""


def dockerfile_collectstatic():
    """The environment and the arguments of the Dockerfile's ``collectstatic`` command."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if not line.startswith("RUN"):
            continue
        for command in line[3:].split("&&"):
            words = shlex.split(command)
            if "collectstatic" in words:
                python = next(i for i, w in enumerate(words) if w.startswith("python"))
                env = dict(word.split("=", 1) for word in words[:python])
                return env, words[words.index("manage.py") + 1 :]
    raise AssertionError("the Dockerfile runs no collectstatic")


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    """STATIC_ROOT as the image builds it, and the staticfiles storage production uses."""
    static_root = tmp_path_factory.mktemp("staticfiles")
    env, args = dockerfile_collectstatic()
    unset = {"DEBUG", "SECRET_KEY", "STATIC_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env, STATIC_ROOT=str(static_root))
    result = subprocess.run(
        [sys.executable, "-c", COLLECT, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert (static_root / "staticfiles.json").exists(), "collectstatic wrote no manifest"
    storage = json.loads(result.stdout.rsplit("STORAGE=", 1)[1])
    assert "Manifest" in storage["BACKEND"], storage
    return static_root, storage


@pytest.fixture
def production(settings, manifest):
    static_root, storage = manifest
    settings.DEBUG = False
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": storage}
    return settings


def assert_in_frame(html, language):
    """The page is the portal's own: its frame, its language, its hashed static files."""
    assert f'<html lang="{language}">' in html
    assert BOOTSTRAP_CSS.search(html), "no hashed stylesheet from the manifest"
    if language == "bg":
        assert "Справочник" in html and "Този проект се финансира от ЕС" in html
    else:
        assert "Directory" in html and "This project is funded by the EU" in html


def public_pages():
    from directory.models import AdministrativeStructure, Municipality, Province
    from ngofamily.models import Organisation

    structure = AdministrativeStructure.objects.published().order_by("pk").first()
    organisation = Organisation.objects.published().order_by("pk").first()
    assert structure and organisation, "the shared region has published rows"
    province = Province.objects.get(code="PDV")
    municipality = Municipality.objects.in_region().order_by("pk").first()
    return [
        "/",
        "/en/",
        "/about/",
        "/en/about/data/",
        "/directory/",
        "/directory/map/",
        reverse("directory:province-detail", args=[province.slug]),
        reverse("directory:municipality-detail", args=[municipality.slug]),
        structure.get_absolute_url(),
        "/en" + structure.get_absolute_url(),
        "/ngos/",
        organisation.get_absolute_url(),
        "/family/",
        "/family/charter/",
        "/trainings/",
        "/publications/",
        "/accounts/login/",
        "/accounts/signup/",
        "/admin/login/",
        "/en/admin/login/",
    ]


@pytest.mark.django_db
def test_every_public_page_type_answers_200_with_debug_off(production, region, client):
    pages = public_pages()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        if not url.startswith(("/admin/", "/en/admin/")):
            assert_in_frame(response.content.decode(), "en" if url.startswith("/en/") else "bg")
    admin = client.get("/admin/login/").content.decode()
    assert re.search(r"/static/admin/css/base\.[0-9a-f]{12}\.css", admin)
    map_page = client.get("/directory/map/").content.decode()
    assert re.search(r"/static/vendor/leaflet/leaflet\.[0-9a-f]{12}\.js", map_page)


@pytest.mark.django_db
def test_hashed_static_files_are_served(production, client):
    css = BOOTSTRAP_CSS.search(client.get("/about/").content.decode()).group(1)
    response = client.get(f"/static/{css}")
    assert response.status_code == 200
    assert "max-age=315360000" in response.headers["Cache-Control"]  # hashed: cached for ever


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "language", "text"),
    [
        ("/no-such-page/", "bg", "Страницата не е намерена"),
        ("/directory/no-such-structure/", "bg", "Страницата не е намерена"),
        ("/en/no-such-page/", "en", "Page not found"),
        ("/en/ngos/no-such-organisation/", "en", "Page not found"),
    ],
)
def test_a_missing_page_is_the_portals_own_translated_404(production, client, url, language, text):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert_in_frame(html, language)
    assert f"<h1>{text}</h1>" in html
    assert "Not Found" not in html and "The requested resource" not in html
    if language == "en":
        assert "Страницата" not in html


@pytest.mark.django_db
def test_forbidden_and_csrf_failures_show_the_portals_403(production, client, user):
    client.force_login(user)  # owns no organisation: may not apply to the family
    for url, language, text in [
        ("/family/apply/", "bg", "Достъпът е отказан"),
        ("/en/family/apply/", "en", "Access denied"),
    ]:
        response = client.get(url)
        assert response.status_code == 403
        assert_in_frame(response.content.decode(), language)
        assert f"<h1>{text}</h1>" in response.content.decode()

    strict = Client(enforce_csrf_checks=True)
    for url, language, text in [
        ("/accounts/login/", "bg", "Формулярът не беше приет"),
        ("/en/accounts/login/", "en", "The form was not accepted"),
    ]:
        response = strict.post(url, {"username": "a@example.org", "password": "x"})
        assert response.status_code == 403
        html = response.content.decode()
        assert_in_frame(html, language)
        assert f"<h1>{text}</h1>" in html and "CSRF verification failed" not in html


@pytest.mark.django_db
def test_a_bad_request_shows_the_portals_400(production, client):
    for url, language, text in [("/", "bg", "Неправилна заявка"), ("/en/", "en", "Bad request")]:
        response = client.get(url, HTTP_HOST="not-our-host.example")
        assert response.status_code == 400
        assert_in_frame(response.content.decode(), language)
        assert f"<h1>{text}</h1>" in response.content.decode()


def test_debug_is_off_unless_set():
    # With DEBUG unset the settings are production's: they refuse to load without a secret key
    # (with DEBUG on they would take the development key and print True).
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    show = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", show],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "eregion.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr, result.stdout


# --- The 500 page, with the database out of reach --------------------------------------------


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")


urlpatterns = [
    path("boom/", database_down),
    path("en/boom/", database_down),
    *eregion.urls.urlpatterns,
]
handler500 = getattr(eregion.urls, "handler500", "django.views.defaults.server_error")


@pytest.mark.urls(__name__)
def test_the_500_page_renders_in_the_frame_without_the_database(production, django_db_blocker):
    # Database access blocked: a query the error page made would raise, and the plain page
    # (not the frame this test looks for) would answer.
    client = Client(raise_request_exception=False)
    for url, language, title in [
        ("/boom/", "bg", "Грешка в сървъра"),
        ("/en/boom/", "en", "Server error"),
    ]:
        with django_db_blocker.block():
            response = client.get(url)
        assert response.status_code == 500
        html = response.content.decode()
        assert_in_frame(html, language)
        assert f"<h1>{title}</h1>" in html


@pytest.mark.urls(__name__)
def test_without_a_manifest_the_500_page_is_still_the_portals_own(
    production, tmp_path, django_db_blocker
):
    production.STATIC_ROOT = tmp_path  # what DEBUG=1 at build time left: no staticfiles.json
    client = Client(raise_request_exception=False)
    for url, language, title in [
        ("/about/", "bg", "Грешка в сървъра"),
        ("/en/boom/", "en", "Server error"),
    ]:
        with django_db_blocker.block():
            response = client.get(url)
        assert response.status_code == 500
        html = response.content.decode()
        assert f'<html lang="{language}">' in html and f"<h1>{title}</h1>" in html


# --- The compose health check ------------------------------------------------------------------


def web_healthcheck():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"], test
    return test[2:]


def run_healthcheck(args, base_url):
    args = [a.replace("http://127.0.0.1:8000", base_url) for a in args]
    return subprocess.run(
        [sys.executable, *args],
        env={**os.environ, "ALLOWED_HOSTS": "localhost,eregion.example.bg"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_compose_health_check_fails_when_pages_fail(production, live_server, tmp_path):
    args = web_healthcheck()
    result = run_healthcheck(args, live_server.url)
    assert result.returncode == 0, result.stderr

    production.HEALTHZ_CACHE_SECONDS = 0
    production.STATIC_ROOT = tmp_path  # no manifest: every page answers 500, /healthz still 200
    assert Client().get("/healthz").status_code == 200
    result = run_healthcheck(args, live_server.url)
    assert result.returncode != 0
    assert "500" in result.stderr
