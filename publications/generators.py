"""What each kind of publication prints: the data it reads, the print template's context, and a
snapshot of that data for the next edition's "changes since the last edition" appendix.

A generator returns a ``Content``; ``publications.render`` turns it into HTML and PDF. Nothing
here depends on the time of the build, so the same data gives the same HTML (and content hash).
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from itertools import groupby

import segno
from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import AdministrativeStructure, Settlement, WorkingHours
from eregion.validators import format_phone
from ngofamily.survey_results import report_chapter

from .models import Publication

Kind = AdministrativeStructure.Kind


@dataclass
class Content:
    """The print template to use and its context, with what the edition is made of."""

    template: str
    context: dict
    snapshot: dict = field(default_factory=dict)
    as_of: datetime | None = None

    @property
    def data_hash(self) -> str:
        return hashlib.sha256(json.dumps(self.snapshot, sort_keys=True).encode()).hexdigest()


def public_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


@cache
def _qr_data_uri(url: str) -> str:
    # A fixed mask: any of the eight is valid for readers, and scoring all eight to pick the
    # "best" doubles the cost (~6 ms instead of ~3 ms a code; the NGO catalogue has 895).
    return segno.make(url, error="m", mask=0, micro=False).svg_data_uri(
        scale=1, border=0, omitsize=False
    )


def qr(url: str) -> str:
    """An SVG data URI of a QR code pointing at ``url``."""
    return _qr_data_uri(url)


def collect(publication: Publication) -> Content:
    generator = {
        Publication.Kind.DIRECTORY: province_directory,
        Publication.Kind.CATALOGUE: ngo_catalogue,
    }.get(publication.kind, chapters)
    return generator(publication)


# --- province directory -----------------------------------------------------------------------


def _structure_snapshot(s) -> dict:
    return {
        "name": s.name,
        "address": " ".join(p for p in (s.postal_code, s.address) if p),
        "phones": s.phones,
        "emails": s.emails,
        "website": s.website,
        "head": " ".join(p for p in (s.head_title, s.head_name) if p),
        "hours": "; ".join(f"{h.weekday}:{h.display()}" for h in s.hours.all()),
        "services": sorted(sv.name for sv in s.services.all()),
        "municipality": s.municipality.name if s.municipality_id else "",
    }


SNAPSHOT_FIELDS = {
    "name": _("наименование"),
    "address": _("адрес"),
    "phones": _("телефони"),
    "emails": _("имейли"),
    "website": _("уебсайт"),
    "head": _("ръководител"),
    "hours": _("работно време"),
    "services": _("услуги"),
    "municipality": _("община"),
}


def previous_edition(publication: Publication, data_hash: str):
    """The newest succeeded build printed from other data than ``data_hash``."""
    return (
        publication.builds.succeeded()
        .exclude(data_hash=data_hash)
        .exclude(data_hash="")
        .order_by("-finished_at", "-pk")
        .first()
    )


def changes_since(previous: dict, current: dict) -> dict:
    """Structures added, removed and changed (with the names of the changed fields)."""
    added = [current[k]["name"] for k in current.keys() - previous.keys()]
    removed = [previous[k]["name"] for k in previous.keys() - current.keys()]
    changed = []
    for key in current.keys() & previous.keys():
        fields = [
            str(SNAPSHOT_FIELDS.get(f, f))
            for f in current[key]
            if current[key].get(f) != previous[key].get(f)
        ]
        if fields:
            changed.append({"name": current[key]["name"], "fields": fields})
    return {
        "added": sorted(added),
        "removed": sorted(removed),
        "changed": sorted(changed, key=lambda c: c["name"]),
    }


def _hours_rows(s) -> list[dict]:
    """Weekdays with equal hours merged: "пон.–пет. 09:00–17:30"."""
    days = [str(label)[:3] + "." for _, label in WorkingHours.Weekday.choices]
    rows = []
    hours = sorted(s.hours.all(), key=lambda h: h.weekday)
    for text, group in groupby(hours, key=lambda h: h.display()):
        group = list(group)
        first, last = group[0].weekday, group[-1].weekday
        label = days[first] if first == last else f"{days[first]}–{days[last]}"
        rows.append({"days": label, "hours": text})
    return rows


def province_directory(publication: Publication) -> Content:
    province = publication.province
    structures = list(
        AdministrativeStructure.objects.published()
        .filter(province=province)
        .select_related("municipality", "settlement")
        .prefetch_related(
            Prefetch("hours", queryset=WorkingHours.objects.order_by("weekday")), "services"
        )
        .order_by("municipality__name", "name", "pk")
    )
    kind_rank = {k: i for i, k in enumerate(AdministrativeStructure.KIND_ORDER)}
    kind_label = dict(Kind.choices)
    snapshot = {}
    groups: dict = {}
    for s in structures:
        snapshot[s.slug] = _structure_snapshot(s)
        s.print_phones = [format_phone(p) for p in s.phone_list]
        s.print_hours = _hours_rows(s)
        s.print_services = [sv.name for sv in s.services.all()]
        s.print_url = public_url(s.get_absolute_url())
        s.print_qr = qr(s.print_url)
        groups.setdefault(s.municipality, []).append(s)
    # Province-wide offices (no municipality) first, then the municipalities by name.
    municipalities = []
    for municipality in sorted(groups, key=lambda m: (m is not None, m.name if m else "")):
        items = sorted(groups[municipality], key=lambda s: (kind_rank.get(s.kind, 99), s.name))
        kinds = [
            {"label": kind_label[k], "structures": list(g)}
            for k, g in groupby(items, key=lambda s: s.kind)
        ]
        municipalities.append(
            {
                "anchor": f"m-{municipality.code}" if municipality else "m-province",
                "municipality": municipality,
                "title": (
                    _("Община %(name)s") % {"name": municipality.name}
                    if municipality
                    else _("Областни структури")
                ),
                "kinds": kinds,
                "count": len(items),
            }
        )
    # The index: every settlement, with the page of its mayoralty and of its municipality.
    mayoralty_of = {}
    for s in structures:
        if s.kind == Kind.MAYORALTY and s.settlement_id:
            mayoralty_of.setdefault(s.settlement_id, s)
    municipal_admin = {}
    for s in structures:
        if s.kind == Kind.MUNICIPAL_ADMINISTRATION and s.municipality_id:
            municipal_admin.setdefault(s.municipality_id, s)
    settlements = (
        Settlement.objects.filter(municipality__province=province)
        .select_related("municipality")
        .order_by("name", "municipality__name", "ekatte")
    )
    present = {m["municipality"].pk for m in municipalities if m["municipality"]}
    index = []
    for settlement in settlements:
        if settlement.municipality_id not in present:
            continue
        mayoralty = mayoralty_of.get(settlement.pk)
        admin = municipal_admin.get(settlement.municipality_id)
        index.append(
            {
                "settlement": settlement,
                "mayoralty_anchor": f"s-{mayoralty.slug}" if mayoralty else "",
                "municipality_anchor": (
                    f"s-{admin.slug}" if admin else f"m-{settlement.municipality.code}"
                ),
            }
        )
    as_of = max((s.updated_at for s in structures), default=None)
    content = Content(
        template="publications/print/directory.html",
        context={
            "province": province,
            "municipalities": municipalities,
            "index": index,
            "structure_count": len(structures),
        },
        snapshot={"structures": snapshot},
        as_of=as_of,
    )
    previous = previous_edition(publication, content.data_hash)
    if previous is not None:
        content.context["previous"] = previous
        content.context["changes"] = changes_since(
            previous.snapshot.get("structures", {}), snapshot
        )
    return content


# --- the NGO catalogue ------------------------------------------------------------------------


def ngo_catalogue(publication: Publication) -> Content:
    from directory.models import Province
    from ngofamily.models import Organisation

    organisations = list(
        Organisation.objects.published()
        .filter(province__code__in=settings.REGION_PROVINCES)
        .select_related("province", "settlement")
        .prefetch_related("fields_of_activity")
        .order_by("name", "pk")
    )
    other = _("Други")
    by_province: dict = {}
    snapshot = {}
    for org in organisations:
        fields = list(org.fields_of_activity.all())
        org.print_field = fields[0].name if fields else other
        org.print_fields = [f.name for f in fields]
        org.print_phones = org.phones_display
        org.print_url = public_url(org.get_absolute_url())
        org.print_qr = qr(org.print_url)
        by_province.setdefault(org.province_id, []).append(org)
        snapshot[org.slug] = {
            "name": org.name,
            "address": org.address,
            "phones": org.phones,
            "emails": org.emails,
            "website": org.website,
            "description": org.description,
            "fields": org.print_fields,
        }
    provinces = []
    for province in Province.objects.filter(pk__in=by_province.keys()).order_by("name"):
        orgs = sorted(
            by_province[province.pk], key=lambda o: (o.print_field == other, o.print_field, o.name)
        )
        provinces.append(
            {
                "province": province,
                "anchor": f"p-{province.code}",
                "fields": [
                    {"name": name, "organisations": list(g)}
                    for name, g in groupby(orgs, key=lambda o: o.print_field)
                ],
                "count": len(orgs),
            }
        )
    return Content(
        template="publications/print/catalogue.html",
        context={"provinces": provinces, "index": organisations},
        snapshot={"organisations": snapshot},
        as_of=max((o.updated_at for o in organisations), default=None),
    )


# --- handbook, report, brochure ---------------------------------------------------------------


def regional_contacts() -> list[dict]:
    """The regional and municipal administrations of the region, by province, for the handbook."""
    structures = (
        AdministrativeStructure.objects.published()
        .filter(
            kind__in=[Kind.REGIONAL_ADMINISTRATION, Kind.MUNICIPAL_ADMINISTRATION],
            province__code__in=settings.REGION_PROVINCES,
        )
        .select_related("province")
        .order_by("province__name", "kind", "name")
    )
    provinces = []
    for province, group in groupby(structures, key=lambda s: s.province):
        items = []
        for s in group:
            s.print_phones = [format_phone(p) for p in s.phone_list[:2]]
            items.append(s)
        provinces.append({"province": province, "structures": items})
    return provinces


def chapters(publication: Publication) -> Content:
    items = list(publication.chapters.all())
    snapshot = {
        "chapters": [[c.title, c.body_html, c.image.name if c.image else ""] for c in items],
        "publication": [publication.title, publication.description, publication.is_draft],
    }
    as_of = max(
        [c.updated_at for c in items] + [publication.updated_at or timezone.now()], default=None
    )
    context = {"chapters": items}
    if publication.kind == Publication.Kind.HANDBOOK:
        contacts = regional_contacts()
        context["contacts"] = contacts
        snapshot["contacts"] = [
            [s.name, s.phones, s.emails, s.website] for p in contacts for s in p["structures"]
        ]
        dates = [s.updated_at for p in contacts for s in p["structures"]]
        as_of = max([as_of, *dates])
    if publication.kind == Publication.Kind.REPORT:
        # The generated "Survey results" chapter: its figures are in the snapshot (and the
        # HTML), so the report's content hash changes when the answers do.
        survey = report_chapter()
        if survey is not None:
            context["survey_chapter"] = survey["context"]
            snapshot["survey"] = survey["snapshot"]
            as_of = max(filter(None, [as_of, survey["as_of"]]))
    return Content(
        template="publications/print/chapters.html",
        context=context,
        snapshot=snapshot,
        as_of=as_of,
    )
