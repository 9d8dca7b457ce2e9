"""The search index: the items' words by field and BM25 over them, built once per catalogue version.

The catalogue is small (150 items in the seed, a thousand at most), so the
whole index is built in Python from one read of the items and one of the
word list, and kept in this process until the catalogue changes
(`catalogue_version`: one query of the largest history ids). Ranking is
therefore one definition, the same on SQLite and PostgreSQL.

Ranking is BM25F: a word counts by how few items it occurs in (its inverse
document frequency: "elev" stands in dozens of items and counts little,
"lösenord" in one and counts much), by the field it is found in (name >
keywords > description > column > area) and, softly, by how long that
field is. A word matches a stem of an item exactly, as the start of a
longer word ("betyg" → "Betygssättning") or as a part of a compound
("stöd" → "Bedömningsstöd"), the last two a little weaker.
"""

import math
import threading
from dataclasses import dataclass, field

from django.db import connection

from registry.models import Area, Column, Item, SearchWord
from registry.search.text import MIN_PREFIX, stem, words

# Field: (weight, length normalisation b). The group ("Skolplattform") is part of the name.
FIELDS = {
    "name": (3.0, 0.5),
    "keywords": (2.0, 0.0),
    "description": (0.6, 0.5),
    "column": (0.5, 0.0),
    "area": (0.3, 0.0),
}
K1 = 1.2
# How much a match counts: the word as written > the same stem ("dator" and
# "data" are both "dat" to Snowball) > the start of a longer word or a part of
# a compound.
STEM_MATCH = 0.7
PREFIX_MATCH = 0.6
PART_MATCH = 0.6
# A word of a keyword of several words ("elev ipad") counts less than a keyword of its own.
PHRASE_WORD = 0.6
# Compound parts are found for words at least this long, parts at least MIN_PART long.
MIN_COMPOUND = 6
MIN_PART = 3
# Swedish compounds often join their parts with an "s" ("bedömningsstöd").
LINKING = ("s", "")


@dataclass
class Document:
    item: object
    # field → number of words
    lengths: dict


@dataclass
class Index:
    version: tuple
    documents: list
    # {document number: {field: count}} by word as written, by stem, by stem of a compound part
    written: dict
    whole: dict
    parts: dict
    average_length: dict
    # Every word of the items (unstemmed), for typing errors and suggestions.
    surface: set
    # Word list: stem of the everyday word → [phrases it means], each a tuple of words.
    synonyms: dict = field(default_factory=dict)
    _matches: dict = field(default_factory=dict)

    @property
    def size(self):
        return len(self.documents)

    def matches(self, word):
        """{(token, kind): weight} of the index's tokens a word of the question matches."""
        cached = self._matches.get(word)
        if cached is not None:
            return cached
        lexeme = stem(word)
        found = {}
        if word in self.written:
            found[(word, "written")] = 1.0
        if lexeme in self.whole:
            found[(lexeme, "whole")] = STEM_MATCH
        if lexeme in self.parts:
            found[(lexeme, "parts")] = PART_MATCH
        if len(lexeme) >= MIN_PREFIX:
            for token in self.whole:
                if token != lexeme and token.startswith(lexeme):
                    found[(token, "whole")] = PREFIX_MATCH
        self._matches[word] = found
        return found

    def synonym_of(self, word):
        """The phrases the word list says `word` means ([] when it has no entry)."""
        return self.synonyms.get(stem(word), [])

    def term_scores(self, word):
        """{document number: BM25F score} of one word of the question."""
        found = self.matches(word)
        if not found:
            return {}
        per_document = {}
        for (token, kind), weight in found.items():
            postings = getattr(self, kind)[token]
            for number, fields in postings.items():
                best = per_document.setdefault(number, {})
                for name, count in fields.items():
                    best[name] = max(best.get(name, 0.0), weight * count)
        df = len(per_document)
        idf = math.log(1 + (self.size - df + 0.5) / (df + 0.5))
        scores = {}
        for number, fields in per_document.items():
            lengths = self.documents[number].lengths
            tf = 0.0
            for name, count in fields.items():
                weight, b = FIELDS[name]
                norm = 1 - b + b * lengths[name] / (self.average_length[name] or 1)
                tf += weight * count / norm
            scores[number] = idf * tf * (K1 + 1) / (K1 + tf)
        return scores


def field_texts(item):
    return {
        "name": item.name,
        "keywords": item.keywords,
        "description": item.description,
        "column": item.column.name,
        "area": item.column.area.name,
    }


def compound_parts(word, known):
    """The parts of a compound word whose parts are both known stems, or ()."""
    if len(word) < MIN_COMPOUND:
        return ()
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        if stem(tail) not in known:
            continue
        for link in LINKING:
            if link and not head.endswith(link):
                continue
            root = head[: len(head) - len(link)]
            if len(root) >= MIN_PART and (root in known or stem(root) in known):
                return (stem(root), stem(tail))
    return ()


def synonym_key(word):
    """The word a word list entry is for, read as a question's words are ("Wi-Fi" → "wifi")."""
    return word.strip().casefold().replace("-", "")


def index_build(items, synonyms=(), version=()):
    """The index of `items` (column and area loaded) and the word list's (word, means) pairs."""
    texts = [field_texts(item) for item in items]
    known = {stem(word) for fields in texts for text in fields.values() for word in words(text)}
    written, whole, parts, totals = {}, {}, {}, dict.fromkeys(FIELDS, 0)
    documents, surface = [], set()

    def add(postings, token, number, name, count):
        # A word counts once however often it stands, at its strongest.
        counts = postings.setdefault(token, {}).setdefault(number, {})
        counts[name] = max(counts.get(name, 0.0), count)

    for number, (item, fields) in enumerate(zip(items, texts, strict=True)):
        lengths = {}
        for name, text in fields.items():
            field_words = words(text)
            lengths[name] = len(field_words)
            totals[name] += len(field_words)
            surface.update(word for word in field_words if word.isalpha())
            phrases = text.split(",") if name == "keywords" else [text]
            for phrase in phrases:
                phrase_words = words(phrase)
                count = 1.0 if len(phrase_words) == 1 else PHRASE_WORD
                for word in phrase_words:
                    add(written, word, number, name, count)
                    add(whole, stem(word), number, name, count)
                    for part in compound_parts(word, known):
                        add(parts, part, number, name, count)
        documents.append(Document(item=item, lengths=lengths))
    average = {name: totals[name] / max(len(documents), 1) for name in FIELDS}
    index = Index(
        version=version,
        documents=documents,
        written=written,
        whole=whole,
        parts=parts,
        average_length=average,
        surface=surface,
    )
    for word, means in synonyms:
        word = synonym_key(word)
        phrases = [tuple(words(phrase)) for phrase in means.split(",") if words(phrase)]
        index.synonyms.setdefault(stem(word), []).extend(phrases)
        index.surface.add(word)
    return index


# --- The index of this process, rebuilt when the catalogue changes ----------------

_lock = threading.Lock()
_current = {"index": None}


def catalogue_version():
    """What the index is built from, as it stands: one query of the largest history ids and counts.

    Every write of items, columns, areas and the word list through the ORM,
    admin or the spreadsheet import leaves a history row, so any committed
    change gives a new version.
    """
    quote = connection.ops.quote_name
    parts = []
    for model in (Item, Column, Area, SearchWord):
        table = quote(model._meta.db_table)
        history = quote(model.history.model._meta.db_table)
        parts.append(f"(SELECT MAX({quote('history_id')}) FROM {history})")
        parts.append(f"(SELECT COUNT(*) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return (connection.alias, *cursor.fetchone())


def current_index():
    """The index of the catalogue as it is: one query when unchanged, three when it changed."""
    version = catalogue_version()
    index = _current["index"]
    if index is not None and index.version == version:
        return index
    items = list(Item.objects.select_related("column__area").order_by("pk"))
    synonyms = list(SearchWord.objects.values_list("word", "means"))
    index = index_build(items, synonyms, version=version)
    with _lock:
        _current["index"] = index
    return index


def index_clear():
    """Forget the index (tests: a rolled-back SQLite transaction hands the same ids out again)."""
    _current["index"] = None
