""" "Vem ansvarar för …?": the one search of the blueprint items, ranked by relevance.

`item_search(text)` answers the header box and the blueprint page's `q`
filter alike. A question is cut into meaningful terms (registry/text.py:
stop words dropped, definite endings cut), each term is looked for as a
Swedish stem in the item's name, keywords, group and description, and
weighed by where it was found (name > keyword > group > description); a term
found nowhere can still find an item by trigram similarity (typing errors:
"skrviare"). Items far below the best answer are cut away.

PostgreSQL does the matching in SQL with full-text search in the 'swedish'
configuration (ts_rank over a weighted tsvector, a generated column kept by
PostgreSQL itself) and pg_trgm's strict_word_similarity. SQLite has neither
a Swedish stemmer nor trigrams, so there the stems are kept in a column
(Item.search_stems, written on save and in bulk writes) and one narrow read
of it is scored here in Python by the same rules.
docs/search.md says why and what each database gives.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorField,
    TrigramStrictWordSimilarity,
)
from django.db import connection
from django.db.models import FloatField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, Least

from registry.models import Item
from registry.text import MIN_PREFIX, query_terms, similarity, stem, words

CONFIG = "swedish"
# Weight of a term found in the name, keywords, group, description (ts_rank's A, B, C, D).
WEIGHTS = {"name": 1.0, "keywords": 0.7, "group": 0.4, "description": 0.2}
FIELDS = tuple(WEIGHTS)
# A typing error: a term this similar (pg_trgm trigrams) to a word of the name
# or the keywords finds the item ("skrviare" is 0.38 from "skrivare"); the
# score gains the similarity (times the keyword weight for keywords) times
# FUZZY_WEIGHT. pg_trgm's default of 0.3 let "parkering" answer "placering".
FUZZY_THRESHOLD = 0.37
FUZZY_WEIGHT = 0.6
# "Menade du …?": when nothing matched, items at least this similar are suggested.
SUGGEST_THRESHOLD = 0.2
# The answer is the best items, not half the poster: at most ANSWER_LIMIT, and
# none scoring below RELATIVE_CUT of the best.
ANSWER_LIMIT = 6
RELATIVE_CUT = 0.35
# ts_rank's weight of one position is the weight divided by this (pi²/6).
TS_RANK_SCALE = 1.64493406685
# Below this a rank is floating-point noise (the rank is a difference of floats).
RANK_EPSILON = 1e-6


@dataclass
class Hit:
    item: Item
    score: float


def item_search(text, *, items=None, limit=ANSWER_LIMIT):
    """The items answering the question `text`, best first, as [Hit(item, score), …].

    `items` narrows the search (a queryset, e.g. filtered by area); `limit`
    None keeps every item above the relevance cut (the blueprint filter).
    One query on SQLite, two on PostgreSQL, whatever the number of items.
    """
    terms = query_terms(text)
    if not terms:
        return []
    items = Item.objects.all() if items is None else items
    if connection.vendor == "postgresql":
        hits = _postgresql(items, terms, limit=limit)
    else:
        hits = _python(items, terms)
    return _cut(hits, limit)


def item_search_ids(text, *, items=None):
    """The primary keys of every item above the relevance cut, best first: the blueprint filter.

    One query on either database (the items themselves are not read).
    """
    terms = query_terms(text)
    if not terms:
        return []
    items = Item.objects.all() if items is None else items
    if connection.vendor == "postgresql":
        ranked = _postgresql_scores(items, terms)
    else:
        ranked = [(hit.item.pk, hit.score) for hit in _python(items, terms)]
    if not ranked:
        return []
    floor = ranked[0][1] * RELATIVE_CUT
    return [pk for pk, score in ranked if score >= floor]


def item_suggestions(text, *, items=None, limit=3):
    """ "Menade du …?": the items whose name or keywords come closest to the question's words."""
    terms = query_terms(text)
    if not terms:
        return []
    items = Item.objects.all() if items is None else items
    if connection.vendor == "postgresql":
        hits = _postgresql(items, terms, fuzzy_only=True, threshold=SUGGEST_THRESHOLD, limit=limit)
    else:
        hits = _python(items, terms, fuzzy_only=True, threshold=SUGGEST_THRESHOLD)
    return hits[:limit]


def _cut(hits, limit):
    if not hits:
        return []
    floor = hits[0].score * RELATIVE_CUT
    kept = [hit for hit in hits if hit.score >= floor]
    return kept if limit is None else kept[:limit]


def _leaves_by_term(terms):
    """The stems each term is looked for as: exact, and as a prefix when long enough.

    [(term, [(stem, is_prefix), …]), …]; an exact match counts twice (both
    leaves match), a prefix match once.
    """
    found = []
    for term in terms:
        stemmed = stem(term)
        leaves = [(stemmed, False)]
        if len(stemmed) >= MIN_PREFIX:
            leaves.append((stemmed, True))
        found.append((term, leaves))
    return found


def _order(hits):
    return sorted(
        hits, key=lambda hit: (-hit.score, len(hit.item.name), hit.item.name, hit.item.pk)
    )


# --- PostgreSQL: full-text search and pg_trgm -----------------------------------


def _postgresql(items, terms, *, fuzzy_only=False, threshold=FUZZY_THRESHOLD, limit=None):
    """Two queries: the rank and similarities of every item, then the best items themselves."""
    ranked = _postgresql_scores(
        items, terms, fuzzy_only=fuzzy_only, threshold=threshold, limit=limit
    )
    found = items.select_related("column__area").in_bulk([pk for pk, _score in ranked])
    return [Hit(found[pk], score) for pk, score in ranked]


def _postgresql_scores(items, terms, *, fuzzy_only=False, threshold=FUZZY_THRESHOLD, limit=None):
    """[(pk, score), …] of the matching items, best first, from one query."""

    def best(field):
        return Greatest(
            Value(0.0),
            *(TrigramStrictWordSimilarity(term, field) for term in terms),
            output_field=FloatField(),
        )

    rank = Value(0.0)
    if not fuzzy_only:
        # The weighted tsvector of name (A), keywords (B), group (C) and
        # description (D): a generated column on PostgreSQL only, made by
        # migration 0005 and kept up to date by PostgreSQL on every write.
        vector = RawSQL(
            f"{Item._meta.db_table}.search_vector", [], output_field=SearchVectorField()
        )
        weights = [WEIGHTS[name] for name in ("description", "group", "keywords", "name")]
        # One ts_rank per term, so that a term found many times (or as the
        # prefix of many words) counts once, like a term found once: an item
        # matching more of the question's terms ranks higher. ts_rank divides
        # by pi²/6 and by the number of the query's leaves; undone here.
        for term, leaves in _leaves_by_term(terms):
            # Raw tsquery syntax: the terms are words only (registry.text.WORD);
            # PostgreSQL stems them with its own Swedish Snowball stemmer.
            query = SearchQuery(
                " | ".join(f"{term}:*" if prefix else term for _stem, prefix in leaves),
                search_type="raw",
                config=CONFIG,
            )
            term_rank = SearchRank(vector, query, weights=weights) * Value(
                TS_RANK_SCALE * len(leaves)
            )
            rank = rank + Least(term_rank, Value(WEIGHTS["name"] * len(leaves)))
    # Each expression is selected once and the matches are picked out here:
    # Django repeats an annotation's SQL wherever it is used, and pg_trgm's
    # strict_word_similarity is the costly part of the query.
    rows = items.order_by().values_list("pk", "name", best("name"), best("keywords"), rank)
    scores = {}
    for pk, name, name_similarity, keyword_similarity, item_rank in rows:
        close = max(name_similarity, keyword_similarity) >= threshold
        fuzzy = max(name_similarity, keyword_similarity * WEIGHTS["keywords"])
        if close or item_rank > RANK_EPSILON:
            score = fuzzy if fuzzy_only else item_rank + fuzzy * FUZZY_WEIGHT
            scores[pk] = (-score, len(name), name, pk)
    return [(pk, -score) for score, _length, _name, pk in sorted(scores.values())[:limit]]


# --- SQLite: the stemmed column, scored in Python -----------------------------------


def _python(items, terms, *, fuzzy_only=False, threshold=FUZZY_THRESHOLD):
    leaves = _leaves_by_term(terms)
    hits = []
    for item in items.select_related("column__area"):
        lines = _lines(item.search_stems)
        fields = {name: line.split() for name, line in zip(FIELDS, lines, strict=False)}
        name_similarity = _similarity(terms, item.name)
        keyword_similarity = _similarity(terms, item.keywords)
        fuzzy = max(name_similarity, keyword_similarity * WEIGHTS["keywords"])
        close = max(name_similarity, keyword_similarity) >= threshold
        if fuzzy_only:
            if close:
                hits.append(Hit(item, fuzzy))
            continue
        rank = sum(
            _leaf_weight(leaf, fields) for _term, term_leaves in leaves for leaf in term_leaves
        )
        if rank > 0 or close:
            hits.append(Hit(item, rank + fuzzy * FUZZY_WEIGHT))
    return _order(hits)


def _lines(search_stems):
    lines = search_stems.split("\n")
    return lines + [""] * (len(FIELDS) - len(lines))


def _leaf_weight(leaf, fields):
    lexeme, prefix = leaf
    for name in FIELDS:  # in order of weight: the first field that has it counts
        if any(s.startswith(lexeme) if prefix else s == lexeme for s in fields[name]):
            return WEIGHTS[name]
    return 0.0


def _similarity(terms, text):
    """pg_trgm's strict_word_similarity(term, text), the best of the terms.

    strict_word_similarity compares the term with the closest run of whole
    words of the text; a single word, as here, is nearly always the closest.
    (The looser word_similarity also matches parts of words, which let
    "kaffemaskin" answer "Frankeringsmaskin".)
    """
    best = 0.0
    for word in words(text):
        for term in terms:
            best = max(best, similarity(term, word))
    return best
