"""Create (or refresh) the demo staff account of a local `make run` and print its login."""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand

from eregion.models import User

DEMO_EMAIL = "staff@eregion.local"


class Command(BaseCommand):
    help = "Create the demo staff account for a local run and print its login (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stderr.write("Refusing to create a demo account with DEBUG off.")
            return
        secret_file = settings.VAR_DIR / "demo-staff-password.txt"
        if secret_file.exists():
            password = secret_file.read_text().strip()
        else:
            password = secrets.token_urlsafe(12)
            secret_file.write_text(password + "\n")
            secret_file.chmod(0o600)
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            user = User.objects.create_superuser(DEMO_EMAIL, password, full_name="Демо служител")
        elif not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        self.stdout.write(
            self.style.SUCCESS(f"Demo staff login: {DEMO_EMAIL} / {password}  (sign in at /admin/)")
        )
