"""Import of NSI's EKATTE export (``ek_obl.json``, ``ek_obst.json``, ``ek_atte.json``,
``ek_kmet.json``) into the geography tables.

Every record's EKATTE check digit is verified; bad records are reported with their file, line
and reason and are not written. The import compares with what is stored and writes only what
changed, so running it twice changes nothing the second time.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from eregion.text import transliterate
from eregion.validators import validate_ekatte

from .models import Mayoralty, Municipality, Province, Settlement

KINDS = {
    "гр.": Settlement.Kind.CITY,
    "с.": Settlement.Kind.VILLAGE,
    "ман.": Settlement.Kind.MONASTERY,
}


@dataclass
class Problem:
    file: str
    line: int
    reason: str

    def __str__(self):
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    counts: dict[str, Counts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())


def read_records(path: Path) -> list[tuple[int, dict]]:
    """The records of one EKATTE JSON file with the line each starts on.

    The file is a JSON array; its one metadata object (the report's date) has none of the
    record keys and is left to the caller to skip.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(f"{path.name}: not UTF-8 text ({exc.reason})") from None
    return parse_records(text, path.name)


def parse_records(text: str, name: str = "") -> list[tuple[int, dict]]:
    """``read_records`` of a file's text; ``ValidationError`` naming the file and line of what
    is not a JSON array of objects."""
    decoder = json.JSONDecoder()
    start = text.lstrip()
    if not start.startswith("["):
        raise ValidationError(f"{name}:1: not a JSON array")
    pos = len(text) - len(start) + 1
    records = []
    line, counted = 1, 0  # lines are counted incrementally: counting from 0 each time is O(n²)
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            obj, end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError) as exc:
            raise ValidationError(f"{name}:{line}: not valid JSON ({exc})"[:300]) from None
        if not isinstance(obj, dict):
            raise ValidationError(f"{name}:{line}: a record must be a JSON object")
        records.append((line, obj))
        pos = end
    return records


class EkatteImporter:
    """Reads one folder of the national files and keeps the provinces asked for."""

    def __init__(self, directory: Path, provinces: list[str] | None):
        self.dir = Path(directory)
        self.provinces = set(provinces) if provinces else None
        self.report = ImportReport()

    def _wanted(self, province_code: str) -> bool:
        return self.provinces is None or province_code in self.provinces

    def _records(self, filename: str, key: str):
        """Yield (line, record) for real records with a valid EKATTE code."""
        for line, record in read_records(self.dir / filename):
            if key not in record:
                continue  # the metadata object
            try:
                validate_ekatte(record.get("ekatte", ""))
            except ValidationError as e:
                self.report.problems.append(Problem(filename, line, " ".join(e.messages)))
                continue
            yield line, record

    def run(self) -> ImportReport:
        with transaction.atomic():
            provinces = self._import_provinces()
            municipalities = self._import_municipalities(provinces)
            self._import_settlements(municipalities)
            self._import_mayoralties(municipalities)
        return self.report

    def _sync(self, model, key: str, rows: dict[str, dict], label: str):
        """Create or update ``model`` rows (keyed by ``key``) to match ``rows``; returns the
        rows by key. A run with nothing to change makes one query per model: foreign keys are
        compared by their ids, never loaded one by one."""
        counts = self.report.counts.setdefault(label, Counts())
        existing = {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": rows})}
        # a foreign key's value is a model instance; what is stored is its id
        columns = {
            f: model._meta.get_field(f).attname if model._meta.get_field(f).is_relation else f
            for values in rows.values()
            for f in values
        }
        to_create, to_update, fields = [], [], set()
        for code, values in rows.items():
            obj = existing.get(code)
            if obj is None:
                obj = model(**{key: code}, **values)
                obj.fill_derived()
                to_create.append(obj)
                continue
            changed = [
                f
                for f, v in values.items()
                if getattr(obj, columns[f]) != (v.pk if columns[f] != f else v)
            ]
            if changed:
                for f, v in values.items():
                    setattr(obj, f, v)
                obj.fill_derived()
                fields.update(changed)
                fields.update(f for f in ("name_latin", "search_key") if hasattr(obj, f))
                to_update.append(obj)
            else:
                counts.unchanged += 1
        model.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            model.objects.bulk_update(to_update, sorted(fields), batch_size=1000)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        if any(o.pk is None for o in to_create):  # a database that does not return keys
            return {getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": rows})}
        existing.update((getattr(o, key), o) for o in to_create)
        return existing

    def _import_provinces(self):
        rows = {}
        for _line, r in self._records("ek_obl.json", "oblast"):
            if self._wanted(r["oblast"]):
                rows[r["oblast"]] = {
                    "ekatte": r["ekatte"],
                    "name": r["name"],
                    "nuts3": r["nuts3"],
                    "slug": slugify(transliterate(r["name"])),
                }
        return self._sync(Province, "code", rows, "provinces")

    def _import_municipalities(self, provinces):
        rows = {}
        slug_owner = dict(Municipality.objects.values_list("slug", "code"))
        for line, r in self._records("ek_obst.json", "obshtina"):
            code = r["obshtina"]
            if not self._wanted(code[:3]):
                continue
            if code[:3] not in provinces:
                self.report.problems.append(
                    Problem("ek_obst.json", line, f"{code}: unknown province {code[:3]}")
                )
                continue
            slug = slugify(transliterate(r["name"]))
            if slug_owner.setdefault(slug, code) != code:
                slug = f"{slug}-{code[:3].lower()}"
                slug_owner.setdefault(slug, code)
            rows[code] = {
                "province": provinces[code[:3]],
                "ekatte": r["ekatte"],
                "name": r["name"],
                "slug": slug,
            }
        return self._sync(Municipality, "code", rows, "municipalities")

    def _import_settlements(self, municipalities):
        rows = {}
        for line, r in self._records("ek_atte.json", "t_v_m"):
            if not self._wanted(r["oblast"]):
                continue
            municipality = municipalities.get(r["obshtina"])
            kind = KINDS.get(r["t_v_m"])
            if municipality is None or kind is None:
                reason = (
                    f"unknown municipality {r['obshtina']}"
                    if municipality is None
                    else f"unknown settlement type {r['t_v_m']!r}"
                )
                self.report.problems.append(
                    Problem("ek_atte.json", line, f"{r['ekatte']}: {reason}")
                )
                continue
            rows[r["ekatte"]] = {
                "kind": kind,
                "name": r["name"],
                "municipality": municipality,
                "mayoralty_code": r.get("kmetstvo", ""),
            }
        self._sync(Settlement, "ekatte", rows, "settlements")

    def _import_mayoralties(self, municipalities):
        rows = {}
        for line, r in self._records("ek_kmet.json", "kmetstvo"):
            code = r["kmetstvo"]
            if not self._wanted(code[:3]):
                continue
            municipality = municipalities.get(code[:5])
            if municipality is None:
                self.report.problems.append(
                    Problem("ek_kmet.json", line, f"{code}: unknown municipality {code[:5]}")
                )
                continue
            rows[code] = {"municipality": municipality, "name": r["name"], "ekatte": r["ekatte"]}
        self._sync(Mayoralty, "code", rows, "mayoralties")
