""" "Vem ansvarar för …?": the one search of the blueprint items, ranked by what a word tells.

`item_search(text)` answers the header box, the answer page and the
blueprint page's `q` filter alike: the question is read against the
catalogue's index (query.py: stop words, compounds, the word list, typing
errors) and every item scored by BM25 (index.py), the same in Python on
SQLite and PostgreSQL. Items far below the best answer are cut away.
`unanswered_log` counts the questions that found nothing, for the
administrator's list. docs/search.md says how and why.

    text.py    words, stop words, stems, trigrams, edit distance
    index.py   the items' words by field, BM25, built once per catalogue version
    query.py   the question read against the index
    evaluate.py  a question file's top-1 / top-3 / top-15 rates (manage.py search_eval)
"""

from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from registry.models import UnansweredSearch
from registry.search.index import current_index
from registry.search.query import query_read
from registry.search.text import question_words, similarity, words

# The answer is the best items, not half the poster: at most ANSWER_LIMIT, and
# none scoring below RELATIVE_CUT of the best.
ANSWER_LIMIT = 6
RELATIVE_CUT = 0.35
# "Menade du …?": when nothing matched, items with a word at least this similar.
SUGGEST_THRESHOLD = 0.2


@dataclass
class Hit:
    item: object
    score: float


@dataclass
class Answer:
    """A search's hits and, when words were corrected, the question searched for instead."""

    hits: list
    corrections: dict = field(default_factory=dict)
    words: list = field(default_factory=list)  # the question's words, stop words dropped
    searched: bool = False  # the question had a word the items could be looked up by

    @property
    def corrected_text(self):
        """The question as searched: its words, each corrected one replaced."""
        return " ".join(self.corrections.get(word, word) for word in self.words)


def item_answer(text, *, items=None, limit=ANSWER_LIMIT, correct=True):
    """The items answering `text`, best first, with the corrections made (an Answer).

    `items` narrows the search to a set of primary keys (a queryset or ids);
    `limit` None keeps every item above the relevance cut (the blueprint
    filter); `correct` False searches the words as typed (the link "Sök
    i stället efter …"). One query while the catalogue is unchanged.
    """
    index = current_index()
    query = query_read(text, index, correct=correct)
    answer = Answer(hits=[], corrections=query.corrections, words=question_words(text))
    if not query.searchable:
        return answer
    answer.searched = True
    allowed = None if items is None else set(_ids(items))
    scores = {}
    for term in query.terms:
        best = {}
        for phrase, weight in term.alternatives:
            phrase_scores = {}
            for word in phrase:
                for number, score in index.term_scores(word).items():
                    phrase_scores[number] = phrase_scores.get(number, 0.0) + score
            for number, score in phrase_scores.items():
                best[number] = max(best.get(number, 0.0), score * weight / len(phrase) ** 0.5)
        for number, score in best.items():
            scores[number] = scores.get(number, 0.0) + score
    hits = [
        Hit(index.documents[number].item, score)
        for number, score in scores.items()
        if allowed is None or index.documents[number].item.pk in allowed
    ]
    hits.sort(key=lambda hit: (-hit.score, len(hit.item.name), hit.item.name, hit.item.pk))
    answer.hits = _cut(hits, limit)
    return answer


def item_search(text, *, items=None, limit=ANSWER_LIMIT, correct=True):
    """The items answering the question `text`, best first, as [Hit(item, score), …]."""
    return item_answer(text, items=items, limit=limit, correct=correct).hits


def item_search_ids(text, *, items=None):
    """The primary keys of every item above the relevance cut, best first: the blueprint filter."""
    return [hit.item.pk for hit in item_search(text, items=items, limit=None)]


def item_suggestions(text, *, limit=3):
    """ "Menade du …?": the items with a name or keyword word closest to the question's words."""
    terms = question_words(text)
    if not terms:
        return []
    hits = []
    for document in current_index().documents:
        item = document.item
        best = 0.0
        for word in (*words(item.name), *words(item.keywords)):
            for term in terms:
                best = max(best, similarity(term, word))
        if best >= SUGGEST_THRESHOLD:
            hits.append(Hit(item, best))
    hits.sort(key=lambda hit: (-hit.score, len(hit.item.name), hit.item.name))
    return hits[:limit]


def unknown_words(text):
    """The words of a question that match no item and no word of the word list."""
    index = current_index()
    return [
        word
        for word in question_words(text)
        if not index.matches(word) and not index.synonym_of(word)
    ]


def _ids(items):
    if hasattr(items, "values_list"):
        return items.values_list("pk", flat=True)
    return items


def _cut(hits, limit):
    if not hits:
        return []
    floor = hits[0].score * RELATIVE_CUT
    kept = [hit for hit in hits if hit.score >= floor]
    return kept if limit is None else kept[:limit]


def unanswered_log(text):
    """Count a question that found nothing: its words only (stop words dropped), no user, per day.

    One statement on either database (an upsert), so two requests at once
    count twice rather than fail.
    """
    question = " ".join(question_words(text))[: UnansweredSearch.TEXT_LENGTH]
    if not question:
        return
    table = connection.ops.quote_name(UnansweredSearch._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, text, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (day, text) DO UPDATE SET count = {table}.count + 1",
            [timezone.localdate(), question],
        )
