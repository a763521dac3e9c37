"""What every part of the open-data API shares: errors in JSON (never the site's HTML pages),
strict paging, and the error answers documented in the OpenAPI schema."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, with Django's ``ValidationError`` (raised by a filter or a model) as a 400
    instead of a 500."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.messages)
    return drf_exception_handler(exc, context)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request):
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request):
    return JsonResponse({"detail": "Server error."}, status=500)


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, where a choice, a yes/no or a number given empty (``agency=``)
    is a 400, as the schema says, instead of "no filter". Free text may be empty."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            empty = [
                name
                for name, filter_ in filterset.filters.items()
                if not isinstance(filter_, django_filters.CharFilter)
                and request.query_params.get(name, None) == ""
            ]
            if empty:
                raise exceptions.ValidationError({name: ["A value is required."] for name in empty})
        return filterset


class Pagination(PageNumberPagination):
    """``?page=N`` with N a positive integer; anything else (``page=``, ``page=1.5``) is a 400
    rather than silently the first page."""

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if raw in self.last_page_strings:
            return raw
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError({self.page_query_param: ["A positive integer."]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation may answer 400 (a bad parameter)
    and 404 (an unknown object or page), as JSON ``{"detail": ...}`` or field messages."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "description": '``{"detail": "..."}``, or the messages of each bad parameter.',
        "additionalProperties": True,
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, text in (("400", "Invalid parameters."), ("404", "Not found.")):
                responses.setdefault(
                    code,
                    {
                        "description": text,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
