"""How the search reads Swedish: words, stop words, stems and trigrams.

One place for both databases: the question is cut into terms here, and the
item texts are stemmed here for SQLite's search column. PostgreSQL stems with
its own 'swedish' configuration, which is the same Snowball algorithm, so the
terms built here mean the same thing there (docs/search.md).
"""

import re
from functools import cache, lru_cache

import snowballstemmer

# Words and hyphenated words ("wi-fi", "AD-Konton", "3D-skrivare").
WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")

# Snowball's Swedish stop words (the same list as PostgreSQL's swedish.stop),
# the words a question is phrased with, and their English twins.
STOP_WORDS = frozenset(
    """
    alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din
    dina ditt du där då efter ej eller en er era ert ett från för ha hade han hans har henne
    hennes hon honom hur här i icke ingen inom inte jag ju kan kunde man med mellan men mig
    min mina mitt mot mycket ni nu när någon något några och om oss på samma sedan sig sin
    sina sitta själv skulle som så sådan sådana sådant till under upp ut utan vad var vara
    varför varit varje vars vart vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt
    över
    ansvarar ansvarig ansvariga ansvaret fråga frågor fungerar funkar fixar fixa gör göra går
    hjälp behöver vill ska måste får kontakta kontaktar vänder vända problem problemet strular
    sönder igen hos vår någon nån gäller angående
    a an and are at be can do does for how i in is it my not of on or the to what when where
    which who whom why with working works doesnt don't broken help responsible problem issue
    """.split()
)

# Snowball leaves the definite "-n" of nouns in "-or" (datorn, projektorn),
# which a question has far more often than the poster: it is cut from the
# question's words before stemming. Other definite forms Snowball leaves
# ("lösenordet", "nätverket") are close enough to find their item by trigram
# similarity; cutting "-et" would also cut "internet".
DEFINITE_ENDINGS = (("orn", 6, 1),)

# A term shorter than this matches only whole stems, never as a prefix
# ("it" must not match "itkp", "iup" must not match everything with "iu").
MIN_PREFIX = 3


@cache
def _stemmer():
    return snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=16384)
def stem(word):
    return _stemmer().stemWord(word)


@lru_cache(maxsize=4096)
def words(text):
    """The lower-cased words of a text; a hyphenated word also as its parts and joined."""
    found = []
    for match in WORD.finditer(text.casefold()):
        word = match.group()
        if "-" in word:
            parts = word.split("-")
            found.append("".join(parts))
            found.extend(part for part in parts if len(part) >= 3)
        else:
            found.append(word)
    return tuple(found)


def query_terms(text):
    """The meaningful words of a question, unstemmed but cut of definite endings, no repeats.

    "Skrivaren fungerar inte!" → ["skrivaren"]; "Wi-Fi i aulan" → ["wifi", "aulan"].
    """
    terms = []
    for word in words(text):
        if word in STOP_WORDS or len(word) < 2:
            continue
        for ending, min_length, cut in DEFINITE_ENDINGS:
            if word.endswith(ending) and len(word) >= min_length:
                word = word[:-cut]
                break
        if word not in terms:
            terms.append(word)
    return terms


def stems(text):
    """The Swedish stems of a text's words, in order of first appearance, no repeats."""
    return list(dict.fromkeys(stem(word) for word in words(text)))


def search_stems_of(item):
    """The search column of an item: one line of stems per field, name first.

    name / keywords / group / description, the order of their weight in the
    ranking (registry/search.py reads the lines back in this order).
    """
    return "\n".join(
        " ".join(stems(value or ""))
        for value in (item.name, item.keywords, item.group, item.description)
    )


@lru_cache(maxsize=16384)
def trigrams(word):
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a, b):
    """pg_trgm's similarity() of two single words: shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0
