"""Validators for Bulgarian identifiers and phone numbers, shared by every app.

``validate_eik`` and ``validate_ekatte`` check the mod-11 check digits of the Unified
Identification Code (ЕИК / BULSTAT) and of EKATTE codes; ``normalise_phone`` turns any way a
Bulgarian number is written into E.164 and ``format_phone`` shows it the national way.
"""

import csv
import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

REGION_DATA = Path(__file__).resolve().parent.parent / "data" / "region"


def _mod11(digits: str, weights: list[int], fallback: list[int]) -> int:
    r = sum(w * int(d) for w, d in zip(weights, digits, strict=True)) % 11
    if r == 10:
        r = sum(w * int(d) for w, d in zip(fallback, digits, strict=True)) % 11
        if r == 10:
            r = 0
    return r


def _nine_digit_check(digits: str) -> int:
    return _mod11(digits[:8], list(range(1, 9)), list(range(3, 11)))


def eik_is_valid(value: str) -> bool:
    """Whether ``value`` is a 9- or 13-digit EIK whose check digits are right."""
    try:
        validate_eik(value)
    except ValidationError:
        return False
    return True


def validate_eik(value) -> None:
    """Raise ``ValidationError`` unless ``value`` is a valid EIK (9 or 13 digits, mod 11)."""
    value = str(value or "").strip()
    if not value.isdigit() or not value.isascii():
        raise ValidationError(
            _("ЕИК трябва да съдържа само цифри (9 или 13), а е „%(value)s“."),
            code="eik_digits",
            params={"value": value},
        )
    if len(value) not in (9, 13):
        raise ValidationError(
            _("ЕИК има 9 или 13 цифри, а „%(value)s“ има %(count)d."),
            code="eik_length",
            params={"value": value, "count": len(value)},
        )
    if int(value[8]) != _nine_digit_check(value):
        raise ValidationError(
            _("ЕИК „%(value)s“ е невалиден: грешна контролна цифра (9-та цифра)."),
            code="eik_checksum",
            params={"value": value},
        )
    if len(value) == 13:
        check = _mod11(value[8:12], [2, 7, 3, 5], [4, 9, 5, 7])
        if int(value[12]) != check:
            raise ValidationError(
                _("ЕИК „%(value)s“ е невалиден: грешна контролна цифра (13-та цифра)."),
                code="eik_checksum",
                params={"value": value},
            )


def validate_ekatte(value) -> None:
    """Raise ``ValidationError`` unless ``value`` is a valid 5-digit EKATTE code."""
    value = str(value or "").strip()
    if len(value) != 5 or not value.isdigit() or not value.isascii():
        raise ValidationError(
            _("Кодът по ЕКАТТЕ има точно 5 цифри, а е „%(value)s“."),
            code="ekatte_format",
            params={"value": value},
        )
    check = _mod11(value[:4], [1, 2, 3, 4], [3, 4, 5, 6])
    if int(value[4]) != check:
        raise ValidationError(
            _("Кодът по ЕКАТТЕ „%(value)s“ е невалиден: контролната цифра трябва да е %(check)d."),
            code="ekatte_checksum",
            params={"value": value, "check": check},
        )


# --- Phones ---------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-/().\u00a0\u2013\u2014]+")


@cache
def _nonfixed_ranges() -> list[tuple[re.Pattern, int]]:
    with open(REGION_DATA / "phone_nonfixed_ranges_bg.csv", encoding="utf-8") as f:
        return [
            (re.compile(row["nsn_prefix_regex"]), int(row["nsn_length"]))
            for row in csv.DictReader(f)
        ]


@cache
def _geocode_prefixes() -> list[dict]:
    """The region's fixed-line prefixes (libphonenumber's geocoding data), read once."""
    with open(REGION_DATA / "phone_geocode_prefixes_south.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def _area_codes() -> list[str]:
    """National significant area codes (without the trunk 0), longest first."""
    codes = {"2"} | {row["ndc_4max"].removeprefix("0") for row in _geocode_prefixes()}  # 2: Sofia
    return sorted(codes, key=len, reverse=True)


@cache
def _area_codes_by_place() -> dict[str, str]:
    from .text import fold

    codes: dict[str, str] = {}
    for row in _geocode_prefixes():
        codes.setdefault(fold(row["place_bg"]), row["ndc_4max"])
    return codes


def area_code_of(place_name: str) -> str:
    """The area code (``"0301"``) of a settlement of the region by its name, or ``""``."""
    from .text import fold

    return _area_codes_by_place().get(fold(place_name), "") if place_name else ""


def _nonfixed_length(nsn: str) -> int | None:
    for pattern, length in _nonfixed_ranges():
        if pattern.match(nsn):
            return length
    return None


def normalise_phone(value, area_code: str = "") -> str:
    """Return the Bulgarian phone number ``value`` in E.164 (``+35932656700``).

    Accepts ``0…``, ``+359…`` and ``00359…`` with any separators. A short local number (4–6
    digits) is completed with ``area_code`` (``"032"`` or ``"32"``) when one is given.
    Raises ``ValidationError`` for what is not a Bulgarian number.
    """
    raw = str(value or "").strip()
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+359"):
        nsn = digits[4:]
    elif digits.startswith("00359"):
        nsn = digits[5:]
    elif digits.startswith("359") and len(digits) >= 11:
        nsn = digits[3:]
    elif digits.startswith("0"):
        nsn = digits[1:]
    elif area_code and digits.isdigit() and 4 <= len(digits) <= 6:
        nsn = area_code.removeprefix("0") + digits
    else:
        nsn = digits
    nsn = nsn.removeprefix("0") if digits.startswith("+3590") else nsn
    if not nsn.isdigit() or not nsn.isascii():
        raise ValidationError(
            _("„%(value)s“ не е телефонен номер: допустими са цифри, интервали, тирета и +359."),
            code="phone_chars",
            params={"value": raw},
        )
    expected = _nonfixed_length(nsn)
    if expected is not None:
        ok = len(nsn) == expected
    else:
        ok = nsn[0] in "23456789" and 6 <= len(nsn) <= 8
    if not ok:
        raise ValidationError(
            _("„%(value)s“ не е валиден български телефонен номер (грешен брой цифри)."),
            code="phone_length",
            params={"value": raw},
        )
    return "+359" + nsn


def _group(digits: str) -> str:
    """Split subscriber digits the way Bulgarian directories print them."""
    if len(digits) <= 4:
        return digits if len(digits) < 4 else f"{digits[:2]} {digits[2:]}"
    if len(digits) == 5:
        return f"{digits[:2]} {digits[2:]}"
    if len(digits) == 6:
        return f"{digits[:3]} {digits[3:]}"
    return f"{digits[:3]} {digits[3:]}"


def format_phone(e164: str) -> str:
    """Show an E.164 Bulgarian number nationally: ``032 656 700``, ``0888 123 456``."""
    if not e164 or not e164.startswith("+359"):
        return e164 or ""
    nsn = e164[4:]
    if _nonfixed_length(nsn) is not None:
        if len(nsn) == 9:
            return f"0{nsn[:3]} {nsn[3:6]} {nsn[6:]}"
        return f"0{nsn[:3]} {_group(nsn[3:])}"
    for code in _area_codes():
        if nsn.startswith(code) and len(nsn) - len(code) >= 3:
            return f"0{code} {_group(nsn[len(code) :])}"
    # Outside the region's table: big towns have two-digit area codes.
    return f"0{nsn[:2]} {_group(nsn[2:])}"


_PHONE_CANDIDATE = re.compile(r"(?:\+|00)?[\d][\d\s\-/().]{2,}\d")


def parse_phones(text: str, area_code: str = "") -> tuple[list[str], list[str]]:
    """Pull every phone number out of a messy register field.

    Returns ``(numbers in E.164, fragments that are not numbers)``: register fields hold
    several numbers, labels ("ГРАО:") and fragments, and nothing typed is thrown away silently.
    """
    numbers: list[str] = []
    rejected: list[str] = []
    for part in re.split(r"[;,]|\s{2,}|\bи\b", text or ""):
        for candidate in _PHONE_CANDIDATE.findall(part):
            found = _read_numbers(candidate.strip(), area_code)
            if found is None:
                rejected.append(candidate.strip())
                continue
            numbers.extend(n for n in found if n not in numbers)
    return numbers, rejected


def _read_numbers(candidate: str, area_code: str) -> list[str] | None:
    """One number, or several written together as registers do: one after another
    ("0337/ 6 21 80 0337/ 6 20 34"), or an area code and its local numbers ("03052/ 22-55/ 22-11").
    """
    readings = [([candidate], area_code)]
    head, *local_numbers = [p.strip() for p in candidate.split("/")]
    if head.startswith("0") and head.isdigit() and local_numbers:
        readings.append((local_numbers, head))
    one_after_another = re.split(r"\s+(?=(?:0|\+359))", candidate)
    if len(one_after_another) > 1:
        readings.append((one_after_another, area_code))
    for pieces, code in readings:
        try:
            return [normalise_phone(piece, area_code=code) for piece in pieces]
        except ValidationError:
            continue
    return None
