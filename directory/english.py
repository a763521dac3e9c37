"""English names of the directory's structures for the /en/ pages: a table of what each kind of
office is called in English, with the place in Latin (the Transliteration Act 2009), rather
than a transliteration of the whole name ("Obshtina Asenovgrad").

Staff can extend the table here; a name no pattern fits is shown transliterated.
"""

import re
from functools import cache

from eregion.text import transliterate

# Bulgarian pattern (the place is the rest of the name) -> English, ``{place}`` in Latin.
NAMES = [
    ("Община", "Municipality of {place}"),
    ("Кметство", "Mayoralty of {place}"),
    ("Общински съвет", "Municipal Council of {place}"),
    ("Областна администрация", "Regional Administration of {place}"),
    ("Районен съд", "District Court of {place}"),
    ("Окръжен съд", "Regional Court of {place}"),
    ("Административен съд", "Administrative Court of {place}"),
    ("Апелативен съд", "Court of Appeal of {place}"),
    ("Военен съд", "Military Court of {place}"),
    ("Областна дирекция на МВР", "Regional Directorate of the Ministry of Interior, {place}"),
    ("Областна дирекция „Земеделие“", "Regional Directorate of Agriculture, {place}"),
    ("Регионална здравна инспекция", "Regional Health Inspectorate, {place}"),
    (
        "Регионална инспекция по околна среда и водите",
        "Regional Inspectorate of Environment and Water, {place}",
    ),
    ("Регионално управление на образованието", "Regional Department of Education, {place}"),
    ("Регионална дирекция по горите", "Regional Forestry Directorate, {place}"),
    ("Лесозащитна станция гр.", "Forest Protection Station, {place}"),
    ("Горска семеконтролна станция гр.", "Forest Seed Control Station, {place}"),
    ("Териториално статистическо бюро", "Territorial Statistical Office {place}"),
    ("Басейнова дирекция", "Basin Directorate {place}"),
    ("Район", "{place} District"),
]
# Proper names that are words, translated rather than transliterated.
WORDS = {
    "Юг": "South",
    "Южен": "Yuzhen",
    "Източнобеломорски район": "East Aegean Region",
}


@cache
def _patterns():
    return [(re.compile(rf"^{re.escape(bg)}\s+(?P<place>.+)$"), en) for bg, en in NAMES]


def english_name(name: str) -> str:
    """The English name of an office called ``name`` in Bulgarian.

    >>> english_name("Община Асеновград"), english_name("Район „Централен“")
    ('Municipality of Asenovgrad', 'Tsentralen District')
    """
    for pattern, english in _patterns():
        match = pattern.match(name)
        if match:
            place = match.group("place").strip().strip('„“"')
            place = WORDS.get(place, transliterate(place))
            return english.format(place=place)
    return transliterate(name)


def latin_address(address: str, town: str = "") -> str:
    """An address in Latin per the 2009 Act, without the town it starts with when the page
    already names it: 'Асеновград пл."акад.Николай Хайтов" №9' -> 'pl. "akad. Nikolay
    Haytov" No 9'."""
    text = local_address(address, town).replace("„", '"').replace("“", '"')
    text = re.sub(r"\.(?=[^\s\d.,])", ". ", text)
    text = text.replace("№", "No ").replace("No  ", "No ")
    return " ".join(transliterate(text).split())


def local_address(address: str, town: str = "") -> str:
    """The address as it is, without the town it starts with when the page names it."""
    text = (address or "").strip()
    if town and text.lower().startswith(town.lower()):
        text = text[len(town) :].lstrip(" ,")
    return text
