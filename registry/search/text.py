"""How the search reads Swedish: words, stop words, stems, trigrams and edit distance.

Pure functions, no database: the question and the item texts are cut into
words and stemmed here (Snowball's Swedish stemmer, the algorithm of
PostgreSQL's 'swedish' configuration), so both databases read them alike.
"""

import re
from functools import cache, lru_cache

import snowballstemmer

# Words and hyphenated words ("wi-fi", "AD-Konton", "3D-skrivare").
WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")

# Dropped from the question, never from an item's text: Snowball's Swedish
# stop words (the list of PostgreSQL's swedish.stop), the words a question
# is phrased with ("vem ska jag prata med om …", "hur gör man …") and their
# English twins. Whatever else a question holds counts by how rare it is
# among the items (registry/search/index.py), so a common word need not be
# listed here to count little.
STOP_WORDS = frozenset(
    """
    alla allt att av blev bli blir blivit de dem den denna deras dess dessa det detta dig din
    dina ditt du där då efter ej eller en er era ert ett från för ha hade han hans har henne
    hennes hon honom hur här i icke ingen inom inte jag ju kan kunde man med mellan men mig
    min mina mitt mot mycket ni nu när någon något några och om oss på samma sedan sig sin
    sina sitta själv skulle som så sådan sådana sådant till under upp ut utan vad var vara
    varför varit varje vars vart vem vi vid vilka vilkas vilken vilket vår våra vårt än är åt
    över
    ansvarar ansvarig ansvariga ansvaret ansvarade fråga frågar frågor fungerar funkar fixar
    fixa gör göra går gick hjälp hjälpa behöver behövs vill ska skall måste får fick kontakta
    kontaktar vänder vända vänd problem problemet problemen strular sönder igen hos nån något
    gäller angående prata pratar snacka ringa ringer mejla maila till tycker undrar
    veta vet kolla kollar ta tar hand sköter sköta vilken vilka hitta hittar finns fanns
    kanske bara också även redan längre lite mycket ens alls hej tack snälla
    a an and are at be can do does for how i in is it my not of on or the to what when where
    which who whom why with working works doesnt don't broken help responsible problem issue
    """.split()
)

# A term shorter than this matches only whole stems, never as a prefix
# ("it" must not match "itkp").
MIN_PREFIX = 4


@cache
def _stemmer():
    return snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=65536)
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


def question_words(text):
    """The words of a question that may carry meaning: stop words and one-letter words dropped.

    Hyphenated words come joined only ("wi-fi" → "wifi"): the question's
    parts are found by the compound splitting of the index instead.
    """
    found = []
    for match in WORD.finditer(text.casefold()):
        word = match.group().replace("-", "")
        if word in STOP_WORDS or len(word) < 2:
            continue
        if word not in found:
            found.append(word)
    return found


@lru_cache(maxsize=16384)
def trigrams(word):
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a, b):
    """pg_trgm's similarity() of two single words: shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def edit_distance(a, b, limit=2):
    """Damerau-Levenshtein distance (adjacent swaps count one), or limit + 1 when above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
