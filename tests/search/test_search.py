"""The search function: Swedish words, ranking, the relevance cut, suggestions, the column."""

import pytest

from registry.models import Item
from registry.search import ANSWER_LIMIT, item_search, item_suggestions
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


def names(hits):
    return [hit.item.name for hit in hits]


def test_name_ranks_above_keyword_above_description():
    by_name = ItemFactory(name="Projektor")
    by_keyword = ItemFactory(name="AV-utrustning", keywords="projektor, högtalare")
    by_description = ItemFactory(name="Övrigt", description="Här nämns projektor i förbigående.")

    def score(item):
        (hit,) = item_search("projektor", items=Item.objects.filter(pk=item.pk))
        return hit.score

    assert score(by_name) > score(by_keyword) > score(by_description) > 0
    # Together, the description's passing mention falls below the relevance cut.
    assert names(item_search("projektor")) == ["Projektor", "AV-utrustning"]


def test_group_counts_like_the_name_it_is_part_of():
    ItemFactory(name="Inköp", description="Beställs i skolplattform.")
    ItemFactory(name="Skolplattform | Bedömning")
    assert names(item_search("skolplattformen")) == ["Skolplattform | Bedömning"]


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("skrivaren", "Skrivare"),
        ("betygen", "Betyg"),
        ("utvecklingssamtalen", "Utvecklingssamtal"),
        ("skrviare", "Skrivare"),  # typing error
        ("skrivaren fungerar inte", "Skrivare"),  # phrase: the stop words are dropped
        ("Skrivaren FUNGERAR inte!", "Skrivare"),
    ],
)
def test_swedish_inflections_typing_errors_and_phrases(question, found):
    for name in ("Skrivare", "Betyg", "Utvecklingssamtal", "Budget"):
        ItemFactory(name=name)
    assert names(item_search(question))[0] == found


def test_question_of_stop_words_only_answers_nothing():
    ItemFactory(name="Skrivare")
    assert item_search("vem ansvarar för det?") == []


def test_weak_matches_are_cut_below_the_best_answer():
    ItemFactory(name="Skrivare", keywords="printer")
    ItemFactory(name="Makerspace", description="Det finns en skrivare i ett hörn.")
    assert names(item_search("skrivare")) == ["Skrivare"]


def test_answer_is_a_short_list():
    for number in range(ANSWER_LIMIT + 4):
        ItemFactory(name=f"Schema {number}")
    assert len(item_search("schema")) == ANSWER_LIMIT
    assert len(item_search("schema", limit=None)) == ANSWER_LIMIT + 4


def test_no_match_suggests_the_closest_items():
    ItemFactory(name="Skolfoto")
    ItemFactory(name="Budget")
    # Too far from "skolfoto" to be an answer, close enough to be suggested.
    assert item_search("fotoskol") == []
    assert names(item_suggestions("fotoskol")) == ["Skolfoto"]
    assert item_suggestions("xyz") == []


def test_english_keywords_find_the_item():
    ItemFactory(name="Skrivare", keywords="printer, utskrift")
    assert names(item_search("the printer is broken")) == ["Skrivare"]


def test_search_column_follows_every_write():
    item = ItemFactory(name="Digitala enheter")
    assert item_search("ipad") == []
    item.keywords = "ipad, chromebook"
    item.save(update_fields=["keywords"])
    assert names(item_search("ipad")) == ["Digitala enheter"]
    # The spreadsheet import writes in bulk; the column follows there too.
    item.keywords = "surfplatta"
    Item.objects.bulk_update([item], ["keywords"])
    assert item_search("ipad") == []
    assert names(item_search("surfplattan")) == ["Digitala enheter"]
    Item.objects.bulk_create([Item(column=item.column, name="Skrivare", order=9)])
    assert names(item_search("skrivaren")) == ["Skrivare"]


def test_search_reads_the_items_once_whatever_their_number(django_assert_max_num_queries):
    for number in range(30):
        ItemFactory(name=f"Skrivare {number}")
    # SQLite: one read of the search column; PostgreSQL: the scores, then the best items.
    with django_assert_max_num_queries(2):
        assert len(item_search("skrivaren")) == ANSWER_LIMIT


def test_blueprint_filter_ids_are_the_search_above_the_cut(django_assert_max_num_queries):
    from registry.search import item_search_ids

    for number in range(ANSWER_LIMIT + 2):
        ItemFactory(name=f"Schema {number}")
    ItemFactory(name="Budget", description="Även schema nämns här.")
    with django_assert_max_num_queries(1):
        ids = item_search_ids("schemat")
    assert ids == [hit.item.pk for hit in item_search("schemat", limit=None)]
    assert len(ids) == ANSWER_LIMIT + 2  # the passing mention is below the cut
