"""Word-prefix search over ``search_key`` fields, in the database.

The rule of ``eregion.text.matches``: every word of the query begins some word of the key (a
key made by ``eregion.text.search_key``: folded Cyrillic and Latin words, single spaces).
"""

from django.db.models import Q

from .text import query_words


def filter_by_words(queryset, query: str, field: str = "search_key"):
    """Keep the rows of ``queryset`` whose ``field`` has a word starting with each query word."""
    for word in query_words(query):
        starts = Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})
        queryset = queryset.filter(starts)
    return queryset
