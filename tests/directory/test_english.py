"""The English directory reads in English: names of offices, kinds, agencies and services from
a table (not transliterated), addresses in Latin, and English words find what Bulgarian do."""

import re

import pytest

from directory.english import english_name, latin_address

from .test_search import result_names


def test_english_names_come_from_the_table_with_the_place_in_latin():
    assert english_name("Община Асеновград") == "Municipality of Asenovgrad"
    assert english_name("Кметство Бачково") == "Mayoralty of Bachkovo"
    assert english_name("Районен съд Смолян") == "District Court of Smolyan"
    assert english_name("Район „Централен“") == "Tsentralen District"
    assert english_name("Нещо непознато") == "Neshto nepoznato"  # no pattern: transliterated


def test_an_address_in_latin_names_the_town_once():
    assert latin_address('Асеновград пл."акад.Николай Хайтов" №9', "Асеновград") == (
        'pl. "akad. Nikolay Haytov" No 9'
    )


def test_a_municipality_page_reads_in_english(client, directory):
    html = client.get("/en/directory/obshtina-asenovgrad/").content.decode()
    assert "<h1>Municipality of Asenovgrad</h1>" in html
    assert "municipal administration" in html
    assert "Issuing a certificate of permanent address" in html
    assert "A certificate of a person&#x27;s permanent address" in html
    address = re.search(r'id="address">(.*?)</dd>', html, re.S).group(1)
    assert "Asenovgrad" in address and address.count("Asenovgrad") == 1
    assert not re.search("[а-яА-Я]", address)
    assert "Obshtina Asenovgrad" not in html


def test_the_bulgarian_address_names_the_town_once(client, directory):
    html = client.get("/directory/obshtina-asenovgrad/").content.decode()
    address = re.search(r'id="address">(.*?)</dd>', html, re.S).group(1)
    assert address.count("Асеновград") == 1


def test_the_english_list_shows_english_names(client, directory):
    names = result_names(client.get("/en/directory/", {"q": "bachkovo"}))
    assert "Mayoralty of Bachkovo" in names


@pytest.mark.parametrize(
    "query, expected_first",
    [
        ("municipality asenovgrad", "Municipality of Asenovgrad"),
        ("Municipality of Asenovgrad", "Municipality of Asenovgrad"),
        ("district court smolyan", "District Court of Smolyan"),
    ],
)
def test_english_words_find_the_office(client, directory, query, expected_first):
    assert result_names(client.get("/en/directory/", {"q": query}))[0] == expected_first


def test_court_plovdiv_finds_the_courts_of_plovdiv(client, directory):
    names = result_names(client.get("/en/directory/", {"q": "court plovdiv"}))
    courts = directory.filter(kind="court", settlement__ekatte="56784")
    assert sorted(names) == sorted(c.english_name for c in courts)
    assert len(names) == 5


def test_english_words_find_what_their_bulgarian_equivalents_find(client, directory):
    for english, bulgarian in [("certificate", "удостоверение"), ("police", "МВР")]:
        en = result_names(client.get("/directory/", {"q": english}))
        bg = result_names(client.get("/directory/", {"q": bulgarian}))
        assert en == bg and en, english
