"""The permission matrix: every URL pattern of the site, as every kind of visitor, GET and POST.

The patterns come from the URL conf itself (``get_resolver()`` walked recursively, the
``i18n_patterns``, the API and the admin included), so a new view without a rule in ``RULES``
fails ``test_every_url_pattern_has_a_rule`` with its name. Each rule says what each role gets:

    ok        2xx (the page, the file, a form with its errors)
    login     a redirect to the sign-in page (the site's, or the admin's for the admin)
    redirect  a redirect elsewhere (done, or sent on to the right page)
    forbidden 403          missing  404          method  405          bad  400

Every request runs in a savepoint that is rolled back, so what one role's POST changes (a
submission, a logout) does not change what the next role sees. POSTs carry no data: the matrix
checks who is let in, the form tests check what the forms do.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.admin.sites import site as admin_site
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from directory.models import AdministrativeStructure, Service
from ngofamily.models import CoEditorInvite, Response, WorkPlanItem
from publications.models import Article, Build, Publication
from tests.factories import UserFactory
from tests.ngofamily.factories import MemberFactory, OrganisationFactory, WorkAreaFactory
from tests.ngofamily.test_survey import make_survey
from tests.trainings.factories import EnrolmentFactory, SessionFactory
from trainings.models import Certificate

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "user", "owner", "other_owner", "member", "staff", "superuser"]
SIGNED_IN = ROLES[1:]


def everyone(outcome):
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome, anonymous="login"):
    return {"anonymous": anonymous, **dict.fromkeys(SIGNED_IN, outcome)}


def by_role(default, **outcomes):
    return {**everyone(default), **outcomes}


PUBLIC = everyone("ok")
NO_POST = everyone("method")
# The admin site as a whole: only staff get in; everyone else is sent to the admin's sign-in.
ADMIN = by_role("login", staff="ok", superuser="ok")
# Staff-only pages outside the admin: others are refused (signed in) or asked to sign in.
STAFF = by_role("forbidden", anonymous="login", staff="ok", superuser="ok")

# pattern name -> (what to request it with, rule for GET, rule for POST)
# The address arguments are keys of ``world`` (made-up records owned by the right people).
RULES: dict[str, tuple[dict, dict, dict]] = {}


def rule(name, get, post=NO_POST, **kwargs):
    RULES[name] = (kwargs, get, post)


def walk(resolver=None, namespace=None, prefix=""):
    """Every URL pattern of the site as (key, route, namespace): the key is its namespaced name,
    or its route when it has none (the admin's redirects, the media files)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            inner = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from walk(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield name or route, route, namespace or ""


def in_admin(namespace):
    """The admin site's own patterns (covered by the ADMIN rule as a whole, plus a sample)."""
    return namespace.split(":")[0] == admin_site.name


# --- The rules -------------------------------------------------------------------------------
# fmt: off
# The site's own pages and files
rule("healthz", PUBLIC, PUBLIC)
rule("favicon", everyone("redirect"), everyone("redirect"))
rule("set_language", everyone("redirect"), everyone("redirect"))
rule("home", PUBLIC, PUBLIC)
rule("about", PUBLIC, PUBLIC)
rule("about-data", PUBLIC, PUBLIC)
rule("privacy", PUBLIC, PUBLIC)
rule("accessibility", PUBLIC, PUBLIC)
# The read-only API (and its schema): anyone reads, nobody writes
rule("api-schema", PUBLIC)
rule("api-root", PUBLIC)
rule("province-list", PUBLIC)
rule("province-detail", PUBLIC, code="province_code")
rule("municipality-list", PUBLIC)
rule("municipality-detail", PUBLIC, code="municipality_code")
rule("settlement-list", PUBLIC)
rule("settlement-detail", PUBLIC, ekatte="ekatte")
rule("structure-list", PUBLIC)
rule("structure-detail", PUBLIC, slug="structure")
rule("service-list", PUBLIC)
rule("service-detail", PUBLIC, pk="service")
rule("organisation-list", PUBLIC)
rule("organisation-detail", PUBLIC, slug="org")
# Accounts
rule("login", PUBLIC, PUBLIC)
rule("logout", NO_POST, everyone("redirect"))
rule("account-signup", signed_in("redirect", anonymous="ok"), signed_in("redirect", anonymous="ok"))
rule("account-verify-sent", PUBLIC, PUBLIC)
rule("account-verify-resend", NO_POST, signed_in("redirect"))
rule("account-verify", everyone("bad"), everyone("bad"), token="token")
rule("account-profile", signed_in("ok"), signed_in("ok"))
rule("account-data", signed_in("ok"), signed_in("ok"))
rule("account-delete", signed_in("ok"), signed_in("ok"))
rule("password_change", signed_in("ok"), signed_in("ok"))
rule("password_change_done", signed_in("ok"), signed_in("method"))
rule("password_reset", PUBLIC, PUBLIC)
rule("password_reset_done", PUBLIC)
rule("password_reset_confirm", PUBLIC, PUBLIC, uidb64="uidb64", token="token")
rule("password_reset_complete", PUBLIC)
# The directory: public, reports of inaccuracies are POSTed by anyone (empty: refused as bad)
rule("directory:index", PUBLIC, PUBLIC)
rule("directory:map", PUBLIC, PUBLIC)
rule("directory:map-points", PUBLIC, PUBLIC)
rule("directory:boundaries", PUBLIC, PUBLIC)
rule("directory:export-csv", PUBLIC, PUBLIC)
rule("directory:export-json", PUBLIC, PUBLIC)
rule("directory:open-data", PUBLIC, PUBLIC)
rule("directory:province-detail", PUBLIC, PUBLIC, slug="province_slug")
rule("directory:municipality-detail", PUBLIC, PUBLIC, slug="municipality_slug")
rule("directory:structure-detail", PUBLIC, PUBLIC, slug="structure")
rule("directory:report", NO_POST, everyone("bad"), slug="structure")
rule("directory:vcard", PUBLIC, PUBLIC, slug="structure")
# The NGO catalogue: only an organisation's owners edit it, submit it and invite co-editors;
# a draft is not found by those who may not see it; staff see drafts but do not edit them
OWNER_ONLY = by_role("forbidden", anonymous="login", owner="ok")
rule("ngofamily:index", PUBLIC, PUBLIC)
rule("ngofamily:export", PUBLIC, PUBLIC)
rule("ngofamily:register", signed_in("ok"), signed_in("ok"))
rule("ngofamily:settlement-search", PUBLIC, PUBLIC)
# the invitation is for another address: nobody signed in here may take it
rule("ngofamily:invite-accept", signed_in("forbidden"), signed_in("forbidden"), token="invite")
rule("ngofamily:detail", PUBLIC, PUBLIC, slug="org")
rule("ngofamily:edit", OWNER_ONLY, OWNER_ONLY, slug="org")
rule("ngofamily:submit", NO_POST,
     by_role("missing", anonymous="login", owner="redirect", staff="forbidden",
             superuser="forbidden"),
     slug="draft")
# an organisation that already has owners cannot be claimed: not found for the claim
rule("ngofamily:claim", signed_in("missing"), signed_in("missing"), slug="other_org")
rule("ngofamily:invite", NO_POST, by_role("forbidden", anonymous="login", owner="redirect"),
     slug="org")
# The NGO family: owners of published organisations apply; members' owners leave, join areas
# and report progress on the items their organisation is responsible for
rule("family:index", PUBLIC, PUBLIC)
rule("family:charter", PUBLIC, PUBLIC)
APPLY = by_role("forbidden", anonymous="login", owner="ok", other_owner="ok")
rule("family:apply", APPLY, APPLY)
rule("family:leave", NO_POST, by_role("forbidden", anonymous="login", member="redirect"),
     slug="member_org")
rule("family:areas", PUBLIC, PUBLIC)
rule("family:area", PUBLIC, PUBLIC, slug="area")
rule("family:area-join", NO_POST, signed_in("forbidden"), slug="area")
rule("family:area-leave", NO_POST, signed_in("forbidden"), slug="area")
rule("family:plan", PUBLIC, PUBLIC)
rule("family:plan-ical", PUBLIC, PUBLIC)
rule("family:item", PUBLIC, PUBLIC, pk="item")
rule("family:progress", NO_POST, by_role("forbidden", anonymous="login", member="bad"),
     pk="item")
# The survey: a response is its organisation's owners' alone (others: not found); results are
# staff's while the survey does not publish them
OWN_RESPONSE = by_role("missing", owner="ok")
rule("survey:index", PUBLIC, PUBLIC)
rule("survey:detail", PUBLIC, PUBLIC, slug="survey")
rule("survey:start", NO_POST, signed_in("missing"), slug="survey")
# the anonymous start page (GET) and start (POST) exist only for a survey open to citizens
rule("survey:start-public", everyone("missing"), everyone("missing"), slug="survey")
rule("survey:section", OWN_RESPONSE, by_role("missing", owner="bad"),
     slug="survey", pk="response", number="section")
rule("survey:review", OWN_RESPONSE, by_role("missing", owner="bad"), slug="survey", pk="response")
rule("survey:results", by_role("missing", staff="ok", superuser="ok"),
     by_role("missing", staff="ok", superuser="ok"), slug="survey")
rule("survey:export", STAFF, STAFF, slug="survey", fmt="csv")
# Trainings: one's own enrolments only (others: not found); roll call, participants and the
# feedback summary are staff's
OWN_ENROLMENT = by_role("missing", anonymous="login", owner="ok")
rule("trainings:index", PUBLIC, PUBLIC)
rule("trainings:ical", PUBLIC, PUBLIC)
rule("trainings:results", PUBLIC, PUBLIC)
rule("trainings:results-csv", PUBLIC, PUBLIC)
rule("trainings:my", signed_in("ok"), signed_in("ok"))
rule("trainings:cancel", OWN_ENROLMENT, by_role("missing", anonymous="login", owner="redirect"),
     pk="enrolment")
rule("trainings:feedback", OWN_ENROLMENT, OWN_ENROLMENT, pk="enrolment")
# the calendar link's unguessable token is the key (it is sent to the participant by email)
rule("trainings:enrolment-ical", PUBLIC, PUBLIC, token="enrolment_token")
rule("trainings:course", PUBLIC, PUBLIC, slug="course")
rule("trainings:session", PUBLIC, PUBLIC, pk="session")
# an empty form names no organisation of one's own to enrol for
rule("trainings:enrol", NO_POST, signed_in("missing"), pk="session")
rule("trainings:roll-call", STAFF, by_role("forbidden", anonymous="login", staff="redirect",
     superuser="redirect"), pk="past_session")
rule("trainings:participants", STAFF, STAFF, pk="past_session", fmt="csv")
rule("trainings:feedback-summary", STAFF, STAFF)
# a certificate's page is public by its unguessable code; its PDF is there once rendered
rule("trainings:certificate", PUBLIC, PUBLIC, code="certificate")
rule("trainings:certificate-pdf", everyone("missing"), everyone("missing"), code="certificate")
# Publications: public; a build's progress is staff's (sent to the admin's sign-in)
STAFF_VIA_ADMIN = by_role("login", staff="ok", superuser="ok")
rule("publications:index", PUBLIC)
rule("publications:build-status", STAFF_VIA_ADMIN,
     by_role("login", staff="method", superuser="method"), pk="build")
rule("publications:detail", PUBLIC, slug="publication")
# no edition is rendered in the test: the files are not found, for everyone alike
rule("publications:cover", everyone("missing"), slug="publication")
rule("publications:download", everyone("missing"), slug="publication", variant="variant")
rule("publications:download-build", everyone("missing"), slug="publication", pk="build")
# News and the newsletter (a made-up token is refused as bad)
rule("news:index", PUBLIC)
rule("news:feed", PUBLIC, PUBLIC)
rule("news:ical", PUBLIC)
rule("news:media", PUBLIC)
rule("news:subscribe", PUBLIC, PUBLIC)
rule("news:confirm", everyone("bad"), token="token")
rule("news:unsubscribe", everyone("bad"), everyone("bad"), token="token")
rule("news:article", PUBLIC, slug="article")
# Media files are served by the web server in production; in DEBUG by Django (no such file)
rule("^media/(?P<path>.*)$", everyone("missing"), everyone("missing"), path="missing_file")

# A sample of the admin (the whole admin is under ADMIN: staff only). The moderator (staff)
# may see and change organisations and nothing else.
MODEL_ADMIN = by_role("login", staff="forbidden", superuser="ok")
ADMIN_SAMPLE = {
    "admin:index": ({}, ADMIN, ADMIN),
    "admin:ngofamily_organisation_changelist": ({}, ADMIN, ADMIN),
    "admin:ngofamily_organisation_change": ({"object_id": "org_pk"}, ADMIN, ADMIN),
    "admin:eregion_user_changelist": ({}, MODEL_ADMIN, MODEL_ADMIN),
    "admin:eregion_user_change": ({"object_id": "user_pk"}, MODEL_ADMIN, MODEL_ADMIN),
    "admin:trainings_session_changelist": ({}, MODEL_ADMIN, MODEL_ADMIN),
    "admin:publications_build_changelist": ({}, MODEL_ADMIN, MODEL_ADMIN),
    "admin:directory_administrativestructure_add": ({}, MODEL_ADMIN, MODEL_ADMIN),
}
# fmt: on


@pytest.fixture
def world(region):
    """Made-up records for the addresses, each owned by the right person, and the people."""
    from django.contrib.auth.models import Permission

    people = {
        "user": UserFactory(email="user@example.org"),
        "owner": UserFactory(email="owner@example.org"),
        "other_owner": UserFactory(email="other@example.org"),
        "member": UserFactory(email="member@example.org"),
        "staff": UserFactory(email="staff@example.org", is_staff=True),
        "superuser": UserFactory(email="root@example.org", is_staff=True, is_superuser=True),
    }
    # a moderator: staff who may see and change organisations in the admin, nothing else
    moderators = Group.objects.get_or_create(name="Модератори")[0]
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="ngofamily",
            codename__in=["view_organisation", "change_organisation"],
        )
    )
    people["staff"].groups.add(moderators)

    org = OrganisationFactory(owners=[people["owner"]], name="Сдружение „Собственик“")
    other = OrganisationFactory(owners=[people["other_owner"]], name="Сдружение „Друг“")
    draft = OrganisationFactory(
        owners=[people["owner"]], name="Сдружение „Чернова“", status="draft"
    )
    member_org = MemberFactory(owners=[people["member"]], name="Сдружение „Член“")
    invite = CoEditorInvite.objects.create(
        organisation=org, email="guest@example.org", invited_by=people["owner"]
    )
    area = WorkAreaFactory()
    item = WorkPlanItem.objects.create(area=area, title="Задача")
    item.responsible.add(member_org)
    survey, _ = make_survey()
    response = Response.objects.create(survey=survey, organisation=org)
    session = SessionFactory(starts_at=timezone.now() - timedelta(days=3))
    session.ends_at = session.starts_at + timedelta(hours=6)
    session.save()
    enrolment = EnrolmentFactory(
        session=session, user=people["owner"], organisation=org, attended=True
    )
    future = SessionFactory()
    certificate = Certificate.objects.create(enrolment=enrolment, holder_name="Собственик")
    publication = Publication.objects.order_by("pk").first()
    build = Build.objects.create(publication=publication, variant="screen")
    article = Article.objects.create(
        title="Новина",
        slug="novina",
        summary="Резюме.",
        body="Текст.",
        published_at=timezone.now() - timedelta(hours=1),
    )
    structure = AdministrativeStructure.objects.published().order_by("pk").first()
    service = Service.objects.order_by("pk").first()
    keys = {
        "structure": structure.slug,
        "service": service.pk if service else 1,
        "province_code": "PDV",
        "province_slug": "plovdiv",
        "municipality_code": structure.settlement.municipality.code
        if structure.settlement_id
        else "PDV22",
        "municipality_slug": "asenovgrad",
        "ekatte": "56784",
        "org": org.slug,
        "org_pk": org.pk,
        "other_org": other.slug,
        "draft": draft.slug,
        "member_org": member_org.slug,
        "invite": invite.token,
        "area": area.slug,
        "item": item.pk,
        "survey": survey.slug,
        "response": response.pk,
        "section": 1,
        "enrolment": enrolment.pk,
        "enrolment_token": enrolment.token,
        "session": future.pk,
        "past_session": session.pk,
        "course": future.course.slug,
        "certificate": certificate.code,
        "publication": publication.slug,
        "variant": "screen",
        "build": build.pk,
        "article": article.slug,
        "token": "not-a-real-token",
        "uidb64": "MQ",
        "csv": "csv",
        "json": "json",
        "user_pk": people["user"].pk,
    }
    return people, keys


def request(people, role, method, url):
    """One request as ``role``, rolled back afterwards: (status, where a redirect goes)."""
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    cache.clear()  # no rate limit counts the matrix's many requests from one address
    with transaction.atomic():
        response = getattr(client, method.lower())(url)
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", "")


def outcome(status, location):
    if status in (301, 302, 303, 307, 308):
        return "login" if "/login/" in location else "redirect"
    if 200 <= status < 300:
        return "ok"
    return {400: "bad", 403: "forbidden", 404: "missing", 405: "method"}.get(status, str(status))


MEDIA = "^media/(?P<path>.*)$"  # only in DEBUG: the URL conf of a test run may not have it


def address(key, kwargs, keys):
    if key == MEDIA:
        return settings.MEDIA_URL + "no-such-file.png"
    return reverse(key, kwargs={name: keys[value] for name, value in kwargs.items()})


def test_every_url_pattern_has_a_rule():
    """A new view fails here, by name, until the table says who may use it."""
    patterns = list(walk())
    assert len(patterns) > 300  # the admin, the API and every app were found
    keys = {key for key, _, namespace in patterns if not in_admin(namespace)}
    missing = sorted(keys - set(RULES))
    assert not missing, "URL patterns without a rule in RULES: " + ", ".join(missing)
    stale = sorted(set(RULES) - keys - {MEDIA})
    assert not stale, "rules for URL patterns that no longer exist: " + ", ".join(stale)
    admin_names = {key for key, _, namespace in patterns if in_admin(namespace)}
    assert set(ADMIN_SAMPLE) <= admin_names


def check(world, table):
    """Request every address of ``table`` as every role; the list of differences."""
    people, keys = world
    wrong = []
    for key, (kwargs, *rules) in table.items():
        url = address(key, kwargs, keys)
        for method, expected in zip(("GET", "POST"), rules, strict=True):
            # a rule that is the same for everyone is sampled: a visitor and a signed-in owner
            roles = ROLES if len(set(expected.values())) > 1 else ["anonymous", "owner"]
            for role in roles:
                got = outcome(*request(people, role, method, url))
                if got != expected[role]:
                    wrong.append(
                        f"{key} {method} {url} as {role}: {got}, expected {expected[role]}"
                    )
    return wrong


def test_every_role_gets_what_the_rules_say_on_every_page(world):
    wrong = check(world, RULES)
    assert not wrong, "\n".join(wrong)


def test_only_staff_get_into_the_admin_and_moderators_only_where_allowed(world):
    wrong = check(world, ADMIN_SAMPLE)
    assert not wrong, "\n".join(wrong)
