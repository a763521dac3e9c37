"""Render a publication now, in this process, and print the PDF's path."""

import time

from django.core.management.base import BaseCommand, CommandError

from publications import services
from publications.models import Build, Publication


class Command(BaseCommand):
    help = (
        "Render a publication's PDF now, in this process (no worker needed), with a progress "
        "bar, and print the file's path. Unchanged data reuses the last file."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="the publication's slug (see /publications/)")
        parser.add_argument(
            "--variant",
            choices=[*Build.Variant.values, "both"],
            default=Build.Variant.SCREEN,
            help="screen (PDF/UA-1, the default), printer (3 mm bleed, crop marks) or both",
        )
        parser.add_argument("--all", action="store_true", help="every publication")

    def handle(self, *args, slug=None, variant="screen", all=False, **options):
        if all == bool(slug):
            raise CommandError("Give one publication's slug or --all.")
        if all:
            publications = list(Publication.objects.select_related("province"))
        else:
            publications = list(Publication.objects.filter(slug=slug))
            if not publications:
                known = ", ".join(Publication.objects.values_list("slug", flat=True))
                raise CommandError(f"No publication {slug!r}. Known: {known}")
        variants = Build.Variant.values if variant == "both" else [variant]
        failed = 0
        for publication in publications:
            for v in variants:
                build = self.build(publication, v)
                if build.status == Build.Status.SUCCEEDED:
                    path = build.file.path if hasattr(build.file, "path") else build.file.url
                    reused = " (unchanged: reused)" if build.reused_from_id else ""
                    self.stdout.write(f"{path}{reused}")
                else:
                    failed += 1
                    self.stderr.write(f"{publication.slug} {v}: {build.error}")
        if failed:
            raise CommandError(f"{failed} build(s) failed.")

    def build(self, publication: Publication, variant: str) -> Build:
        build = services.request_build(publication, variant, requested_by="command", enqueue=False)
        done = services.run_build(build.pk, on_progress=self.progress)
        if done is None:  # a worker has it: wait for the outcome
            self.stderr.write(f"Build #{build.pk} is running in a worker; waiting for it.")
            while True:
                build.refresh_from_db()
                if not build.is_active:
                    return build
                time.sleep(1)
        build.refresh_from_db()
        return build

    def progress(self, build: Build):
        label = Build.Stage(build.stage).label if build.stage in Build.Stage.values else ""
        finished = build.status in (Build.Status.SUCCEEDED, Build.Status.FAILED)
        name = f"{build.publication.slug} {build.variant}"
        if not self.stderr.isatty():  # a log: one line per stage
            self.stderr.write(f"{name}: {build.progress:3d}% {label}")
            return
        filled = 30 * build.progress // 100
        bar = "#" * filled + "." * (30 - filled)
        self.stderr.write(
            f"\r{name} [{bar}] {build.progress:3d}% {label:<28}", ending="\n" if finished else ""
        )
        self.stderr.flush()
