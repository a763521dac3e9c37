"""Bulgarian text rules shared by every app: transliteration and search keys.

``transliterate`` follows the Transliteration Act 2009 (ДВ бр. 19/2009), the "streamlined
system". Search keys hold the lower-cased Cyrillic and Latin forms of a name with punctuation
folded, so that a record is found by either spelling and by a prefix of any word.
"""

import re
import unicodedata

_LETTERS = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}  # fmt: skip

# Words the Act names as exceptions to the letter table.
_EXCEPTIONS = {"българия": "bulgaria"}

_CYRILLIC_WORD = re.compile(r"[а-яА-ЯѐѝЀЍ]+")


def _apply_case(source: str, latin: str) -> str:
    """Give ``latin`` the case pattern of the Cyrillic ``source`` word."""
    if len(source) > 1 and source.isupper():
        return latin.upper()
    return latin


def _transliterate_word(word: str) -> str:
    lower = word.lower()
    if lower in _EXCEPTIONS:
        latin = _EXCEPTIONS[lower]
        if word.isupper() and len(word) > 1:
            return latin.upper()
        return latin.capitalize() if word[0].isupper() else latin
    all_caps = len(word) > 1 and word.isupper()
    out = []
    for i, ch in enumerate(word):
        low = ch.lower()
        if low == "я" and i == len(word) - 1 and i > 0 and word[i - 1].lower() == "и":
            latin = "a"  # "ия" at the end of a word is "ia"
        else:
            latin = _LETTERS.get(low, ch)
        if ch != low and not all_caps:
            latin = latin[:1].upper() + latin[1:]
        out.append(latin)
    return _apply_case(word, "".join(out))


def transliterate(text: str) -> str:
    """Romanise Bulgarian ``text`` by the Transliteration Act 2009.

    >>> transliterate("Християново, София, ЩАСТИЕ")
    'Hristiyanovo, Sofia, SHTASTIE'
    """
    if not text:
        return ""
    return _CYRILLIC_WORD.sub(lambda m: _transliterate_word(m.group(0)), text)


_NON_WORD = re.compile(r"[^\w]+|_+")
_KEEP = frozenset("йЙёЁ")  # letters of their own in Bulgarian, not accented и and е


def _strip_accents(ch: str) -> str:
    if ch.isascii() or ch in _KEEP:
        return ch
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lower-case ``text``, drop accents and fold punctuation and spacing to single spaces.

    „Св. Св. Кирил и Методий“ -> "св св кирил и методий".
    """
    if not text:
        return ""
    text = "".join(_strip_accents(ch) for ch in text)
    return " ".join(_NON_WORD.sub(" ", text.lower()).split())


def search_key(*texts: str) -> str:
    """The search key of a record named by ``texts``: its Cyrillic and Latin words, folded.

    Each distinct word appears once, Cyrillic forms first, so a query in either script matches.
    """
    words: list[str] = []
    seen: set[str] = set()
    for form in (fold, lambda t: fold(transliterate(t))):
        for text in texts:
            for word in form(text or "").split():
                if word not in seen:
                    seen.add(word)
                    words.append(word)
    return " ".join(words)


def query_words(query: str) -> list[str]:
    """The folded words of a search query, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in fold(query).split():
        seen.setdefault(word, None)
    return list(seen)


def matches(key: str, query: str) -> bool:
    """Whether every word of ``query`` is a prefix of some word of the search ``key``.

    The rule the database queries implement; used where records are filtered in Python.
    """
    key_words = key.split()
    return all(any(k.startswith(q) for k in key_words) for q in query_words(query))


# --- text typed in the wrong keyboard layout --------------------------------------------------

# What each Latin key types on the two Bulgarian layouts in use: BDS 5237 (the typewriter
# layout, Windows' "Bulgarian") and the traditional phonetic one (Windows' "Bulgarian
# (Phonetic Traditional)"). Someone who forgot to switch from English types the Latin keys: on
# BDS "m.florl" is Пловдив, on the phonetic layout "plowdiw" is.
_BDS_KEYS = dict(
    zip(
        "qwertyuiop[]asdfghjkl;'zxcvbnm,./",
        ",уеишщксдзц;ьяаожгтнвмчюйъэфхпрлб",
        strict=True,
    )
)
_PHONETIC_KEYS = dict(
    zip("qwertyuiop[]\\asdfghjklzxcvbnm`", "явертъуиопшщюасдфгхйклзьцжбнмч", strict=True)
)
KEYBOARD_LAYOUTS = {"bds": _BDS_KEYS, "phonetic": _PHONETIC_KEYS}

_LATIN_KEYS = re.compile(r"^[a-z\[\];',./`\\]+$")


def from_wrong_layout(token: str) -> dict[str, str]:
    """What ``token`` (Latin keys, as typed) reads as on each Bulgarian layout, by layout name;
    empty when ``token`` is not all Latin keys or has a key the layout lacks.

    >>> from_wrong_layout("m.florl")["bds"], from_wrong_layout("plowdiw")["phonetic"]
    ('пловдив', 'пловдив')
    """
    token = token.lower()
    if not _LATIN_KEYS.match(token) or not any(ch.isalpha() for ch in token):
        return {}
    readings = {}
    for name, keys in KEYBOARD_LAYOUTS.items():
        if all(ch in keys for ch in token):
            readings[name] = "".join(keys[ch] for ch in token)
    return readings
