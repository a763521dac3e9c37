"""A small slice of the region's geography: fast to create, enough for the NGO tests that do
not need the whole EKATTE import (the loader tests use the ``region`` fixture)."""

from decimal import Decimal

import pytest

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
