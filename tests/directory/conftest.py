"""Fixtures of the directory tests. ``loaded`` imports the real region once per module (the
geography and every directory loader) and empties the database afterwards, so the other
modules, which expect an empty database, are not affected."""

import os

import pytest
from django.conf import settings
from django.core.management import call_command

from directory.loaders import LOADERS


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
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def directory(loaded, db):
    """The loaded region, inside the test's transaction."""
    from directory.models import AdministrativeStructure

    return AdministrativeStructure.objects
