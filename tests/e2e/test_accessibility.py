"""axe-core (WCAG 2.1 A/AA) on every public page type, in Bulgarian and under /en/.

One parametrised test per page and language; they share the run's browser and the real region.
Each makes the few records its page shows (an organisation, a session, an article...) and
checks the page as a visitor sees it once its scripts (the maps) have run.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from directory.models import AdministrativeStructure
from publications.models import Article, Publication
from tests.e2e.axe import assert_accessible
from tests.ngofamily.factories import MemberFactory, WorkPlanItemFactory
from tests.ngofamily.test_survey import make_survey
from tests.trainings.factories import SessionFactory
from trainings.models import Session

pytestmark = pytest.mark.e2e


def _structure():
    """A published structure with a place on the map (so its page has the map)."""
    return (
        AdministrativeStructure.objects.published().filter(lat__isnull=False).order_by("pk").first()
    )


def _organisation():
    from directory.models import Settlement

    return MemberFactory(
        name="Сдружение „Родопи“",
        settlement=Settlement.objects.get(ekatte="67653"),
        description="Работим за **младите хора** в Смолян.",
    )


def _session():
    session = Session.objects.filter(course__slug="a11y-course").first()
    return session or SessionFactory(
        course__slug="a11y-course", starts_at=timezone.now() + timedelta(days=7)
    )


def _article():
    return Article.objects.create(
        title="Среща на НПО в Пловдив",
        title_en="NGO meeting in Plovdiv",
        slug="sreshta",
        summary="Кратко резюме.",
        body="Текст на **новината**.",
        published_at=timezone.now() - timedelta(hours=1),
    )


def _survey():
    survey, _ = make_survey()
    return survey


def _plan():
    WorkPlanItemFactory(
        start_date=timezone.localdate(), due_date=timezone.localdate() + timedelta(days=30)
    )


# page id -> a function that makes what the page shows and returns its address (in Bulgarian)
PAGES = {
    "home": lambda: reverse("home"),
    "directory-list": lambda: reverse("directory:index"),
    "directory-search": lambda: reverse("directory:index") + "?q=plovdiv",
    "structure": lambda: _structure().get_absolute_url(),
    "map": lambda: reverse("directory:map"),
    "catalogue": lambda: reverse("ngofamily:index"),
    "organisation": lambda: _organisation().get_absolute_url(),
    "signup": lambda: reverse("account-signup"),
    "login": lambda: reverse("login"),
    "family-plan": lambda: (_plan(), reverse("family:plan"))[1],
    "trainings": lambda: reverse("trainings:index"),
    "training-session": lambda: _session().get_absolute_url(),
    "training-course": lambda: _session().course.get_absolute_url(),
    "publications": lambda: reverse("publications:index"),
    "publication": lambda: Publication.objects.order_by("pk").first().get_absolute_url(),
    "news": lambda: reverse("news:index"),
    "news-article": lambda: _article().get_absolute_url(),
    "survey": lambda: _survey().get_absolute_url(),
    "privacy": lambda: reverse("privacy"),
    "accessibility": lambda: reverse("accessibility"),
}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    """The pages' records, made once and committed, and a server of the module's own.

    Sharing one set of records keeps this module to one page load per test: pytest-django's
    ``live_server`` would make every test transactional, and deleting a test's rows after each
    of the 40 costs more than the page check itself. What the module made is deleted at its end
    the way the harness deletes a transactional test's rows.
    """
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import _remove_rows_made_by_the_test
    from tests.publications.conftest import ensure_editions

    with django_db_blocker.unblock():
        ensure_editions()
        paths = {name: make() for name, make in PAGES.items()}
    server = LiveServer("localhost")
    server._live_server_modified_settings.enable()
    yield server.url, paths
    server._live_server_modified_settings.disable()
    server.stop()
    with django_db_blocker.unblock():
        _remove_rows_made_by_the_test(None)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["bg", "en"])
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_violation(browser, site, name, language):
    url, paths = site
    path = paths[name] if language == "bg" else "/en" + paths[name]
    context = browser.new_context(base_url=url, locale="bg-BG")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        if page.locator(".map, .map-tall").count():
            # the check covers Leaflet's controls and attribution: wait until they are drawn
            expect(page.locator(".leaflet-control-attribution").first).to_be_attached()
        assert_accessible(page)
    finally:
        context.close()
