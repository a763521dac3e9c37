"""The catalogue's dictionary (``CatalogueWord``) follows every write of the organisations,
one at a time or in bulk, so typo correction offers only words a published organisation has."""

from collections import Counter

import pytest
from django.db import connection
from django.urls import reverse

from ngofamily.filters import DICTIONARY
from ngofamily.models import CatalogueWord, Organisation

from .factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_our_organisations")]

INDEX = reverse("ngofamily:index")


def published_words() -> Counter:
    """What the table must hold: each word with the number of published keys that have it."""
    return Counter(
        word
        for key in Organisation.objects.published().values_list("search_key", flat=True)
        for word in key.split()
    )


def table() -> Counter:
    return Counter(dict(CatalogueWord.objects.values_list("word", "organisations")))


def test_the_table_follows_single_and_bulk_writes(geo):
    assert table() == published_words()  # the register's centres were unlisted in bulk

    first = OrganisationFactory(name="Сдружение „Слънчогледи“", settlement=geo["smolyan"])
    second = OrganisationFactory(name="Фондация „Слънчогледи за всички“")
    assert table()["слънчогледи"] == 2 and table() == published_words()

    first.name = "Сдружение „Маргаритки“"
    first.save()  # the key changes: one word goes, another comes
    assert table()["слънчогледи"] == 1 and table()["маргаритки"] == 1
    assert table() == published_words()

    Organisation.objects.filter(pk=second.pk).update(status=Organisation.Status.SUSPENDED)
    assert "слънчогледи" not in table() and table() == published_words()

    Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Читалище „Нова светлина {n}“",
                slug=f"nova-svetlina-{n}",
                search_key=f"читалище нова {n}",
            )
            for n in range(3)
        ]  # drafts: not in the dictionary until published
    )
    assert "нова" not in table()
    Organisation.objects.filter(search_key__startswith="читалище нова").update(status="published")
    assert table()["нова"] == 3 and table() == published_words()

    first.delete()
    Organisation.objects.filter(search_key__startswith="читалище нова").delete()
    assert table() == published_words()
    assert not CatalogueWord.objects.filter(organisations__lte=0).exists()


def test_typo_correction_offers_only_words_of_published_organisations(client, geo):
    org = OrganisationFactory(name="Сдружение „Маргаритки“", settlement=geo["smolyan"])
    page = client.get(INDEX, {"q": "маргартки"}).content.decode()
    assert f'href="{org.get_absolute_url()}"' in page and "близки думи" in page

    org.status = Organisation.Status.SUSPENDED
    org.save()
    page = client.get(INDEX, {"q": "маргартки"}).content.decode()
    assert f'href="{org.get_absolute_url()}"' not in page
    assert "маргаритки" not in page  # no longer offered as a correction


def test_a_search_reads_the_table_not_every_organisation(client, geo):
    """The lookup's round trip names the word table; the organisations' keys are only
    matched, never unnested per query."""
    OrganisationFactory(name="Сдружение „Маргаритки“")
    assert DICTIONARY.source == CatalogueWord._meta.db_table
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(INDEX, {"q": "маргартки"})
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "ngofamily_catalogueword" in sql
    assert "unnest" not in sql
