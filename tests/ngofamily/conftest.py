"""A small slice of the region's geography: fast to create, enough for the NGO tests that do
not need the whole EKATTE import (the loader tests use the ``region`` fixture)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from directory.models import Municipality, Province, Settlement


@pytest.fixture
def geo(db):
    sml = Province.objects.create(
        code="SML", ekatte="67653", name="Смолян", nuts3="BG424", slug="smolyan"
    )
    pdv = Province.objects.create(
        code="PDV", ekatte="56784", name="Пловдив", nuts3="BG421", slug="plovdiv"
    )
    smolyan = Municipality.objects.create(
        code="SML31", province=sml, ekatte="67653", name="Смолян", slug="smolyan-m"
    )
    plovdiv = Municipality.objects.create(
        code="PDV22", province=pdv, ekatte="56784", name="Пловдив", slug="plovdiv-m"
    )
    sopot = Municipality.objects.create(
        code="PDV37", province=pdv, ekatte="68080", name="Сопот", slug="sopot-m"
    )
    places = {
        "smolyan": Settlement.objects.create(
            ekatte="67653",
            kind="city",
            name="Смолян",
            municipality=smolyan,
            lat=Decimal("41.576"),
            lon=Decimal("24.712"),
        ),
        "plovdiv": Settlement.objects.create(
            ekatte="56784",
            kind="city",
            name="Пловдив",
            municipality=plovdiv,
            lat=Decimal("42.150"),
            lon=Decimal("24.750"),
        ),
        "byala_reka_1": Settlement.objects.create(
            ekatte="07740", kind="village", name="Бяла река", municipality=smolyan
        ),
        "byala_reka_2": Settlement.objects.create(
            ekatte="07757", kind="village", name="Бяла река", municipality=sopot
        ),
    }
    return {"sml": sml, "pdv": pdv, **places}


@pytest.fixture(autouse=True)
def _default_language():
    """A request under /en/ leaves English active in the thread, and ``reverse`` would then
    build /en/ addresses in the next test: start and end every test in the default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _seeded_taxonomies(request):
    """The data migration's seeds (fields, target groups, charter, areas) are wiped by any
    transactional test that ran earlier in the session: put them back when missing."""
    if "django_db" not in {m.name for m in request.node.iter_markers()}:
        return
    request.getfixturevalue("db")
    import importlib

    from django.apps import apps
    from django.db import connection

    from ngofamily.models import FieldOfActivity

    if FieldOfActivity.objects.exists():
        return
    seeds = [
        importlib.import_module("ngofamily.migrations.0002_seed_taxonomies_charter_and_areas").seed,
        importlib.import_module(
            "ngofamily.migrations.0004_work_area_and_charter_in_english"
        ).seed_english,
    ]

    class Editor:
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    for seed in seeds:
        seed(apps, Editor())
