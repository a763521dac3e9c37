"""Public pages of the directory: list and search, province and municipality pages, a
structure's page (with vCard and report form), the map, and whole-directory downloads."""

import csv
import json
from functools import cache

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from eregion import pagecache, throttle
from eregion.client_ip import client_ip
from eregion.i18n import is_english
from eregion.paging import counted_page
from eregion.selects import select_rows
from eregion.streaming import (
    Echo,
    joined,
    json_items,
    streamed_download,
    whole_file_validators,
)

from .filters import StructureFilter, facet_choices, facet_options
from .forms import InaccuracyReportForm
from .models import (
    AdministrativeStructure,
    Municipality,
    Province,
    Service,
    WorkingHours,
    _split_list,
)

PAGE_SIZE = 20
PLACE = ("slug", "name", "name_latin")  # a facet's place: its value and its names
REPORTS_PER_HOUR = 5


def _published():
    return AdministrativeStructure.objects.published()


def index(request):
    """The list with facets and search; an htmx request gets only the results part."""
    services = pagecache.memo("directory:services", lambda: list(Service.objects.all()))
    filterset = StructureFilter(request.GET, queryset=_published(), services=services)
    base = _published()
    if filterset.is_valid():
        qs = filterset.qs
    else:
        qs = base.none()
    search = filterset.search
    qs = search.order(qs.for_listing().prefetch_related("hours"))
    if search:  # its matches counted and ordered in one pass
        order = (
            ["-score", "kind_rank", "name", "pk"] if search.words else ["kind_rank", "name", "pk"]
        )
        page = counted_page(qs, request.GET.get("page"), PAGE_SIZE, order)
    else:  # the whole directory or facets: the first page walks the (kind_rank, name) index
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    facets = facet_options(filterset, base)
    options = facet_choices(
        facets,
        pagecache.memo("directory:provinces", lambda: list(Province.objects.values_list(*PLACE))),
        pagecache.memo(
            "directory:municipalities", lambda: list(Municipality.objects.values_list(*PLACE))
        ),
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


@csrf_exempt
@require_POST
def report_inaccuracy(request, slug):
    """Take a citizen's report into the staff queue; at most a few an hour from one client.

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
    if not throttle.allow("directory-report", client_ip(request), REPORTS_PER_HOUR):
        form.add_error(
            None, _("Изпратихте много сигнали за кратко време. Опитайте отново след час.")
        )
        response = structure_detail(request, slug, form=form)
        response.status_code = 429
        return response
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
    return render(
        request,
        "directory/map.html",
        {
            "filter": filterset,
            "selects": select_rows(filterset.form),
            "listed": listed.count(),
            "shown": listed.filter(_located()).count(),
            "map_tile_url": settings.MAP_TILE_URL,
            "map_attribution": settings.MAP_TILE_ATTRIBUTION,
            "query": request.GET.urlencode(),
        },
    )


def _located():
    """Structures with a point: their own, or their settlement's."""
    return Q(lat__isnull=False, lon__isnull=False) | Q(
        settlement__lat__isnull=False, settlement__lon__isnull=False
    )


def map_points(request):
    """The points of the structures chosen by the same filters as the list: those without a
    point are left out by the database, and the rest are read as plain values."""
    filterset = StructureFilter(request.GET, queryset=_published())
    if not filterset.is_valid():
        return JsonResponse({"points": []})
    english = is_english()
    kinds = {value: str(label) for value, label in AdministrativeStructure.Kind.choices}
    marker = "structure-slug-marker"
    before, after = reverse("directory:structure-detail", args=[marker]).split(marker)
    rows = (
        filterset.qs.filter(_located())
        .order_by("name")
        .values_list(
            "name_latin" if english else "name",
            "kind",
            "slug",
            "lat",
            "lon",
            "settlement__lat",
            "settlement__lon",
        )  # fmt: skip
        .iterator(chunk_size=EXPORT_CHUNK)
    )

    def points():
        for name, kind, slug, lat, lon, settlement_lat, settlement_lon in rows:
            if lat is None or lon is None:  # AdministrativeStructure.coordinates
                lat, lon = settlement_lat, settlement_lon
            yield {
                "name": name,
                "kind": kinds[kind],
                "url": f"{before}{slug}{after}",
                "lat": float(lat),
                "lon": float(lon),
            }

    def chunks():
        # One JSON document written a batch of points at a time: memory stays flat.
        yield '{"points": ['
        yield from json_items(points(), 500)
        yield "]}"

    return StreamingHttpResponse(chunks(), content_type="application/json")


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


EXPORT_CHUNK = 2000  # rows read per round trip; memory stays flat whatever the size
WEEKDAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
_EXPORT_FIELDS = [
    "pk", "slug", "name", "name_latin", "kind", "agency", "parent__slug", "province__code",
    "municipality__code", "settlement__ekatte", "settlement__name", "address", "postal_code",
    "phones", "emails", "website", "eik", "lat", "lon", "settlement__lat", "settlement__lon",
    "last_verified",
]  # fmt: skip


def _export_queryset(request):
    """The structures the list shows for the same filters and search, in export order."""
    filterset = StructureFilter(request.GET, queryset=_published())
    qs = filterset.qs if filterset.is_valid() else _published().none()
    return qs.order_by("province__code", "kind", "name", "pk")


def _hours_text(rows) -> str:
    return "; ".join(f"{WEEKDAYS[day]} {WorkingHours.display_of(*times)}" for day, *times in rows)


def _export_rows(request):
    """The export's rows (dicts of ``EXPORT_COLUMNS``), read as plain values in chunks: one
    query for the structures (a server-side cursor on PostgreSQL) and one for the working
    hours of each chunk, so that memory does not grow with the directory."""
    # One reverse() for all: a structure's address is this with its slug in place.
    marker = "structure-slug-marker"
    url = request.build_absolute_uri(reverse("directory:structure-detail", args=[marker]))
    before, after = url.split(marker)
    rows = _export_queryset(request).values(*_EXPORT_FIELDS).iterator(chunk_size=EXPORT_CHUNK)
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield from _export_chunk(chunk, before, after)
            chunk = []
    if chunk:
        yield from _export_chunk(chunk, before, after)


def _export_chunk(chunk, before, after):
    hours: dict[int, list] = {}
    for structure_id, *values in (
        WorkingHours.objects.filter(structure_id__in=[r["pk"] for r in chunk])
        .order_by("structure_id", "weekday")
        .values_list("structure_id", "weekday", "opens", "closes", "break_start", "break_end")
    ):
        hours.setdefault(structure_id, []).append(values)
    for r in chunk:
        # Its own point, else its settlement's (AdministrativeStructure.coordinates).
        lat, lon = r["lat"], r["lon"]
        if lat is None or lon is None:
            lat, lon = r["settlement__lat"], r["settlement__lon"]
        located = lat is not None and lon is not None
        yield {
            "slug": r["slug"],
            "name": r["name"],
            "name_latin": r["name_latin"],
            "kind": r["kind"],
            "agency": r["agency"],
            "parent_slug": r["parent__slug"] or "",
            "province_code": r["province__code"],
            "municipality_code": r["municipality__code"] or "",
            "settlement_ekatte": r["settlement__ekatte"] or "",
            "settlement_name": r["settlement__name"] or "",
            "address": r["address"],
            "postal_code": r["postal_code"],
            "phones": " ".join(_split_list(r["phones"])),
            "emails": " ".join(_split_list(r["emails"])),
            "website": r["website"],
            "eik": r["eik"],
            "lat": f"{float(lat):.6f}" if located else "",
            "lon": f"{float(lon):.6f}" if located else "",
            "hours": _hours_text(hours.get(r["pk"], [])),
            "last_verified": r["last_verified"].isoformat() if r["last_verified"] else "",
            "url": f"{before}{r['slug']}{after}",
        }


EXPORT_FORMAT_VERSION = 2  # bump when the columns or their formatting change


def _download(request, content_type, filename, chunks):
    """A streamed download of the whole directory or a filtered part; the whole one answers
    ``If-None-Match`` / ``If-Modified-Since`` with a 304 while nothing changed."""
    validators = whole_file_validators(request, _published(), EXPORT_FORMAT_VERSION)
    return streamed_download(request, content_type, filename, chunks(), validators)


def export_csv(request):
    def chunks():
        writer = csv.DictWriter(Echo(), fieldnames=EXPORT_COLUMNS)
        # The byte-order mark lets spreadsheet programs read UTF-8 correctly.
        yield "\ufeff" + writer.writeheader()
        yield from joined(writer.writerow(row) for row in _export_rows(request))

    return _download(request, "text/csv; charset=utf-8", "e-region-directory.csv", chunks)


def export_json(request):
    def chunks():
        # One JSON document, written a batch of rows at a time.
        yield '{"columns": ' + json.dumps(EXPORT_COLUMNS) + ', "structures": ['
        yield from json_items(_export_rows(request))
        yield "]}"

    return _download(request, "application/json", "e-region-directory.json", chunks)


def open_data(request):
    return render(request, "directory/open_data.html", {"columns": EXPORT_COLUMNS})
