"""Latency of the directory search on PostgreSQL, at the region's size and scaled up.

Creates a throwaway test database (``test_<name of DATABASE_URL's database>``), loads the real
region, optionally adds ``--scale N`` synthetic structures seated in random settlements of the
whole country, then times each query: the ranked search alone (first page and count) and the
whole ``/directory/?q=`` page through Django's test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eregion_bench \\
        .venv/bin/python bench/search_bench.py --scale 50000 --repeat 30
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/http.py would hide the standard library's http
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eregion.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

QUERIES = [
    ("exact, Cyrillic", "Пловдив"),
    ("exact, Latin", "plovdiv"),
    ("prefix", "плов"),
    ("typo, Latin", "Plovdv"),
    ("typo, Cyrillic", "Пловдвив"),
    ("typo", "Хаскоово"),
    ("two words", "районен съд"),
    ("village", "Абланица"),
    ("no match", "qqqzzz"),
    # issue 18: needs, abbreviations, wrong keyboard layout, English
    ("service", "постоянен адрес"),
    ("abbreviation", "НАП"),
    ("wrong layout", "m.florl"),
    ("English", "court plovdiv"),
]

PREFIXES = [
    "Кметство", "Читалище", "Основно училище", "Детска градина", "Пощенска станция",
    "Здравна служба", "Библиотека", "Социален патронаж", "Клуб на пенсионера", "Пожарна служба",
]  # fmt: skip


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def synthetic(n: int, seed: int = 7):
    from directory.models import AdministrativeStructure, SearchWord, Settlement

    rng = random.Random(seed)
    settlements = list(Settlement.objects.select_related("municipality__province"))
    taken = set(AdministrativeStructure.objects.values_list("slug", flat=True))
    batch = []
    for i in range(n):
        s = rng.choice(settlements)
        structure = AdministrativeStructure(
            name=f"{rng.choice(PREFIXES)} {s.name}",
            kind=AdministrativeStructure.Kind.OTHER,
            province=s.municipality.province,
            municipality=s.municipality,
            settlement=s,
            slug=f"bench-{i}",
        )
        structure.fill_derived()
        batch.append(structure)
        if len(batch) == 5000:
            AdministrativeStructure.objects.bulk_create(batch)
            SearchWord.add(" ".join(b.search_key for b in batch))
            batch = []
    if batch:
        AdministrativeStructure.objects.bulk_create(batch)
        SearchWord.add(" ".join(b.search_key for b in batch))
    assert not taken & {f"bench-{i}" for i in range(n)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=0, help="synthetic structures to add")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("set DATABASE_URL to a PostgreSQL database")

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from directory.loaders import LOADERS
        from directory.models import AdministrativeStructure, SearchWord
        from directory.search import corrections, search
        from eregion.text import query_words

        devnull = open(os.devnull, "w")
        call_command(
            "import_ekatte", str(settings.DATA_DIR / "ekatte"), "--provinces", "all", stdout=devnull
        )
        for loader in LOADERS:
            list(loader(settings.DATA_DIR / "region"))
        if args.scale:
            synthetic(args.scale)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        total = AdministrativeStructure.objects.count()
        words = SearchWord.objects.count()
        print(f"structures: {total}, dictionary words: {words}, repeats: {args.repeat}")
        print(f"{'query':<28} {'hits':>6} {'dict p50':>9} {'search p50':>11} {'p95':>8} "
              f"{'max':>8} {'page p50':>9} {'p95':>8}")  # fmt: skip
        client = Client()
        client.get("/directory/")  # warm up templates and the connection
        list(search("warm up")[:20])  # and the search's caches, so the first query is fair
        for label, query in QUERIES:
            search_times, page_times, dictionary_times = [], [], []
            hits = 0
            for _ in range(args.repeat):
                t = time.perf_counter()
                corrections(query_words(query))
                dictionary_times.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                qs = search(query)
                list(qs[:20])
                hits = qs.count()
                search_times.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                response = client.get("/directory/", {"q": query})
                page_times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200
            print(
                f"{label + ' «' + query + '»':<28} {hits:>6} "
                f"{statistics.median(dictionary_times):>7.1f}ms "
                f"{statistics.median(search_times):>9.1f}ms {percentile(search_times, 95):>6.1f}ms "
                f"{max(search_times):>6.1f}ms {statistics.median(page_times):>7.1f}ms "
                f"{percentile(page_times, 95):>6.1f}ms"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
