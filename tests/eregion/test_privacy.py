"""The privacy notice and the operator's contacts; a person downloads their data and deletes
their account, and organisations they alone own stay, handed to staff."""

import json

import pytest
from django.urls import reverse

from eregion.models import User
from ngofamily.models import ClaimRequest, Organisation
from tests.factories import UserFactory
from tests.ngofamily.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PRIVACY = reverse("privacy")


def test_the_privacy_notice_says_who_what_why_how_long_and_the_rights(client):
    page = client.get(PRIVACY).content.decode()
    for words in [
        "Регионално сдружение на общините „Марица“",  # who
        "Какви данни и защо",
        "Основание",
        "Колко дълго",
        "Вашите права",
        "Комисията за защита на личните данни",
        "mailto:privacy@eregion.example",
    ]:
        assert words in page, words
    english = client.get("/en/privacy/").content.decode()
    assert "Privacy" in english and "How long" in english


@pytest.mark.parametrize(
    "url", ["/", "/accounts/signup/", "/directory/obshtina-plovdiv/", "/about/"]
)
def test_the_notice_is_linked_from_the_footer_signup_and_the_report_form(client, region, url):
    page = client.get(url).content.decode()
    assert f'href="{PRIVACY}"' in page


def test_signup_and_report_form_link_it_next_to_the_fields(client, region):
    signup = client.get("/accounts/signup/").content.decode()
    assert "data-privacy" in signup
    structure = client.get("/directory/obshtina-plovdiv/").content.decode()
    form = structure[structure.index('id="report-heading"') :]
    assert f'href="{PRIVACY}"' in form


def test_the_organisation_and_claim_forms_link_it(client, user):
    centre = OrganisationFactory(source=Organisation.Source.COMMUNITY_CENTRES)
    client.force_login(user)
    for url in [reverse("ngofamily:register"), reverse("ngofamily:claim", args=[centre.slug])]:
        assert f'href="{PRIVACY}"' in client.get(url).content.decode(), url


def test_about_shows_the_operators_contacts(client):
    page = client.get(reverse("about")).content.decode()
    assert "data-operator" in page
    assert "mailto:info@eregion.example" in page


def test_a_person_downloads_their_data_as_json(client, user):
    org = OrganisationFactory(owners=[user], name="Сдружение „Мост“")
    centre = OrganisationFactory(source=Organisation.Source.COMMUNITY_CENTRES)
    ClaimRequest.objects.create(organisation=centre, user=user, role="председател")
    client.force_login(user)
    response = client.get(reverse("account-data"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="eregion-data-')
    data = json.loads(response.content)
    assert data["account"]["email"] == user.email
    assert [o["name"] for o in data["organisations"]] == [org.name]
    assert data["claims"][0]["role"] == "председател"
    assert client.get(reverse("account-data")).has_header("Cache-Control")


def test_deleting_an_account_hands_owned_organisations_to_staff(client, user):
    partner = UserFactory()
    alone = OrganisationFactory(owners=[user], name="Сдружение „Само“")
    shared = OrganisationFactory(owners=[user, partner], name="Сдружение „Заедно“")
    client.force_login(user)
    page = client.get(reverse("account-delete")).content.decode()
    assert "Сдружение „Само“" in page and "Сдружение „Заедно“" not in page

    wrong = client.post(reverse("account-delete"), {"password": "nope"})
    assert "Паролата не е вярна." in wrong.content.decode()
    assert User.objects.filter(pk=user.pk).exists()

    response = client.post(
        reverse("account-delete"), {"password": "correct horse battery"}, follow=True
    )
    assert "Профилът ви е изтрит." in response.content.decode()
    assert not User.objects.filter(pk=user.pk).exists()
    alone.refresh_from_db()
    assert alone.status == Organisation.Status.PUBLISHED  # kept, not deleted
    assert list(alone.owners.all()) == []
    assert "изтри профила си" in alone.review_reason
    assert Organisation.objects.needs_review().filter(pk=alone.pk).exists()
    shared.refresh_from_db()
    assert list(shared.owners.all()) == [partner] and shared.review_reason == ""
    # Logged out: the profile asks for a login again.
    assert client.get(reverse("account-profile")).status_code == 302


def test_an_account_with_training_records_is_anonymised_not_deleted(user):
    from eregion.accounts import delete_account
    from tests.trainings.factories import EnrolmentFactory

    EnrolmentFactory(user=user)
    email = user.email
    result = delete_account(user)
    assert result["anonymised"] is True
    user.refresh_from_db()
    assert user.email != email and user.email.endswith("@invalid")
    assert user.full_name == "" and not user.is_active and not user.has_usable_password()
