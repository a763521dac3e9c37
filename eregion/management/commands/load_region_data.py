"""Load all real data of the region; safe to run again (nothing changes the second time)."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from directory import loaders as directory_loaders
from ngofamily import loaders as ngofamily_loaders


class Command(BaseCommand):
    help = (
        "Load the real data of the region from data/: the EKATTE geography of the region's "
        "provinces, then every loader of the directory and the NGO catalogue. Idempotent, and "
        "all or nothing: a bad row anywhere leaves the database as it was."
    )

    def handle(self, *args, **options):
        data = settings.DATA_DIR
        # Lives in the project package because it spans apps: the directory does not import
        # the NGO catalogue.
        with transaction.atomic():
            call_command(
                "import_ekatte", str(data / "ekatte"), stdout=self.stdout, stderr=self.stderr
            )
            for loader in (*directory_loaders.LOADERS, *ngofamily_loaders.LOADERS):
                for line in loader(data / "region"):
                    self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Region data loaded."))
