"""Searching as citizens do: by what they need (services), by abbreviation, with the keyboard
in the wrong layout; staff teach the search new words through the synonyms table."""

import re

import pytest
from django.db import connection

from directory.models import AdministrativeStructure, Service, Synonym
from directory.search import DICTIONARY
from eregion.search import Query
from eregion.text import from_wrong_layout

from .test_search import result_names

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the search's dictionary uses pg_trgm"
)

PERMANENT_ADDRESS = "Издаване на удостоверение за постоянен адрес"


def result_count(response) -> int:
    match = re.search(r"Намерен[аи] (?:е|са) (\d+) структур", response.content.decode())
    return int(match.group(1))


def first_kinds(response, n=20) -> set[str]:
    names = result_names(response)[:n]
    return set(
        AdministrativeStructure.objects.filter(name__in=names).values_list("kind", flat=True)
    )


@pytest.mark.parametrize(
    "query", ["удостоверение за постоянен адрес", "постоянен адрес", "адресна регистрация"]
)
def test_a_need_finds_the_offices_that_provide_the_service(client, directory, query):
    service = Service.objects.get(name=PERMANENT_ADDRESS)
    providers = directory.filter(services=service).count()
    response = client.get("/directory/", {"q": query})
    assert result_count(response) == providers > 69
    assert first_kinds(response) == {"municipal"}  # the municipal administrations first
    html = response.content.decode()
    assert f'href="/directory/?service={service.pk}"' in html  # the service filter, suggested


def test_a_need_in_a_municipality_puts_its_administration_first(client, directory):
    response = client.get(
        "/directory/", {"q": "удостоверение за постоянен адрес", "municipality": "asenovgrad"}
    )
    names = result_names(response)
    assert names[0] == "Община Асеновград"
    assert all(n.startswith("Кметство") for n in names[1:])
    assert (
        result_count(response)
        == directory.filter(municipality__slug="asenovgrad")
        .filter(kind__in=["municipal", "mayoralty"])
        .count()
    )


def test_an_agency_with_no_offices_says_so_and_shows_nothing_unrelated(client, directory):
    for query in ["НАП", "нап", "НОИ"]:
        response = client.get("/directory/", {"q": query})
        assert result_count(response) == 0, query
        html = response.content.decode()
        assert "все още не са в справочника" in html
    assert 'href="https://nra.bg/' in client.get("/directory/", {"q": "НАП"}).content.decode()


def test_short_words_are_never_typo_corrected(region):
    query = Query.read(["нап", "ноИ", "qz"], DICTIONARY)
    assert query.fixes == {}
    assert Query.read(["Пловдвив"], DICTIONARY).fixes  # longer words still are


def test_without_the_synonym_an_abbreviation_still_finds_no_unrelated_office(client, directory):
    Synonym.objects.filter(term="НАП").delete()
    assert result_count(client.get("/directory/", {"q": "НАП"})) == 0


def test_grao_finds_the_civil_registration_services(client, directory):
    response = client.get("/directory/", {"q": "ГРАО"})
    html = response.content.decode()
    block = html[html.index('id="service-suggestions"') :]
    for name in [
        "Издаване на удостоверение за наследници",
        PERMANENT_ADDRESS,
        "Издаване на удостоверение за семейно положение",
        "Издаване на дубликат на удостоверение за раждане",
    ]:
        assert name in block
    assert first_kinds(response) == {"municipal"}
    assert "Граф-Игнатиево" not in html


def test_agencies_without_offices_are_not_offered_as_filters(client, directory):
    html = client.get("/directory/map/").content.decode()
    assert 'value="odmvr"' in html
    for agency in ["nap", "noi", "labour", "social", "sgkk"]:
        assert f'value="{agency}"' not in html
    listing = client.get("/directory/").content.decode()
    assert 'value="nap"' not in listing


def test_staff_teach_the_search_a_new_word(client, directory):
    Synonym.objects.create(term="кметски наместник", kind="mayoralty")
    response = client.get("/directory/", {"q": "кметски наместник асеновград"})
    assert (
        result_count(response)
        == directory.filter(kind="mayoralty", municipality__slug="asenovgrad").count()
    )


@pytest.mark.parametrize("typed", ["m.florl", "plowdiw", "M.FLORL"])
def test_a_query_typed_in_the_wrong_keyboard_layout_is_read_in_cyrillic(client, directory, typed):
    expected = result_names(client.get("/directory/", {"q": "пловдив"}))
    response = client.get("/directory/", {"q": typed})
    assert result_names(response) == expected
    assert "латинска клавиатура" in response.content.decode()


def test_the_layouts_map_the_keys_of_both_bulgarian_keyboards():
    assert from_wrong_layout("m.florl")["bds"] == "пловдив"
    assert from_wrong_layout("plowdiw")["phonetic"] == "пловдив"
    assert from_wrong_layout("пловдив") == {}


def test_a_latin_name_is_not_mistaken_for_the_wrong_layout(client, directory):
    response = client.get("/directory/", {"q": "plovdiv"})
    assert "латинска клавиатура" not in response.content.decode()


@pytest.mark.parametrize("query", ["удостоверение за постоянен адрес", "ГРАО", "m.florl", "НАП"])
def test_needs_and_abbreviations_keep_the_query_count(
    client, directory, query, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        assert client.get("/directory/", {"q": query}).status_code == 200


@pytest.mark.parametrize("query", ["постоянан адрес", "удостоверене за постоянен адрес"])
def test_a_misspelt_need_still_finds_the_offices(client, directory, query):
    from directory.search import search

    providers = directory.filter(services__name=PERMANENT_ADDRESS).count()
    assert result_count(client.get("/directory/", {"q": query})) == providers
    assert search(query).count() == providers  # the engine alone asks the services itself
