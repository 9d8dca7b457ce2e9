"""Fixtures the register's tests share."""

import pytest

from organisation.models import Position
from tests.factories import PositionFactory


@pytest.fixture
def positions():
    """The unit-level positions the coverage checks read: rektor, IT-handledare,
    hanteringsansvarig."""
    return {
        code: PositionFactory(code=code, name=label, level=Position.Level.UNIT)
        for code, label in [
            (Position.Code.PRINCIPAL, "Rektor"),
            (Position.Code.IT_MENTOR, "IT-handledare"),
            (Position.Code.FIRST_LINE_CONTACT, "Hanteringsansvarig"),
        ]
    }
