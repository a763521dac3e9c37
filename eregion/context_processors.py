from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def site(request):
    """Values every page's frame needs.

    ``switch_language`` holds, for each other language, this page's address in it: the
    language switch is a link there (the address says the language; a form would need a CSRF
    token, and a page with one cannot be kept by caches).
    """
    current = get_language()
    path = request.get_full_path()
    switch = [
        {"code": code, "name": name, "url": translate_url(path, code)}
        for code, name in settings.LANGUAGES
        if code != current
    ]
    return {"REGION_PROVINCES": settings.REGION_PROVINCES, "switch_language": switch}
