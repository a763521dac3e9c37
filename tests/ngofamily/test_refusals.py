"""Refusals that explain: applying to the family with an organisation that is not published
shows why and what to do, inside the portal's page, in the page's language."""

import pytest
from django.urls import reverse

from ngofamily.models import Organisation

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_applying_with_a_pending_organisation_says_it_must_be_published_first(client, user):
    OrganisationFactory(
        owners=[user], name="Сдружение „Чакащо“", status=Organisation.Status.PENDING
    )
    client.force_login(user)
    response = client.get(reverse("family:apply"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "трябва първо да бъде публикувана" in page
    assert "състоянието на „Сдружение „Чакащо““ е „очаква одобрение“" in page
    assert 'class="site-footer' in page  # the portal's own frame
    assert 'lang="bg"' in page
    assert "Forbidden" not in page


def test_the_same_refusal_in_english_on_the_english_page(client, user):
    OrganisationFactory(
        owners=[user], name="Сдружение „Чакащо“", status=Organisation.Status.PENDING
    )
    client.force_login(user)
    response = client.get("/en/family/apply/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "must be published in the catalogue first" in page
    assert "“awaiting approval”" in page
    assert 'lang="en"' in page
    assert "Access denied" in page


def test_without_any_organisation_the_refusal_says_to_register_one(client, user):
    client.force_login(user)
    page = client.get(reverse("family:apply")).content.decode()
    assert "първо регистрирайте организацията си" in page


def test_the_family_page_says_only_published_organisations_may_apply(client, user):
    OrganisationFactory(owners=[user], status=Organisation.Status.PENDING)
    client.force_login(user)
    page = client.get(reverse("family:index")).content.decode()
    assert "Кандидатстват само организации, публикувани в каталога" in page
