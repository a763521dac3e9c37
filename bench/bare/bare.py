"""The bare one-view Django app that ``bench/http.py`` serves beside the portal, the same way
(gunicorn, 2 sync workers, DEBUG off): the yardstick of what Django itself costs here. Settings,
URLs and the WSGI application in one module (``DJANGO_SETTINGS_MODULE=bare``, served as
``bare:application`` from this folder)."""

import os

from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

SECRET_KEY = "bench-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bare"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_I18N = False
USE_TZ = True


def hello(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("", hello)]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bare")
application = get_wsgi_application()
