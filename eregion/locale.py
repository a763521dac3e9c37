"""The page's language from its address alone, as the portal's URLs define it."""

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class PathLocaleMiddleware(LocaleMiddleware):
    """What ``LocaleMiddleware`` decides for this portal's URLs (``i18n_patterns`` with the
    default language unprefixed: English under ``/en/``, Bulgarian everywhere else), without
    the work it then throws away.

    For an unprefixed address ``LocaleMiddleware`` parses ``Accept-Language`` and the
    language cookie, then sets the default language anyway; and it marks those answers
    ``Vary: Accept-Language`` although they do not vary on it, which makes shared caches
    keep a copy per browser language. This one reads the path only. A URLconf laid out
    otherwise (no i18n patterns, or the default language prefixed) gets ``LocaleMiddleware``
    unchanged."""

    def _by_path(self, request) -> bool:
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        i18n_patterns_used, prefixed_default = is_language_prefix_patterns_used(urlconf)
        return i18n_patterns_used and not prefixed_default

    def process_request(self, request):
        if not self._by_path(request):
            return super().process_request(request)
        language = translation.get_language_from_path(request.path_info)
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if not self._by_path(request):
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
