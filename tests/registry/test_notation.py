import pytest

from registry.notation import NotationError, Responsible, format_responsible, parse_responsible

ROLES = {"ITS", "ITP", "LÄR", "Resp chef", "REK"}


def test_parses_the_posters_notation():
    assert parse_responsible("A.W ITS; Resp chef; LÄR; K.E; R.A ITP (ersättare)", ROLES) == [
        Responsible(initials="A.W", role_code="ITS"),
        Responsible(role_code="Resp chef"),
        Responsible(role_code="LÄR"),
        Responsible(initials="K.E"),
        Responsible(initials="R.A", role_code="ITP", deputy=True),
    ]


def test_blank_entries_and_extra_spaces_are_ignored():
    assert parse_responsible("  A.W   ITS ;; ", ROLES) == [Responsible("A.W", "ITS")]
    assert parse_responsible("", ROLES) == []


def test_unknown_role_is_named_in_the_message():
    with pytest.raises(NotationError, match="”A.W XYZ” kan inte läsas: ”XYZ” är ingen känd roll"):
        parse_responsible("A.W XYZ", ROLES)


def test_format_is_the_inverse_of_parse():
    text = "A.W ITS; Resp chef; R.A ITP (ersättare); K.E"
    assert format_responsible(parse_responsible(text, ROLES)) == text
