"""The read-only open-data API: provinces, municipalities, settlements, structures, services."""

import django_filters
from django import forms
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from eregion.api import FilterBackend

from .filters import StructureFilter
from .models import (
    AdministrativeStructure,
    Municipality,
    Province,
    Service,
    Settlement,
    WorkingHours,
)


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name", "name_latin", "nuts3", "ekatte", "slug"]


class MunicipalitySerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Municipality
        fields = ["code", "name", "name_latin", "province", "ekatte", "slug"]


class SettlementSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Settlement
        fields = [
            "ekatte",
            "kind",
            "name",
            "name_latin",
            "municipality",
            "postal_code",
            "lat",
            "lon",
        ]


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "name_latin",
            "iisda_code",
            "description",
            "fee",
            "deadline",
            "link",
        ]


@extend_schema_field(
    {
        "type": "string",
        "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$",
        "example": "09:00:00",
        "description": "Local time in Sofia (hh:mm:ss), no date and no offset.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day as the office's sign says it: OpenAPI's ``format: time`` is RFC 3339's
    full-time, which needs an offset that opening hours do not have."""


class WorkingHoursSerializer(serializers.ModelSerializer):
    opens = LocalTimeField()
    closes = LocalTimeField()
    break_start = LocalTimeField(allow_null=True)
    break_end = LocalTimeField(allow_null=True)

    class Meta:
        model = WorkingHours
        fields = ["weekday", "opens", "closes", "break_start", "break_end"]


class StructureSerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    settlement = serializers.SlugRelatedField(slug_field="ekatte", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    phones = serializers.ListField(source="phone_list", child=serializers.CharField())
    emails = serializers.ListField(source="email_list", child=serializers.EmailField())
    lat = serializers.SerializerMethodField()
    lon = serializers.SerializerMethodField()
    hours = WorkingHoursSerializer(many=True, read_only=True)
    services = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AdministrativeStructure
        fields = [
            "slug",
            "name",
            "name_latin",
            "kind",
            "agency",
            "parent",
            "province",
            "municipality",
            "settlement",
            "address",
            "postal_code",
            "phones",
            "emails",
            "website",
            "head_title",
            "head_name",
            "eik",
            "lat",
            "lon",
            "hours",
            "hours_note",
            "services",
            "last_verified",
        ]

    def get_lat(self, obj) -> float | None:
        return obj.coordinates[0] if obj.coordinates else None

    def get_lon(self, obj) -> float | None:
        return obj.coordinates[1] if obj.coordinates else None


class MunicipalityFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(field_name="province__code")

    class Meta:
        model = Municipality
        fields = ["province"]


class SettlementFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(field_name="municipality__code")
    province = django_filters.CharFilter(field_name="municipality__province__code")

    class Meta:
        model = Settlement
        fields = ["municipality", "province", "kind"]


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """An id: a whole number, or a 400; one that names nothing matches nothing (an API filter,
    unlike the page's select, does not ask its user to pick from the choices)."""

    field_class = forms.IntegerField


class ApiStructureFilter(StructureFilter):
    """The list's filters, with province and municipality by code as well as by slug."""

    province = django_filters.CharFilter(method="filter_province")
    municipality = django_filters.CharFilter(method="filter_municipality")
    service = IdFilter(field_name="services")

    def filter_province(self, queryset, name, value):
        return queryset.filter(province__code=value.upper()) | queryset.filter(province__slug=value)

    def filter_municipality(self, queryset, name, value):
        return queryset.filter(municipality__code=value.upper()) | queryset.filter(
            municipality__slug=value
        )


class ProvinceViewSet(viewsets.ReadOnlyModelViewSet):
    """The six provinces of the region."""

    queryset = Province.objects.in_region().order_by("code")
    serializer_class = ProvinceSerializer
    lookup_field = "code"


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    """The region's municipalities; filter with ``?province=PDV``."""

    queryset = Municipality.objects.in_region().select_related("province").order_by("code")
    serializer_class = MunicipalitySerializer
    filterset_class = MunicipalityFilter
    lookup_field = "code"


class SettlementViewSet(viewsets.ReadOnlyModelViewSet):
    """The region's settlements (EKATTE); filter with ``?municipality=PDV22``."""

    queryset = Settlement.objects.in_region().select_related("municipality").order_by("ekatte")
    serializer_class = SettlementSerializer
    filterset_class = SettlementFilter
    lookup_field = "ekatte"


class StructureViewSet(viewsets.ReadOnlyModelViewSet):
    """Published administrative structures; filter with ``province``, ``municipality``,
    ``kind``, ``agency``, ``service`` and search with ``q``."""

    queryset = (
        AdministrativeStructure.objects.published()
        .select_related("province", "municipality", "settlement", "parent")
        .prefetch_related("hours", "services")
        .order_by("name", "pk")
    )
    serializer_class = StructureSerializer
    filterset_class = ApiStructureFilter
    lookup_field = "slug"

    def filter_queryset(self, queryset):
        """The filters, then best match first as on the site, with the one search the filter
        read (reading it again would ask the dictionary again)."""
        backend = FilterBackend()  # the project's: empty choices are a 400
        filterset = backend.get_filterset(self.request, queryset, self)
        if not filterset.is_valid() and backend.raise_exception:
            raise translate_validation(filterset.errors)
        queryset = filterset.qs
        if filterset.form.cleaned_data.get("q") and self.action == "list":
            queryset = filterset.search.order(queryset)
        return queryset


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Administrative services the structures provide."""

    queryset = Service.objects.order_by("name")
    serializer_class = ServiceSerializer
