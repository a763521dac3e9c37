"""Loaders of the region's real data files (``data/region/``) into the directory.

Each loader is idempotent and all-or-nothing: it writes only what differs from the database,
in one transaction, and returns the lines of the command's report. A structure loaded from a
file remembers a hash of its source row: when the row is unchanged on the next run, the
structure is left alone, so what staff corrected in the admin is not overwritten; when the row
changes, the file wins again.
"""

import csv
import hashlib
import json
import re
from datetime import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from simple_history.utils import bulk_create_with_history

from eregion.loaders import atomic_loader
from eregion.validators import eik_is_valid, parse_phones

from .models import (
    AREA_CODES,
    TYPICAL_HOURS_NOTE,
    AdministrativeStructure,
    Mayoralty,
    Municipality,
    Province,
    SearchWord,
    Service,
    Settlement,
    WorkingHours,
    unique_slug,
)

Kind = AdministrativeStructure.Kind
Agency = AdministrativeStructure.Agency
SIX = Decimal("0.000001")


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@atomic_loader
def load_municipality_centres(region_dir: Path):
    """Coordinates and postal codes of the 69 municipal centres."""
    rows = read_csv(region_dir / "south_central_municipalities.csv")
    by_ekatte = {
        s.ekatte: s
        for s in Settlement.objects.filter(ekatte__in=[r["centre_ekatte"] for r in rows])
    }
    changed = []
    for row in rows:
        settlement = by_ekatte.get(row["centre_ekatte"])
        if settlement is None:
            continue
        values = {
            "postal_code": row["centre_postal_code"],
            "lat": Decimal(row["centre_lat"]).quantize(SIX),
            "lon": Decimal(row["centre_lon"]).quantize(SIX),
        }
        if any(getattr(settlement, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(settlement, f, v)
            changed.append(settlement)
    Settlement.objects.bulk_update(changed, ["postal_code", "lat", "lon"])
    yield f"municipal centres: {len(changed)} updated, {len(rows) - len(changed)} unchanged"


# --- structures ------------------------------------------------------------------------------

# Typical hours of each kind, given to a loaded structure that has none; the note says so.
OFFICE = [(d, time(9), time(17, 30), None, None) for d in range(5)]
COURT = [(d, time(9), time(17), None, None) for d in range(5)]
MAYORALTY = [(d, time(8, 30), time(17), time(12), time(13)) for d in range(5)]


def _quotes(name: str) -> str:
    """Bulgarian quotation marks and no " - " between a body and its town."""
    name = re.sub(r"[\"“”]([^\"“”']+)[\"“”']", r"„\1“", name)
    name = re.sub(r"\s+-\s+", " ", name)
    return " ".join(name.split())


def _decimal(value: str):
    """A coordinate of a data file, or ``ValidationError`` naming what is not one."""
    if not value or not value.strip():
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number) > 180:
        raise ValidationError(f"„{value}“ is not a coordinate", code="coordinate")
    return number.quantize(SIX)


class StructureWriter:
    """Creates or updates structures keyed by ``source_key``, counting what it did. New
    structures are written in bulk (with their history, hours and services); a few queries
    per loader rather than several per structure."""

    def __init__(self, label: str, prefix: str):
        self.label = label
        self.created = self.updated = self.unchanged = 0
        self.problems: list[str] = []
        self.existing = {
            s.source_key: s
            for s in AdministrativeStructure.objects.filter(source_key__startswith=prefix)
        }
        self.slugs = set(AdministrativeStructure.objects.values_list("slug", flat=True))
        self.pending: list[tuple[AdministrativeStructure, list, list]] = []

    def write(self, source_key: str, values: dict, hours, services=()):
        if any(isinstance(v, AdministrativeStructure) and v.pk is None for v in values.values()):
            self.flush()  # a parent written in this run must have its key first
        digest = hashlib.sha256(
            json.dumps(
                {k: getattr(v, "pk", v) for k, v in values.items()}, default=str, sort_keys=True
            ).encode()
        ).hexdigest()
        structure = self.existing.get(source_key)
        if structure is not None and structure.source_hash == digest:
            self.unchanged += 1
            return structure
        created = structure is None
        if created:
            structure = AdministrativeStructure(source_key=source_key)
        for field, value in values.items():
            setattr(structure, field, value)
        structure.source_hash = digest
        if created:
            structure.slug = unique_slug(structure.name, self.slugs.__contains__)
            self.slugs.add(structure.slug)
            structure.fill_derived()
            self.pending.append((structure, hours, list(services)))
            self.existing[source_key] = structure
            self.created += 1
        else:
            structure.save()
            self.updated += 1
        return structure

    def flush(self):
        if not self.pending:
            return
        objects = [s for s, _h, _s in self.pending]
        bulk_create_with_history(objects, AdministrativeStructure, batch_size=500)
        if objects[0].pk is None:  # a database that does not return keys
            by_key = dict(
                AdministrativeStructure.objects.filter(
                    source_key__in=[o.source_key for o in objects]
                ).values_list("source_key", "pk")
            )
            for o in objects:
                o.pk = o.id = by_key[o.source_key]
        WorkingHours.objects.bulk_create(
            WorkingHours(structure=s, weekday=d, opens=a, closes=b, break_start=bs, break_end=be)
            for s, hours, _services in self.pending
            for d, a, b, bs, be in hours
        )
        Through = AdministrativeStructure.services.through
        Through.objects.bulk_create(
            Through(administrativestructure=s, service=service)
            for s, _hours, services in self.pending
            for service in services
        )
        SearchWord.add(" ".join(o.search_key for o in objects))
        self.pending = []

    def report(self):
        self.flush()
        yield (
            f"{self.label}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged"
        )
        for problem in self.problems:
            yield f"  {problem}"


def _geography():
    provinces = {p.code: p for p in Province.objects.all()}
    municipalities = {m.code: m for m in Municipality.objects.select_related("province")}
    return provinces, municipalities


# name, description, and their English (a table, not transliteration)
MUNICIPAL_SERVICES = [
    (
        "Издаване на удостоверение за наследници",
        "Удостоверение за наследниците на починало лице, от звеното за гражданска регистрация "
        "(ГРАО) на общината по последния му постоянен адрес.",
        "Issuing a certificate of heirs",
        "A certificate naming the heirs of a deceased person, from the civil registration "
        "office of the municipality of their last permanent address.",
    ),
    (
        "Издаване на удостоверение за постоянен адрес",
        "Удостоверение за постоянния адрес на лице, от звеното за гражданска регистрация "
        "(ГРАО) на общината или от кметството.",
        "Issuing a certificate of permanent address",
        "A certificate of a person's permanent address, from the civil registration office of "
        "the municipality or from the mayoralty.",
    ),
    (
        "Издаване на дубликат на удостоверение за раждане",
        "Дубликат от актовата книга, от звеното за гражданска регистрация (ГРАО) на общината "
        "по мястото на съставяне на акта.",
        "Issuing a duplicate birth certificate",
        "A duplicate from the register of births, from the civil registration office of the "
        "municipality where the record was made.",
    ),
    (
        "Издаване на удостоверение за семейно положение",
        "Удостоверение за семейно положение, съпруг/а и деца, от звеното за гражданска "
        "регистрация (ГРАО) на общината или от кметството.",
        "Issuing a certificate of marital status",
        "A certificate of marital status, spouse and children, from the civil registration "
        "office of the municipality or from the mayoralty.",
    ),
]
# The services a mayoralty provides too (the Civil Registration Act lets mayoralties issue
# these certificates); the rest only the municipal administration does.
THROUGH_MAYORALTY = {
    "Издаване на удостоверение за постоянен адрес",
    "Издаване на удостоверение за семейно положение",
}


def _municipal_services():
    services = []
    stored = {
        s.name: s for s in Service.objects.filter(name__in=[s[0] for s in MUNICIPAL_SERVICES])
    }
    for name, description, name_en, description_en in MUNICIPAL_SERVICES:
        values = {"description": description, "name_en": name_en, "description_en": description_en}
        service = stored.get(name)
        if service is None:
            service = Service.objects.create(name=name, **values)
        elif any(getattr(service, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(service, f, v)
            service.save()
        services.append(service)
    return services


AGENCIES = [
    ("горите", Agency.FORESTS),
    ("Лесозащитна", Agency.FORESTS),
    ("Горска", Agency.FORESTS),
    ("Земеделие", Agency.AGRICULTURE),
    ("здравна инспекция", Agency.RZI),
    ("околна среда", Agency.RIOSV),
    ("образованието", Agency.RUO),
    ("МВР", Agency.ODMVR),
    ("статистическо", Agency.STATISTICS),
    ("Басейнова", Agency.WATER),
]


def _agency(name: str) -> str:
    for word, agency in AGENCIES:
        if word in name:
            return agency
    return Agency.OTHER


@atomic_loader
def load_public_bodies(region_dir: Path):
    """The regional, municipal and district administrations, the territorial units and the
    police directorates of the public-bodies register; municipal administrations take their
    contacts from the municipalities file."""
    provinces, municipalities = _geography()
    centres = {r["obshtina"]: r for r in read_csv(region_dir / "south_central_municipalities.csv")}
    rows = read_csv(region_dir / "public_bodies_south_central.csv")
    settlements = {
        s.ekatte: s
        for s in Settlement.objects.filter(
            ekatte__in=[r["settlement_ekatte"] for r in rows]
        ).select_related("municipality")
    }
    services = _municipal_services()
    writer = StructureWriter("administrations and territorial units", "pdoi:")
    kinds = {
        "RegionalAdminisration": Kind.REGIONAL_ADMINISTRATION,
        "MunicipalAdministration": Kind.MUNICIPAL_ADMINISTRATION,
        "AreaMunicipalAdministration": Kind.DISTRICT_ADMINISTRATION,
        "SpecializedLocalAdministration": Kind.TERRITORIAL_UNIT,
        "NA": Kind.TERRITORIAL_UNIT,
    }
    # Municipal administrations first: district administrations hang under Plovdiv's.
    order = [
        "MunicipalAdministration",
        "RegionalAdminisration",
        "AreaMunicipalAdministration",
        "SpecializedLocalAdministration",
        "NA",
    ]
    by_municipality = {}
    for row in sorted(
        rows,
        key=lambda r: order.index(r["adm_level_system"]) if r["adm_level_system"] in order else 9,
    ):
        kind = kinds.get(row["adm_level_system"])
        if kind is None or row["date_to"]:
            continue  # not an office for citizens, or closed
        municipality = municipalities.get(row["obshtina"])
        if municipality is None:
            writer.problems.append(f"{row['rzs_id']}: unknown municipality {row['obshtina']}")
            continue
        settlement = settlements.get(row["settlement_ekatte"])
        centre = centres.get(municipality.code, {})
        area_code = centres.get(
            settlement.municipality.code if settlement else municipality.code, {}
        ).get("centre_ndc", "")
        address, phone, email = row["address"], row["phone"], row["email"]
        name = _quotes(row["name"])
        website = ""
        if kind == Kind.MUNICIPAL_ADMINISTRATION:
            name = f"Община {municipality.name}"
            address = centre.get("admin_address") or address
            phone = centre.get("admin_phone") or phone
            email = centre.get("admin_email") or email
            if centre.get("institutional_email_domain"):
                website = f"https://{centre['institutional_email_domain']}"
        elif kind == Kind.DISTRICT_ADMINISTRATION:
            name = "Район „{}“".format(row["name"].split("-", 1)[1].strip())
        numbers, rejected = parse_phones(phone, area_code=area_code)
        emails = [e for e in re.split(r"[\s,;]+", email) if "@" in e]
        eik = row["eik"] if eik_is_valid(row["eik"]) else ""
        if row["eik"] and not eik:
            writer.problems.append(f"{row['rzs_id']} {name}: invalid EIK {row['eik']} left out")
        if rejected:
            writer.problems.append(f"{row['rzs_id']} {name}: not phones: {'; '.join(rejected)}")
        values = {
            "name": name,
            "kind": kind,
            "agency": _agency(row["name"]) if kind == Kind.TERRITORIAL_UNIT else "",
            "province": municipality.province,
            "municipality": municipality,
            "settlement": settlement,
            "address": address,
            "postal_code": row["zip_code"] or (settlement.postal_code if settlement else ""),
            "phones": ", ".join(numbers),
            "emails": ", ".join(emails),
            "website": website,
            "eik": eik,
            "parent": by_municipality.get("PDV22")
            if kind == Kind.DISTRICT_ADMINISTRATION
            else None,
            "hours_note": TYPICAL_HOURS_NOTE,
        }
        if kind in (Kind.REGIONAL_ADMINISTRATION, Kind.MUNICIPAL_ADMINISTRATION):
            values["head_title"] = (
                "Областен управител" if kind == Kind.REGIONAL_ADMINISTRATION else "Кмет"
            )
        structure = writer.write(
            f"pdoi:{row['rzs_id']}",
            values,
            OFFICE,
            services if kind == Kind.MUNICIPAL_ADMINISTRATION else (),
        )
        if kind == Kind.MUNICIPAL_ADMINISTRATION:
            by_municipality[municipality.code] = structure
    yield from writer.report()


@atomic_loader
def load_courts(region_dir: Path):
    """The 42 courts seated in the six provinces, each under its superior court when that
    court is in the region too."""
    provinces, _municipalities = _geography()
    rows = read_csv(region_dir / "courts_south_central.csv")
    cities = {}
    for s in Settlement.objects.filter(kind=Settlement.Kind.CITY).select_related(
        "municipality__province"
    ):
        cities[(s.municipality.province.code, s.name)] = s
    writer = StructureWriter("courts", "court:")
    by_code = {}
    # Superior courts first, so that each court finds its parent.
    for row in sorted(rows, key=lambda r: (r["parent_court_code"] != "", r["court_code"])):
        settlement = cities.get((row["city_oblast"], row["city"]))
        province = provinces.get(row["city_oblast"])
        if province is None:
            continue
        area = settlement.municipality.code if settlement else ""
        numbers, rejected = parse_phones(row["phone"], area_code=AREA_CODES().get(area, ""))
        name = row["name"].replace(" Съд ", " съд ")
        values = {
            "name": name,
            "kind": Kind.COURT,
            "agency": "",
            "province": province,
            "municipality": settlement.municipality if settlement else None,
            "settlement": settlement,
            "address": row["address"],
            "postal_code": row["postal_code"],
            "phones": ", ".join(numbers),
            "emails": row["email"],
            "website": row["website"],
            "lat": _decimal(row["lat"]),
            "lon": _decimal(row["lon"]),
            "parent": by_code.get(row["parent_court_code"]),
            "note": row["note"],
            "head_title": "Председател",
            "hours_note": TYPICAL_HOURS_NOTE,
        }
        if rejected:
            writer.problems.append(f"{row['court_code']} {name}: not phones: {rejected}")
        by_code[row["court_code"]] = writer.write(f"court:{row['court_code']}", values, COURT)
    yield from writer.report()


@atomic_loader
def load_mayoralties(region_dir: Path):
    """One mayoralty (кметство) per EKATTE mayoralty of the region, under its municipal
    administration, seated in the mayoralty's centre settlement."""
    parents = {
        s.municipality_id: s
        for s in AdministrativeStructure.objects.filter(kind=Kind.MUNICIPAL_ADMINISTRATION)
    }
    settlements = {s.ekatte: s for s in Settlement.objects.in_region()}
    writer = StructureWriter("mayoralties", "kmet:")
    through_mayoralty = [s for s in _municipal_services() if s.name in THROUGH_MAYORALTY]
    for mayoralty in Mayoralty.objects.in_region().select_related("municipality__province"):
        settlement = settlements.get(mayoralty.ekatte)
        values = {
            "name": f"Кметство {mayoralty.name}",
            "kind": Kind.MAYORALTY,
            "province": mayoralty.municipality.province,
            "municipality": mayoralty.municipality,
            "settlement": settlement,
            "mayoralty": mayoralty,
            "postal_code": settlement.postal_code if settlement else "",
            "parent": parents.get(mayoralty.municipality_id),
            "head_title": "Кмет на кметство",
            "hours_note": TYPICAL_HOURS_NOTE,
        }
        writer.write(f"kmet:{mayoralty.code}", values, MAYORALTY, through_mayoralty)
    yield from writer.report()
    # Mayoralties loaded before they provided services get them too (idempotent).
    Through = AdministrativeStructure.services.through
    Through.objects.bulk_create(
        [
            Through(administrativestructure_id=pk, service=service)
            for pk in AdministrativeStructure.objects.filter(
                source_key__startswith="kmet:"
            ).values_list("pk", flat=True)
            for service in through_mayoralty
        ],
        ignore_conflicts=True,
    )


# Run in this order by `load_region_data`; each takes the data/region folder.
LOADERS = [load_municipality_centres, load_public_bodies, load_courts, load_mayoralties]
