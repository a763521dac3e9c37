"""The public list: search in Cyrillic and Latin, by prefix and with typos, facets with counts,
htmx partial results, pagination, and a fixed number of queries."""

import csv
import re

import pytest
from django.conf import settings
from django.db import connection

OBSHTINA = "Община Пловдив"
OBLAST = "Областна администрация Пловдив"


def result_names(response) -> list[str]:
    html = response.content.decode()
    return re.findall(
        r'<h3 class="h6 mb-1"><a class="stretched-link" href="[^"]+">([^<]+)</a>', html
    )


@pytest.mark.parametrize("query", ["plovdiv", "Пловдив", "плов", "PLOVDIV", "plov"])
def test_plovdiv_administrations_come_first_in_either_script(client, directory, query):
    response = client.get("/directory/", {"q": query})
    assert response.status_code == 200
    assert set(result_names(response)[:2]) == {OBSHTINA, OBLAST}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="typo tolerance uses pg_trgm")
@pytest.mark.parametrize(
    "query, expected",
    [("Plovdv", OBSHTINA), ("Пловдвив", OBSHTINA), ("Хаскоово", "Община Хасково")],
)
def test_a_misspelt_name_still_finds_the_office(client, directory, query, expected):
    names = result_names(client.get("/directory/", {"q": query}))
    assert expected in names[:2]


def test_smolyan_courts_are_exactly_the_courts_seated_in_smolyan(client, directory):
    with open(settings.DATA_DIR / "region" / "courts_south_central.csv", encoding="utf-8") as f:
        expected = {
            r["name"].replace(" Съд ", " съд ")
            for r in csv.DictReader(f)
            if r["city_oblast"] == "SML"
        }
    response = client.get("/directory/", {"province": "smolyan", "kind": "court"})
    assert set(result_names(response)) == expected
    assert len(expected) == 7


def test_a_settlement_name_finds_its_mayoralty(client, directory):
    mayoralty = directory.filter(kind="mayoralty", municipality__code="PAZ08").first()
    village = mayoralty.settlement.name_latin
    names = result_names(client.get("/directory/", {"q": village}))
    assert mayoralty.name in names


def test_several_words_narrow_the_search(client, directory):
    names = result_names(client.get("/directory/", {"q": "районен съд смолян"}))
    assert names == ["Районен съд Смолян"]


def test_facets_show_counts_and_keep_the_other_filters(client, directory):
    html = client.get("/directory/", {"kind": "court"}).content.decode()
    assert re.search(r'<option value="smolyan"[^>]*>Смолян \(7\)</option>', html)
    assert re.search(r'<option value="court" selected>съд \(42\)</option>', html)


def test_htmx_gets_only_the_results_and_the_page_works_without_javascript(client, directory):
    partial = client.get("/directory/", {"q": "plovdiv"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert OBSHTINA in partial.content.decode()
    full = client.get("/directory/", {"q": "plovdiv"})
    html = full.content.decode()
    assert "<html" in html and 'name="q"' in html and 'type="submit"' in html


def test_results_are_paginated(client, directory):
    first = client.get("/directory/", {"kind": "mayoralty"})
    second = client.get("/directory/", {"kind": "mayoralty", "page": 2})
    assert len(result_names(first)) == 20
    assert set(result_names(first)).isdisjoint(result_names(second))
    assert "kind=mayoralty&amp;page=2" in first.content.decode()


def test_nothing_found_says_so(client, directory):
    html = client.get("/directory/", {"q": "qqqqzzzz"}).content.decode()
    assert "Няма структури" in html


def test_english_list_shows_english_names(client, directory):
    names = result_names(client.get("/en/directory/", {"q": "plovdiv"}))
    assert set(names[:2]) == {"Municipality of Plovdiv", "Regional Administration of Plovdiv"}


@pytest.mark.parametrize(
    "params",
    [{}, {"kind": "mayoralty"}, {"q": "plovdiv", "province": "plovdiv"}, {"q": "Plovdv"}],
)
def test_the_list_runs_a_fixed_number_of_queries(
    client, directory, params, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = client.get("/directory/", params)
    assert response.status_code == 200
