"""Fixtures of the publication tests: the seeded editions, PDFs rendered once per module (on
the real region the harness loads once per run), and the tools of poppler-utils that read
them back."""

import os
import subprocess
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def ensure_editions() -> None:
    """The seeded editions (an earlier transactional test may have flushed them)."""
    from django.apps import apps

    from publications.models import Publication

    if not Publication.objects.exists():
        import_module("publications.migrations.0002_seed_editions").seed(apps, None)


@pytest.fixture(scope="module")
def module_region(django_db_setup, django_db_blocker):
    """The shared real region and the seeded editions; what the module builds (committed, so
    that its tests can share one render) is deleted at its end."""
    from django.db import connection

    # pytest-django makes the test database only when a collected test asks for one: a module
    # whose tests do not (mark them django_db) would otherwise write to the real database.
    assert connection.settings_dict["NAME"].startswith("test_"), "not on the test database"
    with django_db_blocker.unblock():
        ensure_editions()
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        from publications.models import Build

        # After the run's last module pytest-django may already have dropped the test database
        # and pointed the connection back at the real one: touch nothing there.
        if connection.settings_dict["NAME"].startswith("test_"):
            Build.objects.all().delete()


@pytest.fixture(scope="module")
def module_media(tmp_path_factory):
    """One media folder for what a module renders once and its tests read."""
    path = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=path):
        yield path


def build_once(slug: str, variant: str = "screen"):
    """Render with the management command (as printers and ``make run`` users do) and return
    the build, committed."""
    from publications.models import Build

    call_command("build_publication", slug, variant=variant, stdout=open(os.devnull, "w"),
                 stderr=open(os.devnull, "w"))  # fmt: skip
    return Build.objects.filter(publication__slug=slug, variant=variant).latest("pk")


@pytest.fixture(scope="module")
def plovdiv_build(module_region, module_media, django_db_blocker):
    with django_db_blocker.unblock():
        return build_once("spravochnik-plovdiv")


@pytest.fixture
def media_here(settings, module_media):
    """The test sees the files rendered for its module."""
    settings.MEDIA_ROOT = module_media
    return module_media


def pdftotext(path, first: int | None = None, last: int | None = None, layout=False) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        cmd.append("-layout")
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*cmd, str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_tool(*args) -> str:
    return subprocess.run(list(map(str, args)), check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    """Whitespace collapsed: a long name wraps over lines in the PDF."""
    return " ".join(text.split())


def file_path(build) -> Path:
    return Path(settings.MEDIA_ROOT) / build.file.name
