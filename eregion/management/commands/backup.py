"""``manage.py backup [--dir DIR]``: the database and the media files into a new folder."""

from django.core.management.base import BaseCommand

from eregion.backup import backup


class Command(BaseCommand):
    help = "Back up the PostgreSQL database (pg_dump) and MEDIA_ROOT into a timestamped folder."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="where to put the backup folder (default BACKUP_DIR)")

    def handle(self, *args, **options):
        folder = backup(options["dir"])
        self.stdout.write(str(folder))
