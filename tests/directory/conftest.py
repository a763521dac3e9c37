"""Fixtures of the directory tests. ``loaded`` imports the real region once per module (the
geography and every directory loader) and deletes it afterwards, so the other modules, which
expect no geography, are not affected; what migrations seeded (other apps' taxonomies) stays."""

import os

import pytest
from django.conf import settings
from django.core.management import call_command

from directory.loaders import LOADERS


def unload_region():
    from directory.models import (
        AdministrativeStructure,
        InaccuracyReport,
        Mayoralty,
        Municipality,
        Province,
        SearchWord,
        Service,
        Settlement,
        WorkingHours,
    )

    InaccuracyReport.objects.all().delete()
    for model in (WorkingHours, AdministrativeStructure, Service):
        model.objects.all().delete()
        model.history.all().delete()
    for model in (SearchWord, Mayoralty, Settlement, Municipality, Province):
        model.objects.all().delete()


def load_region():
    call_command("import_ekatte", str(settings.DATA_DIR / "ekatte"), stdout=open(os.devnull, "w"))
    for loader in LOADERS:
        list(loader(settings.DATA_DIR / "region"))


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_region()
    yield
    with django_db_blocker.unblock():
        unload_region()


@pytest.fixture
def directory(loaded, db):
    """The loaded region, inside the test's transaction."""
    from directory.models import AdministrativeStructure

    return AdministrativeStructure.objects
