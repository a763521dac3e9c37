"""The catalogue's CSV at any size: streamed from plain values with a query count that does not
grow with the organisations."""

import csv

from django.urls import reverse
from django.utils import timezone

from eregion.validators import format_phone
from tests.directory.test_exports import queries_to_read, revalidated


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


def test_the_whole_catalogue_answers_304_until_something_changes(client, geo):
    from ngofamily.models import FamilyMembership, Organisation
    from tests.ngofamily.factories import OrganisationFactory

    url = reverse("ngofamily:export")
    org = OrganisationFactory(settlement=geo["smolyan"])
    etag = revalidated(client, url)["ETag"]

    org.name = "Сдружение „Ново име“"
    org.save()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Ново име" in changed.getvalue().decode("utf-8-sig")

    # a related row the file shows (family membership) changes it too
    FamilyMembership.objects.create(
        organisation=org, status="approved", charter_accepted_at=timezone.now()
    )
    member = client.get(url, headers={"If-None-Match": changed["ETag"]})
    assert member.status_code == 200

    # withdrawn by a plain update(), which sends no signal
    Organisation.objects.filter(pk=org.pk).update(status=Organisation.Status.SUSPENDED)
    assert client.get(url, headers={"If-None-Match": member["ETag"]}).status_code == 200


def test_a_filtered_catalogue_download_is_not_revalidated(client, geo):
    from tests.ngofamily.factories import OrganisationFactory

    OrganisationFactory(settlement=geo["smolyan"])
    response = client.get(reverse("ngofamily:export"), {"province": "SML"})
    assert response.status_code == 200 and "ETag" not in response
