"""A page's queries do not grow with the data: the same count for 1 row as for 50, for the
directory's list, search and structure page, the NGO catalogue and an organisation's page, and
the API's list (each page measured uncached, after one warm-up request)."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import (
    AdministrativeStructure,
    Municipality,
    Province,
    Service,
    Settlement,
    WorkingHours,
)
from ngofamily.models import FamilyMembership, FieldOfActivity, Organisation, TargetGroup
from tests.ngofamily.factories import OrganisationFactory

WORD = "ксилофонова"  # no structure, organisation or place of the region has it


@pytest.fixture(autouse=True)
def _uncached(settings):
    settings.PAGE_CACHE_SECONDS = 0  # measure the rendering, not the page cache


@pytest.fixture
def place(region):
    """A municipality and a village of the test's own, so that filters isolate its rows."""
    municipality = Municipality.objects.create(
        code="PDV99",
        province=Province.objects.get(code="PDV"),
        ekatte="99990",
        name="Ксилофонова",
        slug="ksilofonova",
    )
    settlement = Settlement.objects.create(
        ekatte="99991", kind="village", name="Ксилофоново", municipality=municipality
    )
    return municipality, settlement


def queries(client, url) -> int:
    client.get(url)  # warm-up: the synonyms table and the like come from the cache after it
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def same_count(client, url, grow, sizes=(1, 50)):
    """The queries of ``url`` after ``grow(n)`` made the data n rows big, for each size."""
    counts = []
    made = 0
    for size in sizes:
        grow(made, size)
        made = size
        counts.append(queries(client, url))
    assert len(set(counts)) == 1, f"{url}: {dict(zip(sizes, counts, strict=True))} queries"
    return counts[0]


def structures(place, parent=None):
    municipality, settlement = place
    services = [Service.objects.create(name=f"Ксилофонова услуга {i}") for i in range(2)]

    def grow(start, stop):
        for i in range(start, stop):
            s = AdministrativeStructure.objects.create(
                name=f"Ксилофонова служба {i}",
                kind="territorial" if i % 2 else "other",
                agency="nap" if i % 3 else "",
                province=municipality.province,
                municipality=municipality,
                settlement=settlement,
                parent=parent,
                phones="032 123 456",
                emails=f"office{i}@example.org",
            )
            WorkingHours.objects.bulk_create(
                WorkingHours(structure=s, weekday=d, opens=time(9), closes=time(17))
                for d in range(5)
            )
            s.services.add(*services)

    return grow


def test_directory_list_queries_do_not_grow(client, place):
    n = same_count(client, "/directory/?municipality=ksilofonova", structures(place))
    assert n <= 12


def test_directory_search_queries_do_not_grow(client, place):
    n = same_count(client, f"/directory/?q={WORD}", structures(place))
    assert n <= 14


def test_api_list_queries_do_not_grow(client, place):
    same_count(client, "/api/v1/structures/?municipality=PDV99", structures(place))
    same_count(client, f"/api/v1/structures/?q={WORD}", lambda a, b: None)


def test_structure_page_queries_do_not_grow(client, place):
    municipality, settlement = place
    parent = AdministrativeStructure.objects.create(
        name="Ксилофонова дирекция", kind="territorial", province=municipality.province
    )
    children = structures(place, parent=parent)

    def grow(start, stop):
        children(start, stop)
        parent.services.add(
            *[
                Service.objects.create(name=f"Ксилофонова услуга на дирекцията {i}")
                for i in range(start, stop)
            ]
        )

    n = same_count(client, parent.get_absolute_url(), grow)
    assert n <= 5


def organisations(place):
    _municipality, settlement = place
    fields = list(FieldOfActivity.objects.all()[:3])
    targets = list(TargetGroup.objects.all()[:3])

    def grow(start, stop):
        for i in range(start, stop):
            org = OrganisationFactory(name=f"Сдружение „Ксилофонова {i}“", settlement=settlement)
            org.fields_of_activity.add(*fields)
            org.target_groups.add(*targets)
            if i % 2:
                FamilyMembership.objects.create(
                    organisation=org,
                    motivation="Заедно.",
                    charter_accepted_at=timezone.now(),
                    status=FamilyMembership.Status.APPROVED,
                )

    return grow


def test_catalogue_queries_do_not_grow(client, place):
    grow = organisations(place)
    n = same_count(client, "/ngos/?municipality=PDV99", grow)
    assert n <= 8
    same_count(client, f"/ngos/?q={WORD}", lambda a, b: None)


def test_organisation_page_queries_do_not_grow(client, place):
    _municipality, settlement = place
    org = OrganisationFactory(name="Сдружение „Ксилофон“", settlement=settlement)

    def grow(start, stop):
        org.fields_of_activity.add(*FieldOfActivity.objects.all()[start:stop])
        org.target_groups.add(*TargetGroup.objects.all()[start:stop])

    sizes = (1, min(FieldOfActivity.objects.count(), TargetGroup.objects.count()))
    assert sizes[1] > 1
    n = same_count(client, org.get_absolute_url(), grow, sizes=sizes)
    assert n <= 7
    assert Organisation.objects.get(pk=org.pk).fields_of_activity.count() == sizes[1]
