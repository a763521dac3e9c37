"""Property tests (hypothesis): the shared text rules and the importers' row parsers give a
result or a clear ValidationError (ValueError for django-import-export's widgets, which turn it
into the row's message) for any input, never another exception."""

import string

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from directory.ekatte import parse_records
from directory.loaders import _decimal, _quotes
from eregion.text import search_key, transliterate
from eregion.validators import (
    format_phone,
    normalise_phone,
    parse_phones,
    validate_eik,
    validate_ekatte,
)
from ngofamily.loaders import _emails, _name, _website, classify_bulstat

FAST = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъьюяАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЬЮЯ"
# Text that looks like what people type, plus anything at all.
typed = st.text(alphabet=CYRILLIC + string.ascii_letters + string.digits + " -+/().,;„“\"'")
anything = st.one_of(typed, st.text())
digits_like = st.text(alphabet=string.digits + " -+/()٣²", max_size=20)


@FAST
@given(anything)
@example("България")
@example("ЩАСТИЕ")
def test_transliterate_gives_text_with_no_cyrillic_left_of_the_alphabet(text):
    latin = transliterate(text)
    assert isinstance(latin, str)
    assert not set(latin) & set(CYRILLIC)
    assert isinstance(search_key(text), str)


def raises_only_validation_error(function, value):
    try:
        return function(value)
    except ValidationError as exc:
        assert exc.messages and all(m.strip() for m in exc.messages)
        return None


@FAST
@given(st.one_of(anything, digits_like, st.integers(), st.none()))
@example("٣٣٣٣٣٣٣٣٣")
@example("²" * 9)
def test_the_eik_validator_accepts_or_explains(value):
    raises_only_validation_error(validate_eik, value)


@FAST
@given(st.one_of(anything, digits_like, st.integers(), st.none()))
@example("٣٣٣٣٣")
def test_the_ekatte_validator_accepts_or_explains(value):
    raises_only_validation_error(validate_ekatte, value)


@FAST
@given(st.one_of(anything, digits_like), st.sampled_from(["", "032", "34", "0xyz"]))
@example("+3590", "")
@example("00359", "")
def test_the_phone_normaliser_gives_e164_or_explains(value, area_code):
    result = raises_only_validation_error(lambda v: normalise_phone(v, area_code), value)
    if result is not None:
        assert result.startswith("+359") and result[1:].isdigit()
        # what it stored it shows nationally and reads back the same
        assert normalise_phone(format_phone(result)) == result


@FAST
@given(anything)
def test_register_phone_fields_split_into_numbers_and_leftovers(text):
    numbers, rejected = parse_phones(text, "032")
    assert all(n.startswith("+359") for n in numbers)
    assert all(isinstance(r, str) for r in rejected)


@FAST
@given(anything)
def test_the_community_centre_row_parsers_never_fail(raw):
    eik, problem = classify_bulstat(raw)
    assert (eik and not problem) or (problem and not eik)
    assert isinstance(_name(raw), str)
    assert all("@" in e for e in _emails(raw))
    assert isinstance(_website(raw), str)
    assert isinstance(_quotes(raw), str)


@FAST
@given(st.one_of(anything, st.from_regex(r"\A-?\d{1,3}(\.\d{1,8})?\Z")))
@example("NaN")
@example("1e999999")
def test_a_coordinate_is_read_or_explained(value):
    raises_only_validation_error(_decimal, value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=10,
)


@FAST
@given(st.one_of(anything, st.lists(json_values, max_size=4).map(repr), json_values.map(str)))
@example("[")
@example('[{"ekatte": "56784"}, 3]')
@example("[" * 5000)
def test_the_ekatte_file_reader_reads_or_names_the_line(text):
    records = raises_only_validation_error(parse_records, text)
    if records is not None:
        assert all(isinstance(line, int) and isinstance(r, dict) for line, r in records)


@pytest.mark.django_db
@FAST
@given(st.one_of(anything, st.integers().map(str), st.floats().map(str)))
@example("1,5")
@example("Infinity")
def test_the_staff_import_widgets_read_or_explain(value):
    from directory.admin import KindWidget, LocalDateWidget, LocalDecimalWidget

    for widget in (KindWidget(), LocalDateWidget(), LocalDecimalWidget(example="42,15")):
        try:
            widget.clean(value)
        except ValueError as exc:
            assert str(exc).strip()
