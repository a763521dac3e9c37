"""Filters of the directory list, the map and the API: facets (province, municipality, kind,
agency, service) and the search box ``q``."""

import django_filters
from django.db import connection
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from eregion.i18n import is_english

from .models import AdministrativeStructure, Municipality, Province, Service
from .search import Search

Structure = AdministrativeStructure


class StructureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Търсене"), method="filter_q")
    province = django_filters.ModelChoiceFilter(
        label=_("Област"), queryset=Province.objects.all(), to_field_name="slug"
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Община"), queryset=Municipality.objects.all(), to_field_name="slug"
    )
    kind = django_filters.ChoiceFilter(label=_("Вид"), choices=Structure.Kind.choices)
    agency = django_filters.ChoiceFilter(label=_("Ведомство"), choices=Structure.Agency.choices)
    service = django_filters.ModelChoiceFilter(
        label=_("Услуга"), queryset=Service.objects.all(), field_name="services"
    )

    class Meta:
        model = Structure
        fields = ["q", "province", "municipality", "kind", "agency", "service"]

    def __init__(self, *args, services=None, present_agencies_only=False, **kwargs):
        """``services``: all services, when the caller has them anyway (the list shows them as
        a facet), so that the search matches them without asking again; with
        ``present_agencies_only``, an agency none of whose offices is in the directory is not
        offered (the list's facets leave it out by its count)."""
        super().__init__(*args, **kwargs)
        self.services = services
        english = is_english()
        if present_agencies_only:
            present = set(
                Structure.objects.published()
                .exclude(agency="")
                .order_by()
                .values_list("agency", flat=True)
                .distinct()
            )
            field = self.form.fields["agency"]
            field.choices = [(v, label) for v, label in field.choices if v == "" or v in present]
        for name, field in self.form.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
            if english and hasattr(field, "label_from_instance"):
                field.label_from_instance = lambda obj: obj.name_latin

    def filter_q(self, queryset, name, value):
        return self.search.filter(queryset) if self.search else queryset

    @property
    def search(self) -> Search:
        if not hasattr(self, "_search"):
            value = self.form.cleaned_data.get("q", "") if self.form.is_valid() else ""
            self._search = Search(value, services=self.services)
        return self._search


# Facet name -> (lookup on the structure, model field shown as the label)
FACETS = ["province", "municipality", "kind", "agency", "service"]
FACET_LOOKUPS = {
    "province": "province__slug",
    "municipality": "municipality__slug",
    "kind": "kind",
    "agency": "agency",
    "service": "services",
}


def facet_options(filterset: StructureFilter, base_qs) -> dict[str, list[dict]]:
    """Each facet's options with how many structures each would show, counted with every
    other chosen filter applied: one grouped query per facet. ``COUNT(*)``, not
    ``COUNT(DISTINCT)``: no filter joins more than one row per structure (the search and the
    meanings filter by subqueries; a chosen service joins its one link row)."""
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    search = filterset.search
    base = search.filter(base_qs) if search else base_qs
    chosen = {
        "province": data.get("province").slug if data.get("province") else "",
        "municipality": data.get("municipality").slug if data.get("municipality") else "",
        "kind": data.get("kind") or "",
        "agency": data.get("agency") or "",
        "service": str(data.get("service").pk) if data.get("service") else "",
    }
    if connection.vendor == "postgresql":
        counts = _facet_counts_at_once(base, data)
        return {facet: {"counts": counts[facet], "chosen": chosen[facet]} for facet in FACETS}
    result = {}
    for facet in FACETS:
        qs = base
        for other in FACETS:
            if other != facet and chosen[other]:
                qs = qs.filter(**{FACET_LOOKUPS[other]: chosen[other]})
        lookup = FACET_LOOKUPS[facet]
        counts = {
            str(row[lookup]): row["n"]
            for row in qs.order_by().values(lookup).annotate(n=Count("*"))
            if row[lookup] not in (None, "")
        }
        result[facet] = {"counts": counts, "chosen": chosen[facet]}
    return result


def _facet_counts_at_once(base, data) -> dict[str, dict[str, int]]:
    """Every facet's counts in one statement (PostgreSQL): the matches of ``base`` (the search)
    are read once into a materialised CTE, and each facet groups them with the other chosen
    filters applied. Five grouped queries evaluated the search five times."""
    through = Structure.services.through
    structure_column = through._meta.get_field("administrativestructure").column
    service_column = through._meta.get_field("service").column
    inner = base.order_by().values_list("pk", "province_id", "municipality_id", "kind", "agency")
    cte_sql, cte_params = inner.query.sql_with_params()
    conditions = {}  # facet -> (SQL over m, params)
    if data.get("province"):
        conditions["province"] = ("m.province_id = %s", [data["province"].pk])
    if data.get("municipality"):
        conditions["municipality"] = ("m.municipality_id = %s", [data["municipality"].pk])
    if data.get("kind"):
        conditions["kind"] = ("m.kind = %s", [data["kind"]])
    if data.get("agency"):
        conditions["agency"] = ("m.agency = %s", [data["agency"]])
    if data.get("service"):
        conditions["service"] = (
            f"EXISTS (SELECT 1 FROM {through._meta.db_table} c WHERE c.{structure_column} = m.id"
            f" AND c.{service_column} = %s)",
            [data["service"].pk],
        )
    groups = {
        "province": (f"JOIN {Province._meta.db_table} g ON g.id = m.province_id", "g.slug"),
        "municipality": (
            f"JOIN {Municipality._meta.db_table} g ON g.id = m.municipality_id",
            "g.slug",
        ),
        "kind": ("", "m.kind"),
        "agency": ("", "m.agency"),
        "service": (
            f"JOIN {through._meta.db_table} g ON g.{structure_column} = m.id",
            f"g.{service_column}::text",
        ),
    }
    branches, params = [], list(cte_params)
    for facet in FACETS:
        join, value = groups[facet]
        others = [conditions[f] for f in FACETS if f != facet and f in conditions]
        where = " AND ".join(sql for sql, _p in others) or "TRUE"
        branches.append(
            f"SELECT %s, {value}, COUNT(*) FROM m {join} WHERE {where} GROUP BY {value}"
        )
        params += [facet, *[p for _sql, ps in others for p in ps]]
    sql = (
        f"WITH m (id, province_id, municipality_id, kind, agency) AS MATERIALIZED ({cte_sql}) "
        + " UNION ALL ".join(branches)
    )
    counts: dict[str, dict[str, int]] = {facet: {} for facet in FACETS}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, n in cursor.fetchall():
            if value not in (None, ""):
                counts[facet][value] = n
    return counts


def facet_choices(facets, provinces, municipalities, services, english: bool):
    """The options to render for each facet: value, label, count, selected; options with no
    structures are left out unless selected. ``provinces`` and ``municipalities``: rows of
    (slug, name, Latin name)."""
    sources = {
        "province": [(slug, latin if english else name) for slug, name, latin in provinces],
        "municipality": [
            (slug, latin if english else name) for slug, name, latin in municipalities
        ],
        "kind": [(k.value, k.label) for k in Structure.KIND_ORDER],
        "agency": list(Structure.Agency.choices),  # those with no offices have no count
        "service": [(str(s.pk), s.name_latin if english else s.name) for s in services],
    }
    options = {}
    for facet, pairs in sources.items():
        counts, chosen = facets[facet]["counts"], facets[facet]["chosen"]
        options[facet] = [
            {"value": v, "label": lbl, "count": counts.get(v, 0), "selected": v == chosen}
            for v, lbl in pairs
            if counts.get(v) or v == chosen
        ]
    return options
