"""Render time of the six province directories: the whole build (data, HTML, QR codes, layout,
PDF, checksum, storage, cover thumbnail) against WeasyPrint alone on the same HTML.

Creates a throwaway test database (``test_<name of DATABASE_URL's database>``), loads the real
region, then renders each directory in a fresh child process (so its peak memory is its own):
a warm-up render of the brochure first, then ``--repeat`` times the full build and WeasyPrint
alone (``HTML(string).render()`` + ``write_pdf``, same options), alternating which goes first;
the fastest of each is reported. Writes ``bench/RESULTS-pdf.md``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/eregion_bench \\
        .venv/bin/python bench/pdf_bench.py --repeat 2
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: bench/http.py would hide the standard library's http
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eregion.settings")

SLUGS = [
    "spravochnik-plovdiv",
    "spravochnik-pazardzhik",
    "spravochnik-smolyan",
    "spravochnik-kardzhali",
    "spravochnik-haskovo",
    "spravochnik-stara-zagora",
]


def one(slug: str, repeat: int, variant: str) -> dict:
    """In the child: time the build and WeasyPrint alone for one directory."""
    import gc
    import resource

    import django

    django.setup()
    from publications import generators, render, services
    from publications.generators import collect
    from publications.models import Build, Publication

    publication = Publication.objects.get(slug=slug)
    warm = Publication.objects.get(slug="broshura")
    render.write(render.layout(render.html_for(warm, variant, collect(warm)), variant), variant)

    builds, alone, inside = [], [], []
    pages = None

    # Time WeasyPrint's own share of each build, to tell the build's overhead (data, HTML, QR
    # codes, hashing, storage, thumbnail) apart from the noise of a shared machine.
    layout, write, spent = render.layout, render.write, [0.0]

    def timed(function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - started

        return wrapper

    def time_build():
        publication.builds.all().delete()  # no reuse: a real render each time
        generators._qr_data_uri.cache_clear()  # nor QR codes a worker kept from an earlier build
        gc.collect()
        spent[0] = 0.0
        render.layout, render.write = timed(layout), timed(write)
        started = time.perf_counter()
        build = services.request_build(publication, variant, enqueue=False)
        build = services.run_build(build.pk)
        builds.append(time.perf_counter() - started)
        render.layout, render.write = layout, write
        inside.append((builds[-1], spent[0]))
        assert build.status == Build.Status.SUCCEEDED, build.error
        return build.pages

    def time_alone():
        html = render.html_for(publication, variant, collect(publication))
        gc.collect()
        started = time.perf_counter()
        render.write(render.layout(html, variant), variant)
        alone.append(time.perf_counter() - started)

    for n in range(repeat):  # alternating which goes first, so neither gains from the order
        if n % 2 == 0:
            pages = time_build()
            time_alone()
        else:
            time_alone()
            pages = time_build()
    return {
        "slug": slug,
        "title": publication.title,
        "pages": pages,
        "build": min(builds),
        "alone": min(alone),
        # the overhead of the fastest build over the WeasyPrint time inside that same build
        "overhead": min(inside)[0] - min(inside)[1],
        "weasy_in_build": min(inside)[1],
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--variant", default="screen", choices=["screen", "printer"])
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS-pdf.md")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.repeat, args.variant)))
        return

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    test_db = settings.DATABASES["default"]["NAME"]
    rows = []
    try:
        call_command("load_region_data", stdout=open(os.devnull, "w"))
        connection.close()
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        with tempfile.TemporaryDirectory() as media:
            env = {**os.environ, "DATABASE_URL": f"{base}/{test_db}", "MEDIA_ROOT": media}
            for slug in SLUGS:
                out = subprocess.run(
                    [sys.executable, __file__, "--one", slug, "--repeat", str(args.repeat),
                     "--variant", args.variant],
                    env=env, check=True, capture_output=True, text=True,
                )  # fmt: skip
                row = json.loads(out.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(
                    f"{slug:28} {row['pages']:4d} pages  build {row['build']:6.2f} s  "
                    f"({row['pages'] / row['build']:4.1f} p/s)  "
                    f"WeasyPrint alone {row['alone']:6.2f} s  "
                    f"ratio {row['build'] / row['alone']:.3f}  overhead {row['overhead']:.2f} s "
                    f"({row['overhead'] / row['weasy_in_build']:.1%})  "
                    f"peak {row['peak_mib']:.0f} MiB",
                    flush=True,
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if not args.no_write:
        write_results(rows, args)


def write_results(rows, args):
    total_build = sum(r["build"] for r in rows)
    total_alone = sum(r["alone"] for r in rows)
    lines = [
        "# Province directory PDFs: render time",
        "",
        f"Measured on {date.today():%Y-%m-%d} with `bench/pdf_bench.py --repeat {args.repeat}` "
        f"({args.variant} variant) on this project's development machine (2 vCPUs shared with "
        "other sessions, PostgreSQL on localhost, Python 3.11, WeasyPrint 70). Each directory "
        "is rendered in its own fresh process after a warm-up render; the fastest of the runs "
        "is reported.",
        "",
        "- **build**: the whole build as the worker runs it (`services.run_build`): read the "
        "data, render the HTML with a QR code per structure, hash it, lay out and write the "
        "PDF, checksum, store the file and the cover thumbnail, record each stage on the row.",
        "- **WeasyPrint alone**: `HTML(string=html).render()` + `write_pdf()` on the same HTML "
        "with the same options.",
        "- **overhead**: the fastest build's time outside WeasyPrint (the build minus the "
        "`render.layout` and `render.write` calls inside that same build), and its share of "
        "WeasyPrint's time there: the same measure as build ÷ alone − 1, but taken within one run "
        "and so immune to the machine's load changing between two runs.",
        "- **peak**: the child process's maximum resident memory.",
        "",
        "| directory | pages | build | pages/s | WeasyPrint alone | build ÷ alone | overhead "
        "| peak |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['title']} | {r['pages']} | {r['build']:.2f} s | {r['pages'] / r['build']:.1f} "
            f"| {r['alone']:.2f} s | {r['build'] / r['alone']:.3f} "
            f"| {r['overhead']:.2f} s ({r['overhead'] / r['weasy_in_build']:.1%}) "
            f"| {r['peak_mib']:.0f} MiB |"
        )
    lines += [
        f"| **all six** | {sum(r['pages'] for r in rows)} | {total_build:.2f} s | "
        f"{sum(r['pages'] for r in rows) / total_build:.1f} | {total_alone:.2f} s | "
        f"{total_build / total_alone:.3f} | "
        f"{sum(r['overhead'] for r in rows) / sum(r['weasy_in_build'] for r in rows):.1%} | |",
        "",
        "The acceptance bound is build ≤ 1.15 × WeasyPrint alone.",
        "",
    ]
    path = ROOT / "bench" / "RESULTS-pdf.md"
    path.write_text("\n".join(lines))
    print(f"written to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
