"""Fixtures of the directory tests: the real region is loaded once per run (tests/conftest.py)."""

import pytest


@pytest.fixture
def directory(region):
    """The directory's structures of the loaded region, inside the test's transaction."""
    from directory.models import AdministrativeStructure

    return AdministrativeStructure.objects
