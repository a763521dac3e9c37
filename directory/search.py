"""Search of administrative structures by name, place, what they do, and what citizens call them.

The shared engine (``eregion.search``) reads the query: word prefixes in Cyrillic or Latin,
typo correction against the dictionary (``SearchWord``: the words of the structures' and the
services' keys), words typed in the wrong keyboard layout. On top of it the directory reads:

- **synonyms** (``Synonym``, kept by staff): a term ("НАП", "адресна регистрация", "court")
  stands for other words, a kind, an agency or a service; it is taken before typo correction,
  so an abbreviation is never "corrected" into an unrelated word;
- **services**: a word matches a structure whose key has it, or which provides a service whose
  name or description has it, so "удостоверение за постоянен адрес" finds the offices that
  issue it.

Each structure keeps ``search_key`` (the folded words of its name and place) and ``name_key``
(of its name only), padded with spaces so that "a word starting with ``w``" is
``LIKE '% w%'`` on a trigram GIN index; corrected words are whole words, matched on PostgreSQL
by array overlap on a GIN index of the key's words. Names that match rank above places and
services; exact words above prefixes above corrections; then the kind's usual order.
"""

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When

from eregion.search import (
    MAX_WORDS,
    Dictionary,
    Query,
    word_condition,
)
from eregion.text import fold, query_words

from .models import AdministrativeStructure, SearchWord, Service, Synonym

DICTIONARY = Dictionary(
    source="directory_searchword",
    python_words=lambda: SearchWord.objects.values_list("word", flat=True),
    # The services a correction names, as "id,id" (the table is small: a scan per correction).
    about_correction=(
        "(SELECT string_agg(s.id::text, ',') FROM directory_service s"
        " WHERE s.search_key LIKE '%% ' || c.word || ' %%'"
        " OR s.description_key LIKE '%% ' || c.word || ' %%')"
    ),
)

# Words of English names that say nothing in a search ("Municipality of Asenovgrad").
ENGLISH_FILLERS = frozenset({"of", "the", "and", "for", "in", "on", "a", "an"})
LONGEST_TERM = 4  # words


def providers(service_ids):
    """The structures that provide any of ``service_ids``, as a subquery of their keys."""
    through = AdministrativeStructure.services.through
    return through.objects.filter(service_id__in=service_ids).values("administrativestructure_id")


# For all the query's words at once: the services whose name has a word starting with one,
# or whose description has it whole.
_SERVICE_BRANCH = """
(SELECT w, s.id::text, -1::real, NULL::text FROM unnest(%s::text[]) w JOIN directory_service s
  ON s.search_key LIKE '%% ' || w || '%%' OR s.description_key LIKE '%% ' || w || ' %%')"""


def _service_branches(words, correct=True):
    """The lookup's extra branch: the services whose name has a word starting with one of
    ``words``, or whose description has it whole (PostgreSQL). Those of a misspelt word's
    corrections come with the corrections (``DICTIONARY.about_correction``)."""
    return [(_SERVICE_BRANCH, [list(words)])]


def read_synonyms(tokens: list[str]) -> tuple[list[str], list[list[Synonym]]]:
    """Take the synonyms' terms out of ``tokens`` (longest first): the tokens left, with the
    words the terms stand for, and the terms that mean a kind, an agency or a service."""
    folded = [" ".join(query_words(t)) for t in tokens]
    keys = {
        " ".join(folded[i : i + n])
        for n in range(1, LONGEST_TERM + 1)
        for i in range(len(folded) - n + 1)
    }
    keys.discard("")
    if not keys:
        return tokens, []
    table = Synonym.by_key()
    by_key = {
        key: [Synonym.from_values(values) for values in table[key]] for key in keys if key in table
    }
    if not by_key:
        return tokens, []
    left, meanings, i = [], [], 0
    while i < len(tokens):
        for n in range(min(LONGEST_TERM, len(tokens) - i), 0, -1):
            rows = by_key.get(" ".join(folded[i : i + n]))
            if rows:
                left += [w for row in rows if row.words for w in row.words.split()]
                concept = [row for row in rows if row.kind or row.agency or row.service_id]
                if concept:
                    meanings.append(concept)
                i += n
                break
        else:
            left.append(tokens[i])
            i += 1
    return left, meanings


class Search:
    """One query, read once and applied to as many querysets as a page needs (the list and each
    facet's counts) without asking the dictionary again."""

    def __init__(self, query: str, services=None):
        """``services``: every service, when the caller has them (else they are asked for)."""
        tokens = (query or "").split()[: MAX_WORDS * 2]
        tokens, self.meanings = read_synonyms(tokens)
        if len(tokens) > 1 or self.meanings:
            tokens = [t for t in tokens if fold(t) not in ENGLISH_FILLERS]
        # Which services each word names comes in the dictionary's round trip.
        self.query = Query.read(tokens, DICTIONARY, extra=None if services else _service_branches)
        self.words = self.query.words
        self.fixes = self.query.fixes
        self.word_services, self.services = self._services(services)

    def __bool__(self):
        return bool(self.words or self.meanings)

    @property
    def corrected(self) -> dict[str, list[str]]:
        return self.fixes

    @property
    def layout(self) -> dict[str, str]:
        return self.query.layout

    def _services(self, all_services=None):
        """The services each word finds (by prefix of a word of the name, or a whole word of the
        description; a corrected word's alternatives whole), and those the whole query finds
        (every word, and every term that means a service)."""
        meant = [{r.service_id for r in m if r.service_id} for m in self.meanings]
        if not self.words and not any(meant):
            return {}, []
        word_services: dict[str, set[int]] = {}
        if all_services is None and connection.vendor != "postgresql":
            all_services = list(Service.objects.all())  # no round trip to share: scan
        if all_services is not None:
            for word in self.words:
                alternatives = self.fixes.get(word)
                word_services[word] = {
                    s.pk
                    for s in all_services
                    if (
                        any(s.has_word(alt, whole=True) for alt in alternatives)
                        if alternatives
                        else s.has_word(word)
                    )
                }
        else:
            for word, found, _flag, about in self.query.extra:
                ids = about.split(",") if about is not None else [found]
                word_services.setdefault(word, set()).update(int(i) for i in ids)
            for word in self.words:
                word_services.setdefault(word, set())
        whole_ids = None
        for word in self.words:
            ids = word_services[word]
            whole_ids = set(ids) if whole_ids is None else whole_ids & ids
        for ids in meant:
            if ids:
                whole_ids = set(ids) if whole_ids is None else whole_ids & ids
        if not whole_ids:
            return word_services, []
        if all_services is not None:
            whole = [s for s in all_services if s.pk in whole_ids]
        else:
            whole = list(Service.objects.filter(pk__in=whole_ids).order_by("name"))
        return word_services, whole

    # -- what the page says --

    def agencies_without_offices(self) -> list[Synonym]:
        """The terms of the query that mean an agency none of whose offices is in the
        directory, so that the page can say so and where the agency lists them."""
        agencies = {r.agency: r for m in self.meanings for r in m if r.agency}
        if not agencies:
            return []
        present = set(
            AdministrativeStructure.objects.published()
            .filter(agency__in=agencies)
            .values_list("agency", flat=True)
            .distinct()
        )
        return [row for agency, row in agencies.items() if agency not in present]

    # -- the queryset --

    def filter(self, qs):
        for meaning in self.meanings:
            condition = Q()
            for row in meaning:
                if row.kind:
                    condition |= Q(kind=row.kind)
                if row.agency:
                    condition |= Q(agency=row.agency)
                if row.service_id:
                    condition |= Q(pk__in=providers([row.service_id]))
            qs = qs.filter(condition)
        for word in self.words:
            alternatives = self.fixes.get(word)
            services = self.word_services.get(word)
            condition = word_condition("search_key", word, alternatives, padded=True)
            if services:
                # The structures whose key has the word, with those that provide a service it
                # names, as one set of ids: each part reads its own index. As an OR of the two
                # conditions the planner could use neither and computed every structure's key
                # words (80 ms for a word that half the directory has).
                by_key = AdministrativeStructure.objects.order_by().filter(condition)
                qs = qs.filter(pk__in=by_key.values("pk").union(providers(services)))
            else:
                qs = qs.filter(condition)
        return qs

    def score(self):
        total = Value(0)
        for word in self.words:
            if len(word) <= 2:
                continue  # "за", "на", "и" rank nothing
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


def corrections(words: list[str]) -> dict[str, list[str]]:
    """For each of ``words`` that begins no dictionary word, its nearest dictionary words."""
    return Query.read(words, DICTIONARY).fixes
