"""Public pages of the directory: list and search, province and municipality pages, a
structure's page (with vCard and report form), the map, and whole-directory downloads."""

import csv
import json
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache as django_cache
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from eregion.i18n import is_english
from eregion.selects import select_rows

from .filters import StructureFilter, facet_choices, facet_options
from .forms import InaccuracyReportForm
from .models import (
    AdministrativeStructure,
    Municipality,
    Province,
    Service,
    WorkingHours,
)

PAGE_SIZE = 20
REPORTS_PER_HOUR = 5


def _published():
    return AdministrativeStructure.objects.published()


def index(request):
    """The list with facets and search; an htmx request gets only the results part."""
    services = list(Service.objects.all())
    filterset = StructureFilter(request.GET, queryset=_published(), services=services)
    base = _published()
    if filterset.is_valid():
        qs = filterset.qs
    else:
        qs = base.none()
    qs = filterset.search.order(qs.for_listing().prefetch_related("hours"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    facets = facet_options(filterset, base)
    options = facet_choices(
        facets,
        Province.objects.values_list("slug", "name", "name_latin"),
        Municipality.objects.values_list("slug", "name", "name_latin"),
        services,
        is_english(),
    )
    labels = {name: filterset.form.fields[name].label for name in options}
    active_filters = [
        {"name": name, "label": labels[name], "value": o["label"]}
        for name, choices in options.items()
        for o in choices
        if o["selected"]
    ]
    now = timezone.now()
    rows = [(s, s.opening_status(now)) for s in page.object_list]
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        "options": options,
        "query": filterset.form.cleaned_data.get("q", "") if filterset.is_valid() else "",
        "corrected": filterset.search.corrected,
        "layout": filterset.search.layout,
        "meanings": [row for meaning in filterset.search.meanings for row in meaning],
        "services_found": filterset.search.services,
        "no_offices": filterset.search.agencies_without_offices(),
        "facet_labels": labels,
        "active_filters": active_filters,
    }
    template = "directory/index.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = "directory/_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # caches keep the page and the part apart
    return response


def _detail_queryset():
    return (
        _published()
        .select_related("province", "municipality", "settlement", "parent", "parent__settlement")
        .prefetch_related(
            "hours",
            "services",
            Prefetch(
                "children",
                queryset=_published().select_related("settlement").order_by("kind_rank", "name"),
            ),
        )
    )


def _hours_table(structure):
    hours = structure.weekly_hours()
    return [
        {"day": label, "hours": hours.get(value), "weekday": value}
        for value, label in WorkingHours.Weekday.choices
    ]


def _json_ld(request, structure) -> str:
    """schema.org GovernmentOffice, escaped for a ``<script type="application/ld+json">``
    data block (not executed, so the Content Security Policy allows it)."""
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOffice",
        "name": structure.name,
        "alternateName": structure.english_name,
        "url": request.build_absolute_uri(structure.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": structure.address,
            "postalCode": structure.postal_code,
            "addressLocality": structure.settlement.name if structure.settlement else "",
            "addressRegion": structure.province.name,
            "addressCountry": "BG",
        },
    }
    if structure.phone_list:
        data["telephone"] = structure.phone_list
    if structure.email_list:
        data["email"] = structure.email_list
    if structure.eik:
        data["identifier"] = structure.eik
    if structure.website:
        data["sameAs"] = structure.website
    if structure.coordinates:
        lat, lon = structure.coordinates
        data["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    specs = []
    for h in structure.hours.all():
        for start, end in h.intervals():
            specs.append(
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": f"https://schema.org/{days[h.weekday]}",
                    "opens": f"{start:%H:%M}",
                    "closes": f"{end:%H:%M}",
                }
            )
    if specs:
        data["openingHoursSpecification"] = specs
    if structure.parent:
        data["parentOrganization"] = {
            "@type": "GovernmentOrganization",
            "name": structure.parent.name,
        }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def structure_detail(request, slug, form=None):
    structure = get_object_or_404(_detail_queryset(), slug=slug)
    context = {
        "structure": structure,
        "status": structure.opening_status(),
        "hours": _hours_table(structure),
        "json_ld": _json_ld(request, structure),
        "form": form or InaccuracyReportForm(),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(
        request,
        "directory/structure_detail.html",
        context,
        status=200 if form is None or form.is_valid() else 400,
    )


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@csrf_exempt
@require_POST
def report_inaccuracy(request, slug):
    """Take a citizen's report into the staff queue; at most a few an hour from one address.

    Without CSRF protection, so that the structure's page, which carries the form, holds no
    token and caches can keep it: the report is anonymous and acts for no one (it records no
    user and changes nothing of the sender's), so a forged one is no more than a report its
    forger could send directly; the rate limit and the honeypot apply to every one."""
    structure = get_object_or_404(_published(), slug=slug)
    form = InaccuracyReportForm(request.POST)
    if not form.is_valid():
        return structure_detail(request, slug, form=form)
    if form.is_bot():
        # Pretend all went well: a bot learns nothing.
        messages.success(request, _("Благодарим! Сигналът е изпратен на екипа."))
        return redirect(structure)
    key = f"directory:report:{_client_ip(request)}"
    sent = django_cache.get(key, 0)
    if sent >= REPORTS_PER_HOUR:
        form.add_error(
            None, _("Изпратихте много сигнали за кратко време. Опитайте отново след час.")
        )
        response = structure_detail(request, slug, form=form)
        response.status_code = 429
        return response
    django_cache.set(key, sent + 1, 3600)
    report = form.save(commit=False)
    report.structure = structure
    report.save()
    messages.success(request, _("Благодарим! Сигналът е изпратен на екипа."))
    return redirect(structure)


def _vcard_escape(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\n", "\\n")
    )


def structure_vcard(request, slug):
    structure = get_object_or_404(_published().select_related("settlement", "province"), slug=slug)
    e = _vcard_escape
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{e(structure.name)}",
        f"ORG:{e(structure.name)}",
        f"ADR;TYPE=WORK:;;{e(structure.address)};"
        f"{e(structure.settlement.name if structure.settlement else '')};"
        f"{e(structure.province.name)};{e(structure.postal_code)};{e('България')}",
    ]
    lines += [f"TEL;TYPE=WORK,VOICE:{p}" for p in structure.phone_list]
    lines += [f"EMAIL;TYPE=INTERNET:{m}" for m in structure.email_list]
    if structure.website:
        lines.append(f"URL:{structure.website}")
    if structure.coordinates:
        lines.append("GEO:{:.6f};{:.6f}".format(*structure.coordinates))
    lines.append(f"URL:{request.build_absolute_uri(structure.get_absolute_url())}")
    lines.append("END:VCARD")
    response = HttpResponse("\r\n".join(lines) + "\r\n", content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{structure.slug}.vcf"'
    return response


def _grouped(qs):
    """Structures grouped by kind, in the kinds' usual order."""
    groups: dict[str, list] = {}
    for s in qs.order_by("kind_rank", "name"):
        groups.setdefault(s.kind, []).append(s)
    labels = dict(AdministrativeStructure.Kind.choices)
    return [{"kind": k, "label": labels[k], "structures": v} for k, v in groups.items()]


def province_detail(request, slug):
    province = get_object_or_404(Province, slug=slug)
    structures = _published().filter(province=province).select_related("municipality", "settlement")
    return render(
        request,
        "directory/area.html",
        {
            "area": province,
            "area_kind": _("Област"),
            "groups": _grouped(structures),
            "municipalities": province.municipalities.all(),
            "filter_query": f"province={province.slug}",
        },
    )


def municipality_detail(request, slug):
    municipality = get_object_or_404(Municipality.objects.select_related("province"), slug=slug)
    structures = (
        _published().filter(municipality=municipality).select_related("municipality", "settlement")
    )
    return render(
        request,
        "directory/area.html",
        {
            "area": municipality,
            "area_kind": _("Община"),
            "groups": _grouped(structures),
            "filter_query": f"municipality={municipality.slug}",
        },
    )


def map_view(request):
    filterset = StructureFilter(request.GET, queryset=_published(), present_agencies_only=True)
    listed = filterset.qs if filterset.is_valid() else _published().none()
    located = Q(lat__isnull=False, lon__isnull=False) | Q(
        settlement__lat__isnull=False, settlement__lon__isnull=False
    )
    return render(
        request,
        "directory/map.html",
        {
            "filter": filterset,
            "selects": select_rows(filterset.form),
            "listed": listed.count(),
            "shown": listed.filter(located).count(),
            "map_tile_url": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
            "query": request.GET.urlencode(),
        },
    )


def map_points(request):
    """The points of the structures chosen by the same filters as the list."""
    filterset = StructureFilter(request.GET, queryset=_published())
    if not filterset.is_valid():
        return JsonResponse({"points": []})
    english = is_english()
    points = []
    for s in filterset.qs.select_related("settlement").order_by("name"):
        where = s.coordinates
        if where is None:
            continue
        points.append(
            {
                "name": s.name_latin if english else s.name,
                "kind": s.get_kind_display(),
                "url": s.get_absolute_url(),
                "lat": where[0],
                "lon": where[1],
            }
        )
    return JsonResponse({"points": points})


@cache
def _boundaries_text() -> str:
    path = settings.DATA_DIR / "region" / "south_central_municipalities.geojson"
    return path.read_text(encoding="utf-8")


def boundaries(request):
    """The municipalities' boundaries (simplified, for the map only)."""
    try:
        text = _boundaries_text()
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = HttpResponse(text, content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


EXPORT_COLUMNS = [
    "slug",
    "name",
    "name_latin",
    "kind",
    "agency",
    "parent_slug",
    "province_code",
    "municipality_code",
    "settlement_ekatte",
    "settlement_name",
    "address",
    "postal_code",
    "phones",
    "emails",
    "website",
    "eik",
    "lat",
    "lon",
    "hours",
    "last_verified",
    "url",
]


def _export_rows(request):
    """The rows of the structures the list shows for the same filters and search."""
    filterset = StructureFilter(request.GET, queryset=_published())
    qs = filterset.qs if filterset.is_valid() else _published().none()
    qs = (
        qs.select_related("parent", "province", "municipality", "settlement")
        .prefetch_related("hours")
        .order_by("province__code", "kind", "name", "pk")
    )
    for s in qs:
        where = s.coordinates
        yield {
            "slug": s.slug,
            "name": s.name,
            "name_latin": s.name_latin,
            "kind": s.kind,
            "agency": s.agency,
            "parent_slug": s.parent.slug if s.parent else "",
            "province_code": s.province.code,
            "municipality_code": s.municipality.code if s.municipality else "",
            "settlement_ekatte": s.settlement.ekatte if s.settlement else "",
            "settlement_name": s.settlement.name if s.settlement else "",
            "address": s.address,
            "postal_code": s.postal_code,
            "phones": " ".join(s.phone_list),
            "emails": " ".join(s.email_list),
            "website": s.website,
            "eik": s.eik,
            "lat": f"{where[0]:.6f}" if where else "",
            "lon": f"{where[1]:.6f}" if where else "",
            "hours": "; ".join(
                f"{['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'][h.weekday]} {h.display()}"
                for h in s.hours.all()
            ),
            "last_verified": s.last_verified.isoformat() if s.last_verified else "",
            "url": request.build_absolute_uri(reverse("directory:structure-detail", args=[s.slug])),
        }


def export_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="e-region-directory.csv"'
    response.write("\ufeff")  # spreadsheet programs then read UTF-8 correctly
    writer = csv.DictWriter(response, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(_export_rows(request))
    return response


def export_json(request):
    response = JsonResponse(
        {"columns": EXPORT_COLUMNS, "structures": list(_export_rows(request))},
        json_dumps_params={"ensure_ascii": False},
    )
    response["Content-Disposition"] = 'attachment; filename="e-region-directory.json"'
    return response


def open_data(request):
    return render(request, "directory/open_data.html", {"columns": EXPORT_COLUMNS})
