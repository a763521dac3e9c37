"""An organisation's description: bounded in length, rendered once at save, shown as stored."""

import pytest
from django.urls import reverse

from ngofamily.models import FamilyCharter, Organisation

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def edit(client, org, description, description_format="markdown"):
    return client.post(
        reverse("ngofamily:edit", args=[org.slug]),
        {
            "name": org.name,
            "legal_form": "association",
            "eik": org.eik,
            "seat_name": "Смолян",
            "address": "ул. Нова 2",
            "description_format": description_format,
            "description": description,
        },
    )


def test_a_description_that_would_take_the_parser_minutes_is_refused(client, user, geo):
    # "[" * 12000 took Python-Markdown over a minute per page view.
    org = OrganisationFactory(owners=[user], settlement=geo["smolyan"], status="draft")
    client.force_login(user)
    response = edit(client, org, "[" * 12000)
    assert response.status_code == 200
    assert "най-много 5000 знака" in response.content.decode()
    org.refresh_from_db()
    assert org.description == ""


def test_the_description_is_rendered_at_save_and_pages_show_the_stored_html(
    client, user, geo, django_assert_max_num_queries
):
    org = OrganisationFactory(owners=[user], settlement=geo["smolyan"])
    client.force_login(user)
    assert (
        edit(client, org, "# Кои сме\n\n**Сдружение** за [хората](https://x.bg)").status_code == 302
    )
    org.refresh_from_db()
    assert "<h2>Кои сме</h2>" in org.description_rendered
    assert "<strong>Сдружение</strong>" in org.description_rendered
    # a stored value the parser would choke on is never parsed on the way out
    Organisation.objects.filter(pk=org.pk).update(description="[" * 12000)
    page = client.get(org.get_absolute_url()).content.decode()
    assert "<strong>Сдружение</strong>" in page


def test_a_plain_description_is_escaped_into_paragraphs(geo):
    org = OrganisationFactory(description="Първи <b>ред</b>\nвтори\n\nДруг абзац")
    assert org.description_rendered == (
        "<p>Първи &lt;b&gt;ред&lt;/b&gt;<br>втори</p><p>Друг абзац</p>"
    )


def test_the_charter_is_rendered_at_save():
    charter = FamilyCharter.current()
    charter.text = "# Харта\n\n*членове*"
    charter.save()
    assert "<h2>Харта</h2>" in str(charter.text_html())
    assert "<em>членове</em>" in charter.text_rendered
