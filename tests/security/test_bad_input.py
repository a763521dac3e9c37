"""Bad input is a 400, never a 500: NUL bytes anywhere in the request."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/ngos/?province=%00",
        "/ngos/invites/%00/",
        "/api/v1/structures/%00/",
        "/directory/?q=%00",
        "/directory/%00/",
        "/api/v1/structures/?province=%00",
        "/news/?kind=%00",
        "/accounts/verify/%00/",
        "/trainings/certificates/%00/",
    ],
)
def test_a_nul_byte_in_the_address_is_a_bad_request(client, url):
    assert client.get(url).status_code == 400


def test_a_nul_byte_in_a_form_field_is_a_bad_request(client):
    response = client.post(reverse("login"), {"username": "a\x00b@example.org", "password": "x"})
    assert response.status_code == 400


def test_the_api_answers_a_bad_request_in_json(client):
    response = client.get("/api/v1/structures/%00/")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


def test_leaving_the_family_with_a_draft_slug_answers_like_an_unknown_slug(client, user):
    from tests.ngofamily.factories import OrganisationFactory, UserFactory

    draft = OrganisationFactory(status="draft", owners=[UserFactory()])
    client.force_login(user)
    unknown = client.post(reverse("family:leave", args=["no-such-organisation"]))
    hidden = client.post(reverse("family:leave", args=[draft.slug]))
    assert unknown.status_code == hidden.status_code == 404


def test_claiming_an_unpublished_imported_organisation_answers_404(client, user):
    from ngofamily.models import Organisation
    from tests.ngofamily.factories import OrganisationFactory

    hidden = OrganisationFactory(status="suspended", source=Organisation.Source.COMMUNITY_CENTRES)
    user.email_verified = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("ngofamily:claim", args=[hidden.slug])).status_code == 404


def _routes(patterns, prefix=""):
    """Every route of the URL conf with its converters (``<slug:slug>``), admin's regexes
    aside."""
    from django.urls import URLPattern, URLResolver
    from django.urls.resolvers import LocalePrefixPattern, RoutePattern

    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, LocalePrefixPattern):
            part = ""
        elif isinstance(pattern, RoutePattern):
            part = str(pattern)
        else:
            continue  # admin's regexes
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + part)
        elif isinstance(entry, URLPattern):
            yield prefix + part


def test_every_url_pattern_answers_a_nul_byte_in_each_argument_with_400(client, staff_user):
    import re

    from django.urls import get_resolver

    client.force_login(staff_user)  # past every login wall, as deep into each view as it goes
    routes = [r for r in _routes(get_resolver().url_patterns) if "<" in r]
    assert len(routes) > 30
    for route in routes:
        for n in range(route.count("<")):
            parts = re.split(r"<[^>]+>", route)  # the route around its arguments
            values = ["%00" if i == n else "1" for i in range(len(parts) - 1)]
            url = "/" + "".join(p + v for p, v in zip(parts, [*values, ""], strict=True))
            for method in (client.get, client.post):
                assert method(url).status_code == 400, url


@pytest.mark.parametrize(
    "page", ["/directory/", "/ngos/", "/news/", "/trainings/", "/directory/map/", "/survey/"]
)
def test_a_nul_byte_in_any_query_parameter_is_a_bad_request(client, page):
    for name in ("q", "province", "municipality", "kind", "agency", "service", "page", "year"):
        assert client.get(page, {name: "x\x00"}).status_code == 400, (page, name)
