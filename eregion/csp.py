"""The Content-Security-Policy header, built once instead of on every answer."""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

# Attributes a view's decorators (csp_update, csp_replace, csp_exempt…) leave on a response.
_PER_VIEW = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)  # fmt: skip


class CachedCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the settings' policy built once: building it was a
    third of the whole middleware stack's cost on an anonymous GET, and it is the same
    string for every answer that uses no nonce and has no policy of its view's own (those
    still go through django-csp as before)."""

    _built: tuple = (None, None, "", "")  # (policy setting, report-only setting, headers)

    def _headers(self) -> tuple[str, str]:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = CachedCSPMiddleware._built
        if built[0] is not policy or built[1] is not report_only:  # changed (tests override)
            built = (policy, report_only, build_policy(), build_policy(report_only=True))
            CachedCSPMiddleware._built = built
        return built[2], built[3]

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _PER_VIEW
        ):
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:
            return response  # django-csp leaves Django's debug pages alone
        header, header_ro = self._headers()
        for name, value, setting in (
            (HEADER, header, "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, header_ro, "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            if value and name not in response:
                prefixes = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES")
                if not (prefixes and request.path_info.startswith(tuple(prefixes))):
                    response[name] = value
        # As django-csp: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
