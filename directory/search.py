"""Search of administrative structures by name, settlement or municipality, in Cyrillic or
Latin, by word prefix, and with typo correction.

Each structure keeps ``search_key`` (the folded Cyrillic and Latin words of its name and place)
and ``name_key`` (of its name only), both padded with spaces so that "a word starting with
``w``" is ``LIKE '% w%'``, which PostgreSQL answers from a trigram GIN index. A query word that
starts no word of the dictionary (``SearchWord``) is replaced by its nearest dictionary words
(pg_trgm similarity on PostgreSQL, difflib elsewhere): the approach of pg_trgm's documentation,
"text search integration". Corrected words are whole words, matched on PostgreSQL by array
overlap on a GIN index of the key's words. Names that match rank above places; exact words
above prefixes above corrections; then the kind's usual order.
"""

import difflib

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When

from eregion.text import query_words

from .models import AdministrativeStructure, SearchWord

MAX_WORDS = 6
MAX_CORRECTIONS = 3

# One branch per query word, with the word as a constant so that the planner can use the
# indexes: the prefix test is a one-time filter on the pattern index, and only a word that
# begins no dictionary word pays for the nearest-neighbour search on the trigram GiST index.
_CORRECTION_BRANCH = f"""
(SELECT %s::text, c.word, similarity(c.word, %s) FROM (
    SELECT word FROM directory_searchword
    WHERE NOT EXISTS (SELECT 1 FROM directory_searchword WHERE word LIKE %s)
      AND word %% %s
    ORDER BY word <-> %s, word
    LIMIT {MAX_CORRECTIONS}
) c)"""

# Corrections much further from the query word than the nearest one are dropped ("plovdv" is
# Plovdiv, not also Plovka).
CLOSE_ENOUGH = 0.85


def corrections(words: list[str]) -> dict[str, list[str]]:
    """For each of ``words`` that begins no dictionary word, its nearest dictionary words."""
    if not words:
        return {}
    found: dict[str, list[str]] = {}
    if connection.vendor == "postgresql":
        sql = " UNION ALL ".join([_CORRECTION_BRANCH] * len(words))
        params = [p for w in words for p in (w, w, w + "%", w, w)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        best: dict[str, float] = {}
        for word, _correction, similarity in rows:
            best[word] = max(best.get(word, 0), similarity)
        for word, correction, similarity in rows:
            if similarity >= best[word] * CLOSE_ENOUGH:
                found.setdefault(word, []).append(correction)
        return found
    # The embedded SQLite database: the dictionary is small enough to scan in Python.
    dictionary = list(SearchWord.objects.values_list("word", flat=True))
    for word in words:
        if not any(d.startswith(word) for d in dictionary):
            close = difflib.get_close_matches(word, dictionary, n=MAX_CORRECTIONS, cutoff=0.7)
            if close:
                found[word] = close
    return found


def search_words():
    """The words of ``search_key`` as an array, the expression of the GIN index of
    migration 0005 (PostgreSQL only)."""
    return Func(
        Func(F("search_key"), function="btrim"),
        Value(" "),
        function="string_to_array",
        output_field=ArrayField(TextField()),
    )


def kind_rank():
    return Case(
        *[When(kind=k, then=Value(i)) for i, k in enumerate(AdministrativeStructure.KIND_ORDER)],
        default=Value(99),
        output_field=IntegerField(),
    )


class Search:
    """One query, parsed once and applied to as many querysets as a page needs (the list and
    each facet's counts) without asking the dictionary again."""

    def __init__(self, query: str):
        self.words = query_words(query or "")[:MAX_WORDS]
        self.fixes = corrections(self.words) if self.words else {}

    def __bool__(self):
        return bool(self.words)

    @property
    def corrected(self) -> dict[str, list[str]]:
        return self.fixes

    def filter(self, qs):
        for word in self.words:
            alternatives = self.fixes.get(word)
            if alternatives and connection.vendor == "postgresql":
                # Whole dictionary words: array overlap on an expression GIN index.
                qs = qs.alias(search_words=search_words()).filter(
                    search_words__overlap=alternatives
                )
                continue
            if alternatives:
                condition = Q()
                for alt in alternatives:
                    condition |= Q(search_key__contains=f" {alt} ")
            else:
                condition = Q(search_key__contains=f" {word}")
            qs = qs.filter(condition)
        return qs

    def score(self):
        total = Value(0)
        for word in self.words:
            alternatives = self.fixes.get(word)
            if alternatives:
                name_hit = Q()
                for alt in alternatives:
                    name_hit |= Q(name_key__contains=f" {alt} ")
                whens = [When(name_hit, then=Value(2))]
            else:
                whens = [
                    When(name_key__contains=f" {word} ", then=Value(4)),
                    When(name_key__contains=f" {word}", then=Value(3)),
                ]
            total = total + Case(*whens, default=Value(1), output_field=IntegerField())
        return total

    def order(self, qs):
        """Order an already filtered ``qs`` best match first."""
        qs = qs.annotate(kind_rank=kind_rank())
        if not self.words:
            return qs.order_by("kind_rank", "name")
        return qs.annotate(score=self.score()).order_by("-score", "kind_rank", "name")

    def rank(self, qs):
        """Filter and order ``qs`` best match first."""
        return self.order(self.filter(qs))


def search(query: str, qs=None):
    """Published structures matching ``query``, best first."""
    if qs is None:
        qs = AdministrativeStructure.objects.published()
    return Search(query).rank(qs)
