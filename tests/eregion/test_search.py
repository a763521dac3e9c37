import pytest

from directory.models import Settlement
from eregion.search import filter_by_words


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("плов", True),
        ("PLOV", True),
        ("ovdiv", False),  # not the start of a word
        ("плов софия", False),  # every word must match
        ("", True),  # no words: nothing to filter by
    ],
)
def test_filter_by_words_matches_word_prefixes_in_either_script(region, query, found):
    plovdiv = Settlement.objects.filter(ekatte="56784")
    assert filter_by_words(plovdiv, query).exists() is found
