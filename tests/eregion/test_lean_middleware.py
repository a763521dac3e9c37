"""The trimmed middleware (bench/middleware.py measures what each costs): the language from the
address alone, as Django's LocaleMiddleware decides it for these URLs, and the CSP header built
once, as django-csp builds it."""

import pytest
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.test import RequestFactory
from django.utils import translation

from eregion.csp import CachedCSPMiddleware
from eregion.locale import PathLocaleMiddleware


def answer_in_language(request):
    return HttpResponse(translation.get_language())


@pytest.mark.parametrize(
    "path", ["/", "/directory/", "/en/", "/en/directory/", "/healthz", "/api/v1/structures/"]
)
@pytest.mark.parametrize("accept", [None, "en-GB,en;q=0.9", "bg"])
@pytest.mark.parametrize("cookie", [None, "en"])
def test_the_language_is_the_one_django_chooses_for_these_urls(path, accept, cookie):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    chosen = []
    for middleware in (LocaleMiddleware, PathLocaleMiddleware):
        request = RequestFactory().get(path, **headers)
        if cookie:
            request.COOKIES["django_language"] = cookie
        with translation.override(None):
            response = middleware(answer_in_language)(request)
        chosen.append((response.content, response["Content-Language"], request.LANGUAGE_CODE))
    assert chosen[0] == chosen[1]
    assert chosen[1][1] == ("en" if path.startswith("/en/") else "bg")


def test_pages_do_not_vary_on_the_browsers_language(client, db):
    for path, language in [("/", "bg"), ("/en/", "en"), ("/directory/", "bg")]:
        response = client.get(path, headers={"Accept-Language": "en"})
        assert response["Content-Language"] == language
        assert "Accept-Language" not in response.get("Vary", "")


def run_csp(middleware_class, response, request=None):
    request = request or RequestFactory().get("/")
    middleware = middleware_class(lambda r: response)
    middleware.process_request(request)
    return middleware.process_response(request, response), request


def test_the_policy_header_is_django_csps(client, db, settings):
    built = client.get("/").headers["Content-Security-Policy"]
    assert built == build_policy()
    assert "object-src 'none'" in built and "unsafe-inline" not in built

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    response, _request = run_csp(CachedCSPMiddleware, HttpResponse())
    assert response["Content-Security-Policy"] == "default-src 'none'"  # not the cached one


def test_a_views_own_policy_and_nonces_still_go_through_django_csp(settings):
    def with_own_policy():
        response = HttpResponse()
        response._csp_update = {"img-src": ["https://tiles.example"]}
        return response

    ours = run_csp(CachedCSPMiddleware, with_own_policy())[0]["Content-Security-Policy"]
    assert ours == run_csp(CSPMiddleware, with_own_policy())[0]["Content-Security-Policy"]
    assert "https://tiles.example" in ours

    from csp.constants import NONCE

    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"script-src": ["'self'", NONCE]}}
    request = RequestFactory().get("/")
    middleware = CachedCSPMiddleware(lambda r: HttpResponse())
    middleware.process_request(request)
    nonce = str(request.csp_nonce)
    response = middleware.process_response(request, HttpResponse())
    assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]

    # a nonce asked for once the header is written is an error, as with django-csp
    response, late = run_csp(CachedCSPMiddleware, HttpResponse())
    with pytest.raises(Exception, match="csp_nonce"):
        str(late.csp_nonce)
