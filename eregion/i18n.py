"""What a page shows in its own language: Latin names and English texts on the /en/ pages."""

from django.utils.translation import get_language


def is_english() -> bool:
    """Whether the page being rendered is an English one."""
    return get_language() == "en"


def local_name(obj) -> str:
    """``obj.name_latin`` on English pages (when there is one), ``obj.name`` otherwise."""
    if obj is None:
        return ""
    latin = getattr(obj, "name_latin", "")
    return latin if latin and is_english() else obj.name


def in_page_language(bulgarian: str, english: str) -> str:
    """The English text on English pages when staff wrote one, else the Bulgarian."""
    return english if english and is_english() else bulgarian


def choice_label(choices, value):
    """The label of ``value`` among the ``TextChoices`` ``choices`` (the value itself when it is
    not one of them): what ``get_FOO_display`` returns. Django's own builds a dict of every
    choice, each label translated to be hashed, on every call (150 µs for a structure's kind;
    three of them were a list page's biggest rendering cost)."""
    try:
        return choices(value).label
    except ValueError:
        return value
