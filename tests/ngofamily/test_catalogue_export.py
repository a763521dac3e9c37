"""The catalogue's CSV at any size: streamed from plain values with a query count that does not
grow with the organisations."""

import csv

from django.urls import reverse

from eregion.validators import format_phone
from tests.directory.test_exports import queries_to_read


def test_the_catalogue_export_is_streamed_with_a_fixed_query_count(client, geo):
    from ngofamily.models import FieldOfActivity
    from tests.ngofamily.factories import OrganisationFactory

    culture = FieldOfActivity.objects.get(slug="kultura")
    url = reverse("ngofamily:export")

    def add(n):
        for _ in range(n):
            org = OrganisationFactory(settlement=geo["smolyan"], phones=["+35930162000"])
            org.fields_of_activity.add(culture)
        return org

    org = add(1)
    response = client.get(url)
    assert response.streaming
    rows = list(csv.DictReader(response.getvalue().decode("utf-8-sig").splitlines()))
    row = next(r for r in rows if r["name"] == org.name)
    assert row["fields_of_activity"] == culture.name
    assert row["settlement"] == str(geo["smolyan"])
    assert row["phones"] == format_phone("+35930162000")
    assert row["url"] == f"http://testserver{org.get_absolute_url()}"
    with_one = queries_to_read(client, url)
    add(49)
    assert queries_to_read(client, url) == with_one
