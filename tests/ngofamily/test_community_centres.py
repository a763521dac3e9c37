"""The register of community centres (читалища) loaded into the catalogue, and claiming one."""

import csv
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from ngofamily.loaders import load_community_centres
from ngofamily.models import ClaimRequest, Organisation

from .factories import OrganisationFactory, valid_eik

pytestmark = pytest.mark.django_db

REGION_DIR = settings.DATA_DIR / "region"


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker):
    """The loader's report on the run's database (loaded once per run; this run changes
    nothing, as a later test proves)."""
    with django_db_blocker.unblock():
        return load_community_centres(REGION_DIR)


@pytest.fixture
def centres(report, region):
    return report


def register_rows():
    with open(REGION_DIR / "chitalishta_south_central.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_active_centres_are_published_and_closed_ones_kept_unlisted(client, centres):
    assert Organisation.objects.count() == 904
    assert Organisation.objects.published().count() == 895
    unlisted = Organisation.objects.exclude(status="published")
    assert unlisted.count() == 9
    assert set(unlisted.values_list("status", flat=True)) == {"suspended"}
    assert all(o.owners.count() == 0 for o in unlisted)

    response = client.get(reverse("ngofamily:index"))
    assert "895 организации" in response.content.decode()
    api = client.get("/api/v1/organisations/").json()
    assert api["count"] == 895


def test_rows_with_unusable_bulstat_are_flagged_with_their_reason(client, staff_user, centres):
    flagged = Organisation.objects.filter(review_reason__contains="БУЛСТАТ")
    assert flagged.count() == 53  # 47 empty/malformed/check digit + 6 sharing one
    assert flagged.filter(eik__isnull=False).count() == 0
    assert flagged.filter(review_reason__startswith="Празен").count() == 41
    assert flagged.filter(review_reason__contains="контролна цифра").count() == 1
    assert flagged.filter(review_reason__contains="записан и при").count() == 6
    summary = "\n".join(centres)
    assert "Flagged for staff review (imported without EIK): 53" in summary
    assert "41 empty BULSTAT, 5 malformed, 1 wrong check digit, 6 sharing a BULSTAT" in summary

    client.force_login(staff_user)
    page = client.get(
        reverse("admin:ngofamily_organisation_changelist"), {"review": "yes"}
    ).content.decode()
    assert "53 организации" in page or "53 " in page
    assert "Празен БУЛСТАТ в регистъра." in page


def test_loading_twice_changes_nothing(centres):
    again = list(load_community_centres(REGION_DIR))
    assert "created 0, updated 0, unchanged 904" in again[0]
    assert Organisation.objects.count() == 904


def test_smolyan_community_centres_are_exactly_those_seated_in_smolyan(client, centres):
    expected = {
        r["reg_no"] for r in register_rows() if r["oblast"] == "SML" and r["status"] == "Действащо"
    }
    response = client.get(
        reverse("ngofamily:export"), {"province": "SML", "legal_form": "community_centre"}
    )
    rows = list(csv.DictReader(response.getvalue().decode("utf-8-sig").splitlines()))
    assert len(rows) == len(expected)
    assert {r["province"] for r in rows} == {"Смолян"}
    got = set(
        Organisation.objects.published()
        .filter(province__code="SML", legal_form="community_centre")
        .values_list("register_number", flat=True)
    )
    assert got == expected
    page = client.get(
        reverse("ngofamily:index"), {"province": "SML", "legal_form": "community_centre"}
    ).content.decode()
    assert f"{len(expected)} организации" in page


def test_registering_the_eik_of_an_imported_centre_offers_the_claim(
    client, user, centres, django_capture_on_commit_callbacks
):
    centre = Organisation.objects.published().exclude(eik=None).order_by("pk").first()
    client.force_login(user)
    response = client.post(
        reverse("ngofamily:register"),
        {
            "name": "Читалище дубликат",
            "legal_form": "community_centre",
            "eik": centre.eik,
            "seat_name": centre.settlement.name,
            "seat": centre.settlement.ekatte,
            "description_format": "plain",
        },
    )
    page = response.content.decode()
    claim_url = reverse("ngofamily:claim", args=[centre.slug])
    assert claim_url in page
    assert "Заяви собственост" in page
    assert Organisation.objects.filter(eik=centre.eik).count() == 1

    response = client.post(claim_url, {"role": "председател", "message": "тел. 0888 123 456"})
    assert response.status_code == 302
    claim = ClaimRequest.objects.get()
    assert claim.status == ClaimRequest.Status.PENDING
    assert not centre.owners.exists()

    staff = type(user).objects.create_superuser("staff@example.org", "pw-long-enough-1")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:ngofamily_claimrequest_changelist"),
            {"action": "confirm_selected", ACTION_CHECKBOX_NAME: [claim.pk]},
        )
    claim.refresh_from_db()
    assert claim.status == ClaimRequest.Status.CONFIRMED
    assert list(centre.owners.all()) == [user]
    assert mail.outbox[-1].to == [user.email]

    client.force_login(user)
    assert client.get(reverse("ngofamily:edit", args=[centre.slug])).status_code == 200
    assert client.get(claim_url).status_code == 403  # it has an owner now


def test_an_organisation_registered_by_its_people_cannot_be_claimed(client, user):
    org = OrganisationFactory()
    client.force_login(user)
    assert client.get(reverse("ngofamily:claim", args=[org.slug])).status_code == 404


def test_a_shared_register_bulstat_also_offers_the_claim(client, user, geo):
    # In the register, the closed „Пробуда“ (№ 551) and the active „Заря -1957“ (№ 1306)
    # share BULSTAT 000893950; both were imported without an EIK.
    closed = Organisation.objects.get(register_number="551")
    active = Organisation.objects.get(register_number="1306")
    assert (closed.register_eik, active.register_eik) == ("000893950", "000893950")
    assert closed.eik is None and active.eik is None
    client.force_login(user)
    page = client.post(
        reverse("ngofamily:register"),
        {
            "name": "Заря",
            "legal_form": "community_centre",
            "eik": "000893950",
            "seat_name": "Минерални бани",
            "description_format": "plain",
        },
    ).content.decode()
    assert reverse("ngofamily:claim", args=[active.slug]) in page
    assert reverse("ngofamily:claim", args=[closed.slug]) not in page
    assert not Organisation.objects.filter(name="Заря").exists()  # nothing registered


def test_staff_fixes_survive_the_next_load(centres):
    flagged = Organisation.objects.get(register_number="801")  # check digit fails
    flagged.eik = valid_eik(98765432)  # staff found the right one
    flagged.review_reason = ""
    flagged.save()
    closed = Organisation.objects.filter(status="suspended").first()
    closed.status = "published"
    closed.save()

    again = list(load_community_centres(REGION_DIR))
    flagged.refresh_from_db()
    closed.refresh_from_db()
    assert flagged.eik and flagged.review_reason == ""
    assert closed.status == "published"
    assert "created 0, updated 0, unchanged 904" in again[0]


def test_load_region_data_loads_the_community_centres(region):
    from django.core.management import call_command

    gone = list(
        Organisation.objects.filter(source="community_centres")
        .order_by("pk")[:3]
        .values_list("register_number", flat=True)
    )
    Organisation.objects.filter(register_number__in=gone).delete()
    out = StringIO()
    call_command("load_region_data", stdout=out)
    assert "created 3, updated 0, unchanged 901" in out.getvalue()
    assert Organisation.objects.filter(register_number__in=gone).count() == 3
    assert Organisation.objects.filter(source="community_centres").count() == 904
