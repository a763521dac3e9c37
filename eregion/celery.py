"""The Celery application; settings come from Django's (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eregion.settings")

app = Celery("eregion")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
