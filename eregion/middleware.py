"""Requests the database cannot take are answered 400 before they reach a view."""

from django.core.exceptions import BadRequest
from django.http import JsonResponse

NUL = "\x00"


def _has_nul(querydict) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in querydict.lists())


def reject_nul_bytes(get_response):
    """PostgreSQL refuses NUL in text: a NUL byte in the path, the query string or a form
    field is a bad request (400), never a server error."""

    def middleware(request):
        bad = NUL in request.path or _has_nul(request.GET)
        if (
            not bad
            and request.method == "POST"
            and request.content_type
            in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            )
        ):
            bad = _has_nul(request.POST)
        if bad:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "NUL bytes are not allowed."}, status=400)
            raise BadRequest("NUL byte in the request")
        return get_response(request)

    return middleware
