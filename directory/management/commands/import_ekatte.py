"""Import NSI's EKATTE export (provinces, municipalities, settlements, mayoralties)."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directory.ekatte import EkatteImporter
from eregion import pagecache


class Command(BaseCommand):
    help = (
        "Import NSI's EKATTE JSON export from DIR (ek_obl.json, ek_obst.json, ek_atte.json, "
        "ek_kmet.json). Keeps the provinces of settings.REGION_PROVINCES unless --provinces "
        "says otherwise. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path, help="folder holding NSI's ek_*.json files")
        parser.add_argument(
            "--provinces",
            default=None,
            help="'all', or province codes separated by commas (default: the region's six)",
        )

    def handle(self, *args, dir: Path, provinces: str | None, verbosity: int = 1, **options):
        missing = [
            name
            for name in ("ek_obl.json", "ek_obst.json", "ek_atte.json", "ek_kmet.json")
            if not (dir / name).is_file()
        ]
        if missing:
            raise CommandError(f"{dir} lacks {', '.join(missing)}")
        if provinces is None:
            codes = list(settings.REGION_PROVINCES)
        elif provinces.strip().lower() == "all":
            codes = None
        else:
            codes = [c.strip().upper() for c in provinces.split(",") if c.strip()]
        try:
            with pagecache.bulk_changes():  # bulk writes send no signals
                report = EkatteImporter(dir, codes).run()
        except ValidationError as exc:  # a file that is not EKATTE's JSON: nothing was written
            raise CommandError(" ".join(exc.messages)) from None
        for problem in report.problems:
            self.stderr.write(f"skipped {problem}")
        for label, c in report.counts.items():
            self.stdout.write(
                f"{label}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
            )
        if report.problems:
            self.stdout.write(self.style.WARNING(f"{len(report.problems)} bad records skipped"))
        if report.changed:
            self.stdout.write(self.style.SUCCESS("EKATTE import done."))
        else:
            self.stdout.write("No changes: the database already matches these files.")
