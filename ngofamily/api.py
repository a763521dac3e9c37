"""Open-data API of the NGO catalogue: published organisations only, never users' data."""

import django_filters
from rest_framework import serializers, viewsets

from .filters import OrganisationFilter
from .models import Organisation


class OrganisationSerializer(serializers.ModelSerializer):
    legal_form_display = serializers.CharField(source="get_legal_form_display", read_only=True)
    province = serializers.CharField(source="province.code", default=None, read_only=True)
    municipality = serializers.CharField(source="municipality.code", default=None, read_only=True)
    settlement = serializers.SerializerMethodField()
    fields_of_activity = serializers.SlugRelatedField(many=True, slug_field="slug", read_only=True)
    target_groups = serializers.SlugRelatedField(many=True, slug_field="slug", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "slug", "name", "name_latin", "legal_form", "legal_form_display", "eik",
            "public_benefit", "province", "municipality", "settlement", "address", "phones",
            "emails", "website", "social_links", "fields_of_activity", "target_groups",
            "founded_year", "published_at", "url",
        ]  # fmt: skip

    def get_settlement(self, obj) -> dict | None:
        if not obj.settlement_id:
            return None
        s = obj.settlement
        return {"ekatte": s.ekatte, "name": s.name, "name_latin": s.name_latin}

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class ApiOrganisationFilter(OrganisationFilter):
    """The catalogue's filters; a code or slug that names nothing matches nothing (the page
    instead says which filter is wrong)."""

    province = django_filters.CharFilter(field_name="province__code")
    municipality = django_filters.CharFilter(field_name="municipality__code")
    field = django_filters.CharFilter(field_name="fields_of_activity__slug")
    target = django_filters.CharFilter(field_name="target_groups__slug")


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Published organisations of the NGO catalogue; filters as on /ngos/ (q, province,
    municipality, legal_form, field, target, family)."""

    serializer_class = OrganisationSerializer
    filterset_class = ApiOrganisationFilter
    lookup_field = "slug"

    def get_queryset(self):
        return (
            Organisation.objects.published()
            .select_related("settlement", "municipality", "province")
            .prefetch_related("fields_of_activity", "target_groups")
            .order_by("name", "pk")
        )
