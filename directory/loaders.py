"""Loaders of the region's real data files (``data/region/``) into the directory.

Each loader is idempotent: it writes only what differs from the database and yields lines
for the command's report.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .models import Settlement


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@transaction.atomic
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
            "lat": Decimal(row["centre_lat"]).quantize(Decimal("0.000001")),
            "lon": Decimal(row["centre_lon"]).quantize(Decimal("0.000001")),
        }
        if any(getattr(settlement, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(settlement, f, v)
            changed.append(settlement)
    Settlement.objects.bulk_update(changed, ["postal_code", "lat", "lon"])
    yield f"municipal centres: {len(changed)} updated, {len(rows) - len(changed)} unchanged"


# Run in this order by `load_region_data`; each takes the data/region folder.
LOADERS = [load_municipality_centres]
