"""How well the search answers a question file: top-1, top-3 and "in a list of ≤ 15" rates.

A question file (tests/search/questions_*.tsv) holds one question a line:
`question<TAB>expected item name[<TAB>alternative …]`; any of the names
counts. Blank lines and lines starting with # are skipped.
"""

from dataclasses import dataclass, field
from pathlib import Path

from registry.search import item_search

LIST_LENGTH = 15


@dataclass
class Evaluation:
    questions: int = 0
    first: int = 0
    top3: int = 0
    listed: int = 0
    misses: list = field(default_factory=list)  # (question, expected, got), not first

    def rate(self, count):
        return count / self.questions if self.questions else 0.0


def questions_read(path):
    """[(question, [expected, …]), …] of a question file."""
    questions = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        question, *expected = [part.strip() for part in line.split("\t")]
        if not expected or not all(expected):
            raise ValueError(f"{path}:{number}: a question needs an expected item after a tab")
        questions.append((question, expected))
    return questions


def questions_evaluate(questions):
    """The rates of [(question, [expected, …]), …] on the database in use."""
    result = Evaluation()
    for question, expected in questions:
        got = [hit.item.name for hit in item_search(question, limit=None)[:LIST_LENGTH]]
        ranks = [got.index(name) for name in expected if name in got]
        rank = min(ranks) if ranks else None
        result.questions += 1
        result.first += rank == 0
        result.top3 += rank is not None and rank < 3
        result.listed += rank is not None
        if rank != 0:
            result.misses.append((question, expected, got[:5], rank))
    return result
