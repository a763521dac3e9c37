"""The search engine the directory and the NGO catalogue share.

A record keeps a ``search_key`` (``eregion.text.search_key``: its folded Cyrillic and Latin
words). A query is read the way big search engines read it:

- each word must begin some word of the key ("плов", "plov");
- a word that begins no word of the *dictionary* (the distinct words of all keys) is replaced
  by its nearest dictionary words, by pg_trgm similarity on PostgreSQL (difflib elsewhere):
  typo correction, the approach of pg_trgm's documentation ("text search integration"). Words
  of three letters or fewer are never corrected: they are abbreviations ("НАП" is not "на");
- a token typed in the wrong keyboard layout (the Latin keys of a Bulgarian word, "m.florl")
  is read on the Bulgarian layouts when it is not itself known and its reading is.

The dictionary lookup for all of a query's words (and their layout readings) is one query.
"""

import difflib
from dataclasses import dataclass, field

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.fields.array import ArrayOverlap
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value

from .text import from_wrong_layout, query_words

MAX_WORDS = 6
MAX_CORRECTIONS = 3
# Words of this many letters or more may be typo-corrected; shorter ones are abbreviations.
MIN_CORRECTED_LENGTH = 4
# Corrections much further from the query word than the nearest one are dropped ("plovdv" is
# Plovdiv, not also Plovka).
CLOSE_ENOUGH = 0.85


@dataclass(frozen=True)
class Dictionary:
    """Where the words of a search come from: ``source`` is an SQL ``FROM`` item with a
    ``word`` column (a table with a trigram GiST index, or a name ``cte`` defines), and
    ``python_words`` gives the same words where there is no pg_trgm."""

    source: str
    python_words: object
    cte: str = ""
    # An SQL expression over a correction ``c.word`` whose text comes back with it (the
    # directory asks which services the corrected word names, in the same round trip).
    about_correction: str = "NULL::text"


# One branch per word, with the word as a constant so that the planner can use the indexes:
# "does a dictionary word begin with it" is one index probe, and only a word that begins none
# (and is long enough to correct) pays for the nearest-neighbour search on the trigram GiST
# index. A known word gives one row with similarity 2; an unknown one its corrections, or one
# row of NULLs.
_WORD_BRANCH = """
(SELECT %s::text, c.word,
        CASE WHEN k.known THEN 2.0::real ELSE similarity(c.word, %s) END, {about}
 FROM (SELECT EXISTS (SELECT 1 FROM {source} WHERE word LIKE %s) AS known) k
 LEFT JOIN LATERAL (
    SELECT word FROM {source}
    WHERE NOT k.known AND %s AND word %% %s
    ORDER BY word <-> %s, word
    LIMIT {limit}
 ) c ON true)"""


def lookup(
    words: list[str], dictionary: Dictionary, correct: bool = True, extra=()
) -> tuple[set[str], dict[str, list[str]], list[tuple]]:
    """Which of ``words`` begin a dictionary word, and (with ``correct``) the nearest
    dictionary words of those long enough to correct that begin none. ``extra``: more
    ``(sql, params)`` branches of the same round trip, each giving rows ``(text, text, -1,
    text)``, returned as they come (the directory asks which services each word names), with
    a row ``(word, correction, -1, about)`` for each correction's ``about_correction``."""
    if not words:
        return set(), {}, []
    known: set[str] = set()
    found: dict[str, list[str]] = {}
    correctable = [w for w in words if len(w) >= MIN_CORRECTED_LENGTH] if correct else []
    if connection.vendor == "postgresql":
        branches, params = [], []
        branch = _WORD_BRANCH.format(
            source=dictionary.source, limit=MAX_CORRECTIONS, about=dictionary.about_correction
        )
        for w in words:
            branches.append(branch)
            params += [w, w, w + "%", w in correctable, w, w]
        for sql, extra_params in extra:
            branches.append(sql)
            params += extra_params
        sql = dictionary.cte + " UNION ALL ".join(branches)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        extras = [row for row in rows if row[2] is not None and row[2] < 0]
        rows = [row for row in rows if row[2] is None or row[2] >= 0]
        best: dict[str, float] = {}
        for word, correction, similarity, _about in rows:
            if similarity is not None and similarity > 1:
                known.add(word)
            elif correction is not None:
                best[word] = max(best.get(word, 0), similarity)
        for word, correction, similarity, about in rows:
            if correction is None or word in known:
                continue
            if similarity >= best[word] * CLOSE_ENOUGH:
                found.setdefault(word, []).append(correction)
                if about is not None:
                    extras.append((word, correction, -1, about))
        return known, found, extras
    # The embedded SQLite database: the dictionary is small enough to scan in Python.
    vocabulary = list(dictionary.python_words())
    for word in words:
        if any(d.startswith(word) for d in vocabulary):
            known.add(word)
        elif word in correctable:
            close = difflib.get_close_matches(word, vocabulary, n=MAX_CORRECTIONS, cutoff=0.7)
            if close:
                found[word] = close
    return known, found, []


@dataclass
class Query:
    """A query's words after the dictionary has read them: ``words`` to match, ``fixes`` (a
    word -> the dictionary words it stands for, when it was misspelt), ``layout`` (a token
    typed in the wrong keyboard layout -> how it reads in Cyrillic) and the ``extra`` rows the
    caller asked for in the same round trip."""

    words: list[str] = field(default_factory=list)
    fixes: dict[str, list[str]] = field(default_factory=dict)
    layout: dict[str, str] = field(default_factory=dict)
    extra: list[tuple] = field(default_factory=list)

    @classmethod
    def read(cls, tokens: list[str], dictionary: Dictionary, extra=None) -> "Query":
        """Read the raw ``tokens`` (the query split at spaces) against ``dictionary``;
        ``extra(words, correct=True)`` gives more branches for the lookup's round trip (see
        ``lookup``).

        One query; a second only when a token is unknown and could be a Latin-keyboard typo.
        """
        tokens = [t for t in tokens if query_words(t)][: MAX_WORDS * 2]
        asked: list[str] = []
        for token in tokens:
            for w in query_words(token):
                if w not in asked:
                    asked.append(w)
        asked = asked[: MAX_WORDS * 2]
        known, fixes, rows = lookup(asked, dictionary, extra=extra(asked) if extra else ())
        readings = {}
        for token in tokens:
            if len(token) >= 3 and not all(w in known for w in query_words(token)):
                for reading in from_wrong_layout(token).values():
                    if query_words(reading) == [reading] and reading not in asked:
                        readings.setdefault(token, []).append(reading)
        if readings:
            more = [r for rs in readings.values() for r in rs]
            known_readings, _fixes, more_rows = lookup(
                more, dictionary, correct=False, extra=extra(more, correct=False) if extra else ()
            )
            known |= known_readings
            rows += more_rows
        query = cls(extra=rows)
        for token in tokens:
            words = query_words(token)
            for reading in readings.get(token, []):
                if reading in known:
                    query.layout[token] = reading
                    words = [reading]
                    break
            for w in words:
                if w not in query.words and len(query.words) < MAX_WORDS:
                    query.words.append(w)
        query.fixes = {w: fixes[w] for w in query.words if w in fixes and w not in known}
        return query

    def __bool__(self):
        return bool(self.words)


def key_words(field_name: str = "search_key", padded: bool = False) -> Func:
    """The words of the key ``field_name`` as an array: the expression of the GIN indexes on
    the keys' words (directory 0005, ngofamily 0009; PostgreSQL only)."""
    key = Func(F(field_name), function="btrim") if padded else F(field_name)
    return Func(key, Value(" "), function="string_to_array", output_field=ArrayField(TextField()))


def word_condition(field_name: str, word: str, alternatives=None, padded=False) -> Q:
    """Rows whose key ``field_name`` has a word starting with ``word``, or, for a corrected
    word, one of the whole ``alternatives``. A ``padded`` key has a space at both ends.

    On PostgreSQL the whole words are an array overlap on the GIN index of the key's words
    (``key_words``): one index probe, where a pattern per alternative made the planner walk
    every row whose key has a common word."""
    if alternatives and connection.vendor == "postgresql":
        return Q(ArrayOverlap(key_words(field_name, padded), list(alternatives)))
    if padded:
        if alternatives:
            condition = Q()
            for alt in alternatives:
                condition |= Q(**{f"{field_name}__contains": f" {alt} "})
            return condition
        return Q(**{f"{field_name}__contains": f" {word}"})
    if alternatives:
        condition = Q()
        for alt in alternatives:
            condition |= (
                Q(**{field_name: alt})
                | Q(**{f"{field_name}__startswith": f"{alt} "})
                | Q(**{f"{field_name}__endswith": f" {alt}"})
                | Q(**{f"{field_name}__contains": f" {alt} "})
            )
        return condition
    return Q(**{f"{field_name}__startswith": word}) | Q(**{f"{field_name}__contains": f" {word}"})


def filter_by_words(queryset, query: str, field: str = "search_key"):
    """Keep the rows of ``queryset`` whose ``field`` has a word starting with each query word
    (no dictionary: the seat autocomplete, where every word typed is a prefix)."""
    for word in query_words(query):
        queryset = queryset.filter(word_condition(field, word))
    return queryset
