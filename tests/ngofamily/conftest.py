"""Named places of the real region (loaded once per run) that the NGO tests refer to."""

import pytest

from directory.models import Province, Settlement
from ngofamily.models import Organisation


@pytest.fixture
def geo(region):
    """Two provinces and four settlements, among them two villages both called Бяла река."""
    places = {
        s.ekatte: s
        for s in Settlement.objects.select_related("municipality__province").filter(
            ekatte__in=["67653", "56784", "07689", "07675"]
        )
    }
    return {
        "sml": Province.objects.get(code="SML"),
        "pdv": Province.objects.get(code="PDV"),
        "smolyan": places["67653"],
        "plovdiv": places["56784"],
        "byala_reka_1": places["07689"],
        "byala_reka_2": places["07675"],
    }


@pytest.fixture
def only_our_organisations(region):
    """A catalogue of just the test's own organisations: the register's community centres
    are unlisted for the test (its transaction is rolled back afterwards)."""
    Organisation.objects.filter(source=Organisation.Source.COMMUNITY_CENTRES).update(
        status=Organisation.Status.SUSPENDED
    )
