"""Reading a question against the index: joined and split compounds, the word list, typing errors.

A question's words (stop words dropped, registry/search/text.py) become
terms. Each term is looked for as it is; two adjacent words that together
make a word of the items are one term ("lösen ord" → "lösenord",
"bedömnings stöd" → "bedömningsstöd"); the word list adds what an everyday
word means ("passerbrickan" → "passerkort"); a word the items do not know
is tried without an inflection ending ("nätverket" → "nätverk"), then as a
compound of known parts ("skrivarkö" → "skrivar" + "kö"), and last as a
typing error of a known word, corrected when one correction is clearly the
best ("nätvrek" → "nätverk") and reported so the page can say so.
"""

from dataclasses import dataclass, field

from registry.search.index import MIN_PART, stem
from registry.search.text import edit_distance, question_words, similarity

# How much an alternative counts against the word itself.
SYNONYM_WEIGHT = 0.9
SPLIT_WEIGHT = 0.8
# A split of which only one part is known (the other a word the items do not use).
HALF_SPLIT_WEIGHT = 0.6
# Inflection endings tried when a word's stem is unknown ("lösenordet", "nätverket").
ENDINGS = ("erna", "arna", "orna", "ens", "ets", "et", "en", "na", "n", "t", "s", "e", "a")
# Typing errors: the longest distance corrected for a word of at least this many letters.
CORRECTABLE = ((9, 2), (5, 1))
# Two corrections this close in trigram similarity are a tie: no correction then.
CLEAR_MARGIN = 0.1


@dataclass
class Term:
    word: str
    # [(stems of a phrase, weight)]: the term scores the best of them.
    alternatives: list = field(default_factory=list)
    corrected: str = ""


@dataclass
class Query:
    terms: list
    corrections: dict  # word as typed → word searched for

    @property
    def searchable(self):
        return any(term.alternatives for term in self.terms)


def query_read(text, index, *, correct=True):
    """The terms of the question `text` against `index`; `correct` False searches it as typed."""
    found = question_words(text)
    terms, corrections = [], {}
    for word in _joined(found, index):
        term = Term(word)
        term.alternatives = _alternatives(word, index)
        if not term.alternatives and correct:
            correction = typing_correction(word, index)
            if correction:
                term.corrected = correction
                corrections[word] = correction
                term.alternatives = _alternatives(correction, index)
        if not term.alternatives:
            term.alternatives = _half_split(word, index)
        terms.append(term)
    return Query(terms=terms, corrections=corrections)


def _joined(found, index):
    """The question's words, two adjacent ones joined where the items know them as one word."""
    joined, skip = [], False
    for position, word in enumerate(found):
        if skip:
            skip = False
            continue
        following = found[position + 1] if position + 1 < len(found) else None
        if following is not None and stem(word + following) in index.whole:
            joined.append(word + following)
            skip = True
            continue
        joined.append(word)
    return joined


def _alternatives(word, index):
    """[(words of a phrase, weight)] the word is looked for as; [] when the items know it not."""
    alternatives = [(phrase, SYNONYM_WEIGHT) for phrase in index.synonyms.get(stem(word), ())]
    if index.matches(word):
        return [((word,), 1.0), *alternatives]
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_PART + 1:
            shorter = word[: -len(ending)]
            if shorter in index.written or stem(shorter) in index.whole:
                return [((shorter,), 1.0), *alternatives]
            alternatives += [
                (phrase, SYNONYM_WEIGHT) for phrase in index.synonyms.get(stem(shorter), ())
            ]
    if alternatives:
        return alternatives
    split = _split(word, index)
    return [split] if split else []


def _half_split(word, index):
    """A compound with one known part, the other unknown to the items: [(words, weight)]."""
    for cut in range(len(word) - 2, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        root = head[:-1] if head.endswith("s") and len(head) > MIN_PART + 1 else head
        if len(root) >= MIN_PART + 1 and _known(root, index):
            return [((root,), HALF_SPLIT_WEIGHT)]
        if len(tail) >= MIN_PART + 2 and _known(tail, index):
            return [((tail,), HALF_SPLIT_WEIGHT)]
    return []


def _known(word, index):
    return word in index.written or stem(word) in index.whole


def _split(word, index):
    """A compound of the question as its two known parts: (words, weight), or None."""
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        roots = [head[:-1]] if head.endswith("s") and len(head) > MIN_PART + 1 else []
        for root in [head, *roots]:
            if _known(root, index) and index.matches(tail):
                return ((root, tail), SPLIT_WEIGHT)
    return None


def typing_correction(word, index):
    """The one known word `word` is clearly a typing error of, or ""."""
    limit = next((distance for length, distance in CORRECTABLE if len(word) >= length), 0)
    if not limit:
        return ""
    candidates = {}
    for known in index.surface:
        distance = edit_distance(word, known, limit)
        if distance <= limit:
            candidates.setdefault(distance, []).append(known)
    if not candidates:
        return ""
    closest = candidates[min(candidates)]
    by_stem = {}
    for known in closest:
        by_stem.setdefault(stem(known), []).append(known)
    if len(by_stem) == 1:
        return min(closest, key=lambda known: (-similarity(word, known), len(known), known))
    ranked = sorted(closest, key=lambda known: -similarity(word, known))
    first, second = ranked[0], next(k for k in ranked if stem(k) != stem(ranked[0]))
    if similarity(word, first) - similarity(word, second) >= CLEAR_MARGIN:
        return first
    return ""
