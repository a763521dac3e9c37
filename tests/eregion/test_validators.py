import csv
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from eregion.validators import (
    area_code_of,
    eik_is_valid,
    format_phone,
    normalise_phone,
    parse_phones,
    validate_eik,
    validate_ekatte,
)

REGION = Path(__file__).resolve().parents[2] / "data" / "region"


def read(name):
    with open(REGION / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_public_body_eik_in_the_register_is_valid():
    eiks = [row["eik"] for row in read("public_bodies_south_central.csv")]
    assert len(eiks) == 120
    for eik in eiks:
        validate_eik(eik)


def test_community_centre_register_has_47_bad_bulstats():
    rows = read("chitalishta_south_central.csv")
    assert sum(not eik_is_valid(r["bulstat"]) for r in rows) == 47


@pytest.mark.parametrize(
    "eik",
    [
        "000471504",  # Община Пловдив
        "000455980",  # a community centre in Брестовица
        "100000086",  # r = 10 on the first weights: the second weights give the check digit
        "1217087190007",  # 13 digits: a valid nine, then the branch check digit
    ],
)
def test_valid_eiks(eik):
    validate_eik(eik)


@pytest.mark.parametrize(
    ("eik", "fragment"),
    [
        ("000471505", "контролна цифра"),
        ("00047150", "9 или 13"),
        ("12345678901", "9 или 13"),
        ("00047150А", "само цифри"),
        ("", "само цифри"),
        ("1217087190004", "13-та цифра"),
        ("100000080", "9-та цифра"),
    ],
)
def test_invalid_eiks_say_what_is_wrong(eik, fragment):
    with pytest.raises(ValidationError) as exc:
        validate_eik(eik)
    assert fragment in exc.value.messages[0]


def test_ekatte_check_digits():
    validate_ekatte("56784")  # Пловдив
    validate_ekatte("68134")  # София
    with pytest.raises(ValidationError, match="контролната цифра трябва да е 4"):
        validate_ekatte("56785")
    with pytest.raises(ValidationError, match="точно 5 цифри"):
        validate_ekatte("5678")


@pytest.mark.parametrize(
    ("typed", "e164", "shown"),
    [
        ("032 656 700", "+35932656700", "032 656 700"),
        ("(032) 65-67-00", "+35932656700", "032 656 700"),
        ("+359 32 656 700", "+35932656700", "032 656 700"),
        ("00359 32 656700", "+35932656700", "032 656 700"),
        ("0888 123 456", "+359888123456", "0888 123 456"),
        ("+359888123456", "+359888123456", "0888 123 456"),
        ("02/949 21 11", "+35929492111", "02 949 2111"),
        ("0301 6 27 00", "+35930162700", "0301 62 700"),
        ("03661/6090", "+35936616090", "03661 60 90"),
    ],
)
def test_phones_are_stored_e164_and_shown_nationally(typed, e164, shown):
    assert normalise_phone(typed) == e164
    assert format_phone(e164) == shown


@pytest.mark.parametrize(
    "typed", ["12345", "0888 123", "+44 20 7946 0958", "тел. нула", "0888 123 4567"]
)
def test_what_is_not_a_bulgarian_number_is_rejected(typed):
    with pytest.raises(ValidationError):
        normalise_phone(typed)


def test_a_local_number_takes_the_area_code_given():
    assert normalise_phone("68 203", area_code="0391") == "+35939168203"


def test_parse_phones_reads_messy_register_fields():
    numbers, rejected = parse_phones("ЦАО: 04134/2266; МДТ: 04134/2418 ; 0882568048; тел. 12")
    assert numbers == ["+35941342266", "+35941342418", "+359882568048"]
    assert rejected == []


def test_parse_phones_splits_numbers_written_one_after_another():
    numbers, rejected = parse_phones("0337/ 6 21 80 0337/ 6 20 34")
    assert numbers == ["+35933762180", "+35933762034"]
    assert rejected == []


def test_parse_phones_reads_an_area_code_followed_by_local_numbers():
    numbers, rejected = parse_phones("03052/ 22-55/ 22-11")
    assert numbers == ["+35930522255", "+35930522211"]
    assert rejected == []


def test_area_code_of_a_settlement_of_the_region():
    assert area_code_of("Смолян") == "0301"
    assert area_code_of("Неизвестно") == ""


def test_parse_phones_reports_what_is_not_a_number():
    assert parse_phones("03581") == ([], ["03581"])
