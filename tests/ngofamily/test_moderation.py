"""Staff moderate registrations in admin; owners get an email either way; only published
organisations appear in the catalogue, the CSV export and the API."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from ngofamily.models import Organisation

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:ngofamily_organisation_changelist")


def public_listing(client, name):
    """Whether the organisation is listed: (catalogue page, CSV export, API)."""
    org = Organisation.objects.get(name=name)
    page = client.get(reverse("ngofamily:index"), {"q": name}).content.decode()
    csv = client.get(reverse("ngofamily:export"), {"q": name}).getvalue().decode("utf-8-sig")
    api = client.get("/api/v1/organisations/", {"q": name}).json()
    return (
        f'href="{org.get_absolute_url()}"' in page,
        name in csv,
        any(r["name"] == name for r in api["results"]),
    )


def test_staff_approve_in_admin_and_it_appears_everywhere_and_the_owner_is_told(
    client, user, staff_user, geo, django_capture_on_commit_callbacks
):
    org = OrganisationFactory(
        name="Фондация „Светлина“",
        status=Organisation.Status.PENDING,
        owners=[user],
        settlement=geo["smolyan"],
    )
    assert public_listing(client, org.name) == (False, False, False)
    assert client.get(org.get_absolute_url()).status_code == 404

    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST, {"action": "approve_selected", ACTION_CHECKBOX_NAME: [org.pk]}
        )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == Organisation.Status.PUBLISHED
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "публикувана" in mail.outbox[0].subject

    client.logout()
    assert public_listing(client, org.name) == (True, True, True)
    assert client.get(org.get_absolute_url()).status_code == 200


def test_staff_reject_with_a_reason_in_bulk_and_owners_get_the_reason(
    client, user, staff_user, django_capture_on_commit_callbacks
):
    orgs = [
        OrganisationFactory(status=Organisation.Status.PENDING, owners=[user]) for _ in range(2)
    ]
    client.force_login(staff_user)
    ids = [o.pk for o in orgs]
    response = client.post(CHANGELIST, {"action": "reject_selected", ACTION_CHECKBOX_NAME: ids})
    assert response.status_code == 200  # asks for the reason first
    assert "Причина" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {
                "action": "reject_selected",
                ACTION_CHECKBOX_NAME: ids,
                "apply": "1",
                "reason": "ЕИК не отговаря на името в Търговския регистър.",
            },
        )
    assert response.status_code == 302
    for org in orgs:
        org.refresh_from_db()
        assert org.status == Organisation.Status.REJECTED
        assert org.status_reason == "ЕИК не отговаря на името в Търговския регистър."
    assert len(mail.outbox) == 2
    assert "ЕИК не отговаря на името" in mail.outbox[0].body

    client.logout()
    assert public_listing(client, orgs[0].name) == (False, False, False)
    assert client.get(f"/api/v1/organisations/{orgs[0].slug}/").status_code == 404


def test_reject_without_a_reason_is_refused(client, staff_user):
    org = OrganisationFactory(status=Organisation.Status.PENDING)
    client.force_login(staff_user)
    client.post(
        CHANGELIST,
        {"action": "reject_selected", ACTION_CHECKBOX_NAME: [org.pk], "apply": "1", "reason": ""},
    )
    org.refresh_from_db()
    assert org.status == Organisation.Status.PENDING


@pytest.mark.parametrize("status", ["draft", "pending", "rejected", "suspended"])
def test_unpublished_organisations_are_never_public(client, status):
    reason = "x" if status == "rejected" else ""
    org = OrganisationFactory(status=status, status_reason=reason)
    assert client.get(org.get_absolute_url()).status_code == 404
    assert public_listing(client, org.name) == (False, False, False)


def test_the_owner_sees_their_pending_organisation_with_its_status(client, user):
    org = OrganisationFactory(status=Organisation.Status.PENDING, owners=[user])
    client.force_login(user)
    page = client.get(org.get_absolute_url()).content.decode()
    assert "очаква одобрение" in page.lower()


def test_admin_keeps_the_history_of_changes(client, staff_user):
    org = OrganisationFactory(status=Organisation.Status.PENDING)
    org.address = "ул. Нова 1"
    org.save()
    client.force_login(staff_user)
    response = client.get(reverse("admin:ngofamily_organisation_history", args=[org.pk]))
    assert response.status_code == 200
    assert org.history.count() == 2
