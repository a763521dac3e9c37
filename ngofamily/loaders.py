"""Loaders of the region's real data files into the NGO catalogue (run by load_region_data)."""

import csv
import re
from collections import Counter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from directory.models import Municipality, Settlement
from eregion.loaders import atomic_loader
from eregion.text import fold
from eregion.validators import area_code_of, parse_phones, validate_eik

from .models import FieldOfActivity, Organisation

COMMUNITY_CENTRES_FILE = "chitalishta_south_central.csv"

REGISTER_STATUS = {
    "Действащо": "active",
    "Закрито": "closed",
    "Неработещо": "inactive",
}
CLOSED_REASON = {
    "closed": "Закрито според регистъра на читалищата.",
    "inactive": "Неработещо според регистъра на читалищата.",
}


def classify_bulstat(raw: str) -> tuple[str, str]:
    """``(eik, problem)``: the usable EIK of a register value, or why there is none."""
    value = raw.strip()
    if not value:
        return "", "empty"
    if not value.isdigit() or len(value) not in (9, 13):
        return "", "malformed"
    try:
        validate_eik(value)
    except ValidationError:
        return "", "checksum"
    return value, ""


PROBLEM_TEXT = {
    "empty": "Празен БУЛСТАТ в регистъра.",
    "malformed": "Неправилен БУЛСТАТ в регистъра: „{raw}“.",
    "checksum": "БУЛСТАТ „{raw}“ е с грешна контролна цифра.",
    "shared": "БУЛСТАТ „{raw}“ е записан и при рег. № {others}; внесено без ЕИК.",
}


def _name(raw: str) -> str:
    name = " ".join(raw.split())
    if fold(name).startswith(("народно читалище", "читалище", "нч ")):
        return name
    return f"Народно читалище „{name}“"


def _emails(raw: str) -> list[str]:
    out = []
    for part in re.split(r"[;,\s]+", raw or ""):
        part = part.strip().rstrip(".")
        try:
            validate_email(part)
        except ValidationError:
            continue
        if part.lower() not in out:
            out.append(part.lower())
    return out


def _website(*values: str) -> str:
    for value in values:
        value = (value or "").replace(" ", "").strip()
        if "www." in value or value.startswith("http"):
            return value if value.startswith("http") else f"http://{value}"
    return ""


class _Places:
    """Find the settlement of a register row ("СЕЛО БРЕСТОВИЦА", municipality, province)."""

    def __init__(self):
        self.municipalities = {
            (m.province.code, fold(m.name)): m
            for m in Municipality.objects.in_region().select_related("province")
        }
        self.by_municipality = {}
        self.by_province = {}
        for s in Settlement.objects.in_region().select_related("municipality__province"):
            self.by_municipality.setdefault((s.municipality_id, fold(s.name)), []).append(s)
            self.by_province.setdefault((s.municipality.province.code, fold(s.name)), []).append(s)

    def find(self, province_code, municipality_name, settlement_text):
        municipality = self.municipalities.get((province_code, fold(municipality_name)))
        words = settlement_text.split(maxsplit=1)
        kind = {"град": "city", "село": "village"}.get(fold(words[0]), "")
        # "ГУДЕВИЦА - МАХАЛА В С. АРДА": the name is before the dash
        name = fold((words[1] if len(words) > 1 else settlement_text).split(" - ")[0])
        candidates = []
        if municipality:
            candidates = self.by_municipality.get((municipality.pk, name), [])
        if not candidates:  # e.g. Plovdiv city is the seat of Marica and Rodopi too
            candidates = self.by_province.get((province_code, name), [])
        if len(candidates) > 1 and kind:
            candidates = [c for c in candidates if c.kind == kind] or candidates
        settlement = candidates[0] if len(candidates) == 1 else None
        return settlement, municipality


def _merge(org, fields):
    """Take the register's new values, except where staff changed a field since the last
    import (a fixed EIK, a cleared review note, a suspension): their edit wins."""
    last = org.register_data or {}
    changed = []
    for key, value in fields.items():
        current = getattr(org, key)
        if current == value:
            continue
        if key in last and current != last[key]:
            continue
        setattr(org, key, value)
        changed.append(key)
    return changed


@atomic_loader
def load_community_centres(region_dir: Path):
    """Load the Ministry of Culture's register of community centres (читалища) as unclaimed
    organisations: active ones published, closed and inactive ones kept unlisted. Rows whose
    BULSTAT is unusable or shared are imported without an EIK and flagged for staff review.
    Claimed organisations are never overwritten. Idempotent."""
    path = Path(region_dir) / COMMUNITY_CENTRES_FILE
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    places = _Places()
    culture = FieldOfActivity.objects.filter(slug="kultura").first()

    usable = {}
    for row in rows:
        eik, _problem = classify_bulstat(row["bulstat"])
        if eik:
            usable.setdefault(eik, []).append(row["reg_no"])

    existing = {
        o.register_number: o
        for o in Organisation.objects.filter(
            source=Organisation.Source.COMMUNITY_CENTRES
        ).prefetch_related("owners", "fields_of_activity")
    }
    counts = Counter()
    flagged = []
    unplaced = []
    now = timezone.now()
    for row in rows:
        reg_no = row["reg_no"].strip()
        raw = row["bulstat"].strip()
        eik, problem = classify_bulstat(raw)
        if eik and len(usable[eik]) > 1:
            problem = "shared"
            others = ", ".join(r for r in usable[eik] if r != reg_no)
            eik = ""
        else:
            others = ""
        review = PROBLEM_TEXT[problem].format(raw=raw, others=others) if problem else ""
        register_status = REGISTER_STATUS.get(row["status"].strip(), "inactive")
        settlement, municipality = places.find(
            row["oblast"].strip(), row["obshtina_name"], row["settlement"]
        )
        if settlement is None:
            unplaced.append(f"№ {reg_no} {row['settlement']} ({row['obshtina_name']})")
            review = " ".join(filter(None, [review, "Населеното място не е разпознато."]))
        phones, _rejected = parse_phones(
            row["phone"], area_code=area_code_of(settlement.name if settlement else "")
        )
        fields = {
            "name": _name(row["name"]),
            "legal_form": "community_centre",
            "eik": eik or None,
            "register_eik": raw[:60],
            "settlement_id": settlement.pk if settlement else None,
            "municipality_id": (
                settlement.municipality_id
                if settlement
                else (municipality.pk if municipality else None)
            ),
            "province_id": (
                settlement.municipality.province_id
                if settlement
                else (municipality.province_id if municipality else None)
            ),
            "address": " ".join(row["address"].split()).strip(" -")[:255],
            "phones": phones,
            "emails": _emails(row["email"]),
            "website": _website(row["fax"], row["email"]),
            "register_url": row["register_url"].strip(),
            "review_reason": review,
            "status": "published" if register_status == "active" else "suspended",
            "status_reason": CLOSED_REASON.get(register_status, ""),
        }
        if register_status == "active":
            counts["published"] += 1
        else:
            counts[register_status] += 1
        if problem:
            counts[problem] += 1
            flagged.append(f"  № {reg_no} {fields['name']}: {review}")

        org = existing.get(reg_no)
        if org is not None and org.owners.all():
            counts["claimed"] += 1
            continue
        if org is None:
            org = Organisation(
                source=Organisation.Source.COMMUNITY_CENTRES,
                register_number=reg_no,
                published_at=now if register_status == "active" else None,
                register_data=fields,
                **fields,
            )
            org.save()
            if culture:
                org.fields_of_activity.add(culture)
            counts["created"] += 1
            continue
        changed = _merge(org, fields)
        if changed or org.register_data != fields:
            org.register_data = fields
            org.save()
        counts["updated" if changed else "unchanged"] += 1

    yield (
        f"Community centres: {len(rows)} rows; {counts['published']} active published, "
        f"{counts['closed']} closed and {counts['inactive']} inactive kept unlisted; "
        f"created {counts['created']}, updated {counts['updated']}, "
        f"unchanged {counts['unchanged']}, claimed (left alone) {counts['claimed']}."
    )
    yield (
        f"Flagged for staff review (imported without EIK): {len(flagged)} — "
        f"{counts['empty']} empty BULSTAT, {counts['malformed']} malformed, "
        f"{counts['checksum']} wrong check digit, {counts['shared']} sharing a BULSTAT:"
    )
    yield from flagged
    if unplaced:
        yield f"Settlement not recognised ({len(unplaced)}), flagged for review:"
        yield from (f"  {u}" for u in unplaced)


LOADERS = [load_community_centres]
