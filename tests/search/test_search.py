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


def test_the_index_follows_every_write():
    item = ItemFactory(name="Digitala enheter")
    assert item_search("ipad") == []
    item.keywords = "ipad, chromebook"
    item.save(update_fields=["keywords"])
    assert names(item_search("ipad")) == ["Digitala enheter"]
    # The spreadsheet import writes in bulk, with history; the index follows there too.
    from simple_history.utils import bulk_update_with_history

    item.keywords = "surfplatta"
    bulk_update_with_history([item], Item, ["keywords"])
    assert names(item_search("surfplattan")) == ["Digitala enheter"]
    Item.objects.bulk_create([Item(column=item.column, name="Skrivare", order=9)])
    assert names(item_search("skrivaren")) == ["Skrivare"]


def test_search_reads_only_the_version_while_the_catalogue_is_unchanged(
    django_assert_max_num_queries,
):
    for number in range(30):
        ItemFactory(name=f"Skrivare {number}")
    # A changed catalogue: its version, the items, the word list.
    with django_assert_max_num_queries(3):
        assert len(item_search("skrivaren")) == ANSWER_LIMIT
    with django_assert_max_num_queries(1):
        assert len(item_search("skrivare")) == ANSWER_LIMIT


def test_blueprint_filter_ids_are_the_search_above_the_cut():
    from registry.search import item_search_ids

    for number in range(ANSWER_LIMIT + 2):
        ItemFactory(name=f"Schema {number}")
    ItemFactory(name="Budget", description="Även schema nämns här.")
    ids = item_search_ids("schemat")
    assert ids == [hit.item.pk for hit in item_search("schemat", limit=None)]
    assert len(ids) == ANSWER_LIMIT + 2  # the passing mention is below the cut


# --- Issue 21: what a word tells, questions, compounds, typing errors, the word list -----


def test_a_rare_word_outweighs_a_common_one():
    # "elev" stands in many items, "lösenord" in one: the one with the rare word wins.
    for name in ("Elevplacering", "Frånvaro elev", "Elevhälsa", "Interkommunala elever"):
        ItemFactory(name=name)
    ItemFactory(name="AD-Konton", keywords="lösenord, inloggning, logga in")
    assert names(item_search("elev har glömt lösenordet"))[0] == "AD-Konton"
    assert names(item_search("vem ska jag prata med om att en elev inte kan logga in"))[0] == (
        "AD-Konton"
    )


def test_a_whole_sentence_is_read_without_its_question_words():
    from registry.search.text import question_words

    assert question_words("Vem ska jag prata med om att projektorn inte fungerar?") == [
        "projektorn"
    ]
    ItemFactory(name="AV-utrustning", keywords="projektor, högtalare")
    ItemFactory(name="Om skolan", keywords="prata, vem")  # the question's words find nothing
    assert names(item_search("vem ska jag prata med om projektorn")) == ["AV-utrustning"]


def test_compounds_written_apart_or_joined_find_the_item():
    ItemFactory(name="Skolplattform | Bedömningsstöd – Registrera", keywords="bedömningsstöd")
    ItemFactory(name="Support och stöd", keywords="support, stöd, hjälp")
    ItemFactory(name="Skolplattform | Bedömning", keywords="bedömning, omdöme")
    ItemFactory(name="AD-Konton", keywords="lösenord, konto")
    ItemFactory(name="Skrivare", keywords="printer, utskrift")
    assert names(item_search("bedömnings stöd"))[0] == "Skolplattform | Bedömningsstöd – Registrera"
    assert names(item_search("lösen ord")) == ["AD-Konton"]
    # Joined: a compound the items do not have is read as its known parts.
    assert names(item_search("skrivarkö"))[0] == "Skrivare"
    assert names(item_search("kontolösenord"))[0] == "AD-Konton"


def test_one_typing_error_is_corrected_and_said():
    from registry.search import item_answer

    ItemFactory(name="WiFi / Nätverk", keywords="wifi, trådlöst, nätverk")
    ItemFactory(name="Budget")
    answer = item_answer("nätvrek")
    assert names(answer.hits) == ["WiFi / Nätverk"]
    assert answer.corrections == {"nätvrek": "nätverk"}
    assert answer.corrected_text == "nätverk"
    # Searched as typed: nothing.
    assert item_answer("nätvrek", correct=False).hits == []


def test_a_word_two_corrections_fit_equally_is_not_corrected():
    from registry.search.index import index_build
    from registry.search.query import typing_correction

    ItemFactory(name="Kasta")
    ItemFactory(name="Kanta")
    index = index_build(list(Item.objects.select_related("column__area")))
    assert typing_correction("kaxta", index) == ""
    assert typing_correction("kassta", index) == "kasta"


def test_a_word_of_the_word_list_finds_the_items_it_means():
    from registry.models import SearchWord

    ItemFactory(name="Tjänstekortsadministratör", keywords="passerkort, tjänstekort")
    assert item_search("passerbrickan") == []
    SearchWord.objects.create(word="passerbricka", means="passerkort")
    assert names(item_search("passerbrickan")) == ["Tjänstekortsadministratör"]
