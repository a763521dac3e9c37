"""``manage.py restore FOLDER --yes``: replace the database and the media files by a backup."""

from django.core.management.base import BaseCommand, CommandError

from eregion.backup import restore


class Command(BaseCommand):
    help = "DROP the database and MEDIA_ROOT and recreate them from a folder made by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a backup folder, e.g. var/backups/20261201T180000Z")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        if not options["yes"]:
            if not options.get("interactive", True):
                raise CommandError("Pass --yes to replace the database.")
            answer = input("This DROPS the database and replaces the media files. Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Nothing was changed.")
        manifest = restore(options["folder"])
        self.stdout.write(
            f"Restored {manifest['database']} and {manifest['media_files']} media files "
            f"from the backup of {manifest['created']}."
        )
